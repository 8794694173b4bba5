//! Destination search: matches what travellers type ("jap", "USA", "Holland") against names and aliases.

/// Lower-cases and strips accents and punctuation so "Curaçao" matches "curacao".
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let c = fold_accent(c.to_lowercase().next().unwrap_or(c));
            if c.is_alphanumeric() || c == ' ' {
                Some(c)
            } else if c == '-' || c == '\'' || c == '.' || c == ',' {
                None
            } else {
                Some(' ')
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// How well a destination matches a query; higher is better, `None` is no match.
pub fn score(query: &str, name: &str, aliases: &[String]) -> Option<u8> {
    let query = normalise(query);
    if query.is_empty() {
        return None;
    }
    let name = normalise(name);
    if name == query {
        return Some(100);
    }
    let alias_exact = aliases.iter().any(|alias| normalise(alias) == query);
    if alias_exact {
        return Some(90);
    }
    if name.starts_with(&query) {
        return Some(80);
    }
    if name.split(' ').any(|word| word.starts_with(&query)) {
        return Some(70);
    }
    if aliases
        .iter()
        .any(|alias| normalise(alias).split(' ').any(|w| w.starts_with(&query)))
    {
        return Some(60);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aliases(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn prefix_and_alias_matches() {
        assert!(score("jap", "Japan", &[]).is_some());
        assert!(score("USA", "United States", &aliases(&["USA", "America", "US"])).is_some());
        assert!(score("holland", "Netherlands", &aliases(&["Holland"])).is_some());
        assert!(score("kingdom", "United Kingdom", &[]).is_some());
        assert!(score("curacao", "Curaçao", &[]).is_some());
        assert_eq!(score("xyz", "Japan", &[]), None);
        assert_eq!(score("  ", "Japan", &[]), None);
    }

    #[test]
    fn exact_names_rank_above_prefixes() {
        let exact = score("niger", "Niger", &[]).unwrap();
        let prefix = score("niger", "Nigeria", &[]).unwrap();
        assert!(exact > prefix);
    }
}
