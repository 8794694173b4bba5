//! The countries and mobile networks the sandbox sells: parsed from the shared `countries.tsv`
//! and the sandbox-only `networks.tsv`, both embedded at compile time.

const COUNTRIES_TSV: &str = include_str!("../../../../data/countries.tsv");
const NETWORKS_TSV: &str = include_str!("../../data/networks.tsv");

/// A traveller-facing region, as in the `region` column of `countries.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Region {
    Europe,
    Asia,
    NorthAmerica,
    LatinAmerica,
    MiddleEast,
    Africa,
    Oceania,
}

impl Region {
    pub(crate) const ALL: [Region; 7] = [
        Region::Europe,
        Region::Asia,
        Region::NorthAmerica,
        Region::LatinAmerica,
        Region::MiddleEast,
        Region::Africa,
        Region::Oceania,
    ];

    /// The kebab-case value used in `countries.tsv`.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Region::Europe => "europe",
            Region::Asia => "asia",
            Region::NorthAmerica => "north-america",
            Region::LatinAmerica => "latin-america",
            Region::MiddleEast => "middle-east",
            Region::Africa => "africa",
            Region::Oceania => "oceania",
        }
    }

    fn from_slug(slug: &str) -> Option<Self> {
        Region::ALL.into_iter().find(|r| r.slug() == slug)
    }
}

/// One mobile network a product can attach to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Network {
    pub(crate) mccmnc: String,
    pub(crate) name: String,
    pub(crate) speed: String,
}

/// One country or territory with its networks.
#[derive(Debug, Clone)]
pub(crate) struct Country {
    pub(crate) code: String,
    pub(crate) slug: String,
    pub(crate) region: Region,
    pub(crate) mccs: Vec<String>,
    pub(crate) networks: Vec<Network>,
}

/// Parses both embedded tables; lines that do not parse are reported, not fatal.
pub(crate) fn load() -> (Vec<Country>, Vec<String>) {
    parse(COUNTRIES_TSV, NETWORKS_TSV)
}

fn parse(countries_tsv: &str, networks_tsv: &str) -> (Vec<Country>, Vec<String>) {
    let mut problems = Vec::new();
    let mut countries: Vec<Country> = Vec::new();
    for (n, line) in countries_tsv.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        match cols.as_slice() {
            [code, _name, slug, region, _aliases, mccs] => match Region::from_slug(region) {
                Some(region) => countries.push(Country {
                    code: (*code).to_owned(),
                    slug: (*slug).to_owned(),
                    region,
                    mccs: mccs.split('|').map(str::to_owned).collect(),
                    networks: Vec::new(),
                }),
                None => problems.push(format!("countries.tsv:{}: unknown region {region}", n + 1)),
            },
            _ if line.trim().is_empty() => {}
            _ => problems.push(format!("countries.tsv:{}: expected 6 columns", n + 1)),
        }
    }
    for (n, line) in networks_tsv.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [code, mccmnc, name, speed] = cols.as_slice() else {
            if !line.trim().is_empty() {
                problems.push(format!("networks.tsv:{}: expected 4 columns", n + 1));
            }
            continue;
        };
        let Some(country) = countries.iter_mut().find(|c| c.code == *code) else {
            problems.push(format!("networks.tsv:{}: unknown country {code}", n + 1));
            continue;
        };
        if !country
            .mccs
            .iter()
            .any(|mcc| mccmnc.starts_with(mcc.as_str()))
        {
            problems.push(format!(
                "networks.tsv:{}: {mccmnc} does not start with an MCC of {code}",
                n + 1
            ));
        }
        country.networks.push(Network {
            mccmnc: (*mccmnc).to_owned(),
            name: (*name).to_owned(),
            speed: (*speed).to_owned(),
        });
    }
    (countries, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_parse_cleanly() {
        let (countries, problems) = load();
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(countries.len() >= 200);
        for country in &countries {
            assert!(
                (1..=3).contains(&country.networks.len()),
                "{} has {} networks",
                country.code,
                country.networks.len()
            );
        }
        let jp = countries.iter().find(|c| c.code == "JP").unwrap();
        assert_eq!(jp.region, Region::Asia);
        assert_eq!(jp.networks[0].name, "SOFTBANK");
    }

    #[test]
    fn bad_lines_are_reported() {
        let (countries, problems) = parse(
            "code\tname\tslug\tregion\taliases\tmccs\nJP\tJapan\tjapan\tasia\t\t440\nXX\tX\tx\tmars\t\t999\n",
            "code\tmccmnc\tname\tspeed\nJP\t31041\tWrong\t4G\nZZ\t1\tNope\t4G\n",
        );
        assert_eq!(countries.len(), 1);
        assert_eq!(problems.len(), 3, "{problems:#?}");
    }
}
