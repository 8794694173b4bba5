//! A small RFC 4180 reader for eSIM Go's assignment CSV: quoted or bare fields, `""` inside
//! quotes, CRLF or LF line ends, blank lines skipped.

/// Every non-blank record, each a list of fields.
pub(crate) fn records(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                other => field.push(other),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err("a quote inside an unquoted CSV field".into()),
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
                if !(record.len() == 1 && record[0].trim().is_empty()) {
                    records.push(std::mem::take(&mut record));
                }
                record.clear();
            }
            other if was_quoted => {
                if !other.is_whitespace() {
                    return Err("text after a closing quote in a CSV field".into());
                }
            }
            other => field.push(other),
        }
    }
    if quoted {
        return Err("an unterminated quoted CSV field".into());
    }
    if !field.is_empty() || !record.is_empty() || was_quoted {
        record.push(field);
        if !(record.len() == 1 && record[0].trim().is_empty()) {
            records.push(record);
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_shape() {
        let text = "\"ICCID\",\"Matching ID\",\"RSP URL\",\"Bundle\"\r\n\
                    \"8943108165005471086\",\"JQ-1Z351U-1U6E44B\",\"rsp.truphone.com\",\"esim_1GB_7D_GB_V2\"\r\n";
        assert_eq!(
            records(text).unwrap(),
            vec![
                vec!["ICCID", "Matching ID", "RSP URL", "Bundle"],
                vec![
                    "8943108165005471086",
                    "JQ-1Z351U-1U6E44B",
                    "rsp.truphone.com",
                    "esim_1GB_7D_GB_V2"
                ],
            ]
        );
    }

    #[test]
    fn handles_bare_fields_escaped_quotes_blank_lines_and_no_final_newline() {
        let text = "a,\"b \"\"c\"\", d\",\n\n1,2,3";
        assert_eq!(
            records(text).unwrap(),
            vec![vec!["a", "b \"c\", d", ""], vec!["1", "2", "3"]]
        );
        assert_eq!(records("").unwrap(), Vec::<Vec<String>>::new());
    }

    #[test]
    fn refuses_broken_quoting() {
        assert!(records("\"open").is_err());
        assert!(records("a\"b").is_err());
        assert!(records("\"a\"b").is_err());
    }
}
