//! The countries FMS sells, by MCC: parsed from the shared `countries.tsv` (embedded at compile
//! time; `crate::esimfx::world` is private to the eSIMfx sandbox). FMS names a country by one
//! MCC, so every MCC belongs to exactly one country here.

use std::collections::BTreeMap;

const COUNTRIES_TSV: &str = include_str!("../../../../data/countries.tsv");

/// Countries that keep an MCC several territories list (310 is the United States, not Guam).
const SHARED_MCC_OWNERS: &[&str] = &["US", "GB", "NO", "FI", "IT", "AU", "IL", "RE", "GP", "CW"];

/// One country as FMS lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Country {
    /// ISO 3166-1 alpha-2.
    pub(crate) iso2: String,
    pub(crate) name: String,
    /// The `region` column (`europe`, `asia`, …).
    pub(crate) region: String,
    /// The MCC FMS names it by: the first of its MCCs it owns.
    pub(crate) mcc: u16,
    /// Every MCC it owns, `mcc` first.
    pub(crate) mccs: Vec<u16>,
}

struct Row {
    iso2: String,
    name: String,
    region: String,
    mccs: Vec<u16>,
}

/// Every country that owns an MCC, ordered by that MCC; lines that do not parse are reported.
pub(crate) fn load() -> (Vec<Country>, Vec<String>) {
    parse(COUNTRIES_TSV)
}

fn parse(tsv: &str) -> (Vec<Country>, Vec<String>) {
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (n, line) in tsv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [iso2, name, _slug, region, _aliases, mccs] = cols.as_slice() else {
            problems.push(format!("countries.tsv:{}: expected 6 columns", n + 1));
            continue;
        };
        match mccs.split('|').map(str::parse::<u16>).collect() {
            Ok(mccs) => rows.push(Row {
                iso2: (*iso2).to_owned(),
                name: (*name).to_owned(),
                region: (*region).to_owned(),
                mccs,
            }),
            Err(_) => problems.push(format!("countries.tsv:{}: bad MCC list {mccs}", n + 1)),
        }
    }

    let mut listed_by: BTreeMap<u16, Vec<&Row>> = BTreeMap::new();
    for row in &rows {
        for mcc in &row.mccs {
            listed_by.entry(*mcc).or_default().push(row);
        }
    }
    let owner = |mcc: u16| -> Option<&str> {
        let listers = listed_by.get(&mcc)?;
        listers
            .iter()
            .find(|row| SHARED_MCC_OWNERS.contains(&row.iso2.as_str()))
            .or_else(|| listers.iter().min_by(|a, b| a.iso2.cmp(&b.iso2)))
            .map(|row| row.iso2.as_str())
    };

    let mut countries: Vec<Country> = rows
        .iter()
        .filter_map(|row| {
            let mccs: Vec<u16> = row
                .mccs
                .iter()
                .copied()
                .filter(|mcc| owner(*mcc) == Some(row.iso2.as_str()))
                .collect();
            Some(Country {
                iso2: row.iso2.clone(),
                name: row.name.clone(),
                region: row.region.clone(),
                mcc: *mccs.first()?,
                mccs,
            })
        })
        .collect();
    countries.sort_by_key(|country| country.mcc);
    (countries, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mcc_has_one_country() {
        let (countries, problems) = load();
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(countries.len() >= 200, "{}", countries.len());
        let mut seen = std::collections::HashSet::new();
        for country in &countries {
            for mcc in &country.mccs {
                assert!(seen.insert(*mcc), "MCC {mcc} twice");
            }
        }
        let by_iso = |iso: &str| countries.iter().find(|c| c.iso2 == iso).cloned();
        assert_eq!(by_iso("JP").map(|c| c.mcc), Some(440));
        assert_eq!(by_iso("US").map(|c| c.mcc), Some(310));
        assert_eq!(
            by_iso("GU").map(|c| c.mcc),
            Some(535),
            "310 stays with the US"
        );
        assert_eq!(by_iso("GB").map(|c| c.mccs), Some(vec![234, 235]));
    }

    #[test]
    fn territories_without_an_mcc_of_their_own_are_left_out() {
        let (countries, problems) = parse(
            "code\tname\tslug\tregion\taliases\tmccs\n\
             AU\tAustralia\taustralia\toceania\t\t505\n\
             CX\tChristmas Island\tchristmas-island\toceania\t\t505\n\
             XX\tNowhere\tnowhere\teurope\t\tabc\n",
        );
        assert_eq!(countries.len(), 1);
        assert_eq!(countries[0].iso2, "AU");
        assert_eq!(problems.len(), 1, "{problems:?}");
    }
}
