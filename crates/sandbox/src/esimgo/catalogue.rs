//! The bundle catalogue, generated deterministically from the shared world tables: four fixed
//! bundles for every country, Unlimited Lite bundles where networks compete, regional bundles
//! for the big regions; priced per region so eSIM Go is cheaper than eSIMfx in some places and
//! dearer in others.

use super::assumed;
use super::ids::fnv1a;
use super::world::{Country, Region};

/// One base country of a bundle, as `countries[]` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BundleCountry {
    pub(crate) name: String,
    pub(crate) region: &'static str,
    pub(crate) iso: String,
}

/// One sellable bundle.
#[derive(Debug, Clone)]
pub(crate) struct Bundle {
    /// `esim_1GB_7D_GB_V2`: the product id, case-sensitive.
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) group: &'static str,
    pub(crate) countries: Vec<BundleCountry>,
    /// Decimal megabytes; 0 for unlimited bundles.
    pub(crate) data_mb: u64,
    pub(crate) unlimited: bool,
    pub(crate) duration_days: u32,
    pub(crate) speed: Vec<&'static str>,
    /// Wholesale price in US cents.
    pub(crate) price_cents: i64,
    /// Which eSIMs it can go onto; see [`assumed::family`].
    pub(crate) family: String,
}

impl Bundle {
    /// The data the bundle carries, in decimal bytes; 0 for unlimited bundles.
    pub(crate) fn bytes(&self) -> u64 {
        self.data_mb * 1_000_000
    }

    /// The region of its base countries (all bundles here stay within one region).
    pub(crate) fn region(&self) -> &'static str {
        self.countries.first().map_or("Global", |c| c.region)
    }

    pub(crate) fn covers_any(&self, isos: &[String]) -> bool {
        self.countries
            .iter()
            .any(|c| isos.iter().any(|iso| iso.eq_ignore_ascii_case(&c.iso)))
    }
}

/// The bundles, sorted by name.
#[derive(Debug, Clone)]
pub(crate) struct Catalogue {
    bundles: Vec<Bundle>,
}

impl Catalogue {
    pub(crate) fn generate(countries: &[Country]) -> Self {
        let mut bundles = generate(countries);
        bundles.sort_by(|a, b| a.name.cmp(&b.name));
        bundles.dedup_by(|a, b| a.name == b.name);
        Self { bundles }
    }

    pub(crate) fn bundles(&self) -> &[Bundle] {
        &self.bundles
    }

    /// Looks a bundle up by its exact (case-sensitive) name.
    pub(crate) fn get(&self, name: &str) -> Option<&Bundle> {
        self.bundles
            .binary_search_by(|b| b.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.bundles[i])
    }
}

/// The region names eSIM Go writes in `countries[].region`.
pub(crate) fn region_name(region: Region) -> &'static str {
    match region {
        Region::Europe => "Europe",
        Region::Asia => "Asia",
        Region::NorthAmerica => "North America",
        Region::LatinAmerica => "Latin America",
        Region::MiddleEast => "Middle East",
        Region::Africa => "Africa",
        Region::Oceania => "Oceania",
    }
}

/// The reference 1 GB / 7 day price per region, in cents, and its regional bundles' code. Set
/// against eSIMfx's list prices: cheaper in Europe and North America, dearer in Asia, Africa
/// and Latin America.
fn region_pricing(region: Region) -> (f64, &'static str) {
    match region {
        Region::Europe => (330.0, "REU"),
        Region::Asia => (520.0, "RAS"),
        Region::NorthAmerica => (560.0, "RNA"),
        Region::LatinAmerica => (760.0, "RLA"),
        Region::MiddleEast => (640.0, "RME"),
        Region::Africa => (990.0, "RAF"),
        Region::Oceania => (860.0, "ROC"),
    }
}

/// A bundle shape and its price relative to the reference 1 GB / 7 day bundle.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Decimal gigabytes; `None` for Unlimited Lite.
    gb: Option<u64>,
    days: u32,
    factor: f64,
}

const fn fixed(gb: u64, days: u32, factor: f64) -> Shape {
    Shape {
        gb: Some(gb),
        days,
        factor,
    }
}

/// Every country gets these (the names the notes use).
const COUNTRY_FIXED: [Shape; 4] = [
    fixed(1, 7, 1.0),
    fixed(3, 30, 2.3),
    fixed(5, 30, 3.3),
    fixed(10, 30, 5.6),
];
/// Countries with competing networks in the cheaper regions also get Unlimited Lite.
const UNLIMITED_LITE: [Shape; 2] = [
    Shape {
        gb: None,
        days: 7,
        factor: 6.5,
    },
    Shape {
        gb: None,
        days: 15,
        factor: 11.0,
    },
];
/// Regional bundles, for the regions travellers cross most.
const REGIONAL: [Shape; 5] = [
    fixed(1, 7, 1.2),
    fixed(3, 30, 2.6),
    fixed(5, 30, 3.6),
    fixed(10, 30, 6.0),
    fixed(20, 30, 10.5),
];

/// Stable per-country price variation in 0.95..=1.05.
fn variation(code: &str) -> f64 {
    0.95 + (fnv1a(format!("esimgo:{code}").as_bytes()) % 11) as f64 / 100.0
}

/// "united-kingdom" → "United Kingdom" (the world tables keep slugs, not display names).
fn display_name(slug: &str) -> String {
    slug.split('-')
        .enumerate()
        .map(|(i, word)| match word {
            "and" | "of" | "the" if i > 0 => word.to_owned(),
            _ => {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The radio generations a country's networks offer, as `speed` lists them.
fn speeds(country: &Country) -> Vec<&'static str> {
    if country.networks.iter().any(|n| n.speed == "5G") {
        vec!["3G", "4G", "5G"]
    } else {
        vec!["3G", "4G"]
    }
}

struct Target {
    code: String,
    label: String,
    countries: Vec<BundleCountry>,
    speed: Vec<&'static str>,
    base_cents: f64,
}

fn build(target: &Target, shape: Shape) -> Bundle {
    let (amount, label, group, data_mb) = match shape.gb {
        Some(gb) => (
            format!("{gb}GB"),
            format!("{gb}GB"),
            "Standard Fixed",
            gb * 1000,
        ),
        None => (
            "UL".to_owned(),
            "Unlimited Lite".to_owned(),
            "Standard Unlimited Lite",
            0,
        ),
    };
    let name = format!("esim_{amount}_{}D_{}_V2", shape.days, target.code);
    let region = target.countries.first().map_or("Global", |c| c.region);
    Bundle {
        description: format!("eSIM, {label}, {} Days, {}, V2", shape.days, target.label),
        group,
        countries: target.countries.clone(),
        data_mb,
        unlimited: shape.gb.is_none(),
        duration_days: shape.days,
        speed: target.speed.clone(),
        price_cents: (target.base_cents * shape.factor).round().max(50.0) as i64,
        family: assumed::family(&name, region),
        name,
    }
}

fn generate(countries: &[Country]) -> Vec<Bundle> {
    let mut out = Vec::new();
    for country in countries {
        let (region_cents, _) = region_pricing(country.region);
        // A single-operator destination has no wholesale competition.
        let scarcity = if country.networks.len() <= 1 {
            1.3
        } else {
            1.0
        };
        let target = Target {
            code: country.code.clone(),
            label: display_name(&country.slug),
            countries: vec![BundleCountry {
                name: display_name(&country.slug),
                region: region_name(country.region),
                iso: country.code.clone(),
            }],
            speed: speeds(country),
            base_cents: region_cents * scarcity * variation(&country.code),
        };
        out.extend(COUNTRY_FIXED.iter().map(|shape| build(&target, *shape)));
        let cheap_region = matches!(
            country.region,
            Region::Europe | Region::Asia | Region::NorthAmerica
        );
        if cheap_region && country.networks.len() >= 2 {
            out.extend(UNLIMITED_LITE.iter().map(|shape| build(&target, *shape)));
        }
    }
    for region in [
        Region::Europe,
        Region::Asia,
        Region::NorthAmerica,
        Region::LatinAmerica,
    ] {
        let members: Vec<&Country> = countries.iter().filter(|c| c.region == region).collect();
        let (region_cents, code) = region_pricing(region);
        let target = Target {
            code: code.to_owned(),
            label: region_name(region).to_owned(),
            countries: members
                .iter()
                .map(|c| BundleCountry {
                    name: display_name(&c.slug),
                    region: region_name(region),
                    iso: c.code.clone(),
                })
                .collect(),
            speed: vec!["3G", "4G", "5G"],
            base_cents: region_cents,
        };
        out.extend(REGIONAL.iter().map(|shape| build(&target, *shape)));
    }
    out
}

/// `GET /catalogue` filters (§2.1); all optional.
#[derive(Debug, Default, Clone)]
pub(crate) struct Filter {
    /// A bundle matches if any of these is one of its base countries.
    pub(crate) countries: Vec<String>,
    pub(crate) region: Option<String>,
    /// Exact group name.
    pub(crate) group: Option<String>,
    /// Case-insensitive wildcard (`*`) match on the description.
    pub(crate) description: Option<String>,
}

impl Filter {
    pub(crate) fn matches(&self, bundle: &Bundle) -> bool {
        (self.countries.is_empty() || bundle.covers_any(&self.countries))
            && self
                .region
                .as_deref()
                .is_none_or(|r| bundle.region().eq_ignore_ascii_case(r))
            && self.group.as_deref().is_none_or(|g| bundle.group == g)
            && self
                .description
                .as_deref()
                .is_none_or(|pattern| wildcard(pattern, &bundle.description))
    }
}

/// Case-insensitive match where `*` stands for any run of characters; a pattern without `*`
/// matches anywhere in the text.
fn wildcard(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_lowercase();
    let text = text.to_lowercase();
    if !pattern.contains('*') {
        return text.contains(&pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = text.as_str();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(after) => rest = after,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::world;
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::generate(&world::load().0)
    }

    #[test]
    fn every_country_has_the_four_fixed_bundles_and_more_than_one_page() {
        let c = catalogue();
        let (countries, _) = world::load();
        for country in &countries {
            for shape in ["1GB_7D", "3GB_30D", "5GB_30D", "10GB_30D"] {
                let name = format!("esim_{shape}_{}_V2", country.code);
                assert!(c.get(&name).is_some(), "{name} missing");
            }
        }
        assert!(c.bundles().len() > 4 * countries.len());
        assert!(c.get("esim_UL_7D_JP_V2").is_some_and(|b| b.unlimited));
        assert!(c.get("esim_5GB_30D_REU_V2").is_some());
    }

    #[test]
    fn the_documented_bundle_looks_like_the_notes() {
        let c = catalogue();
        let gb = c.get("esim_1GB_7D_GB_V2").unwrap();
        assert_eq!(gb.description, "eSIM, 1GB, 7 Days, United Kingdom, V2");
        assert_eq!(gb.bytes(), 1_000_000_000);
        assert_eq!(gb.group, "Standard Fixed");
        assert_eq!(gb.family, "V2/Europe");
        assert_eq!(gb.countries[0].iso, "GB");
        assert!(
            c.get("esim_1gb_7d_gb_v2").is_none(),
            "names are case-sensitive"
        );
    }

    #[test]
    fn generation_is_deterministic_and_prices_grow_with_size() {
        let (a, b) = (catalogue(), catalogue());
        let prices = |c: &Catalogue| {
            c.bundles()
                .iter()
                .map(|b| b.price_cents)
                .collect::<Vec<_>>()
        };
        assert_eq!(prices(&a), prices(&b));
        let price = |name: &str| a.get(name).unwrap().price_cents;
        assert!(price("esim_1GB_7D_JP_V2") < price("esim_3GB_30D_JP_V2"));
        assert!(price("esim_5GB_30D_JP_V2") < price("esim_10GB_30D_JP_V2"));
        assert!(price("esim_1GB_7D_DE_V2") < price("esim_1GB_7D_JP_V2"));
    }

    #[test]
    fn filters_follow_the_notes() {
        let c = catalogue();
        let count = |filter: &Filter| c.bundles().iter().filter(|b| filter.matches(b)).count();
        let jp_or_fr = Filter {
            countries: vec!["JP".into(), "fr".into()],
            ..Filter::default()
        };
        assert!(c
            .bundles()
            .iter()
            .filter(|b| jp_or_fr.matches(b))
            .all(|b| b.covers_any(&["JP".into(), "FR".into()])));
        assert!(
            count(&jp_or_fr) >= 8 + 5 + 5,
            "country and regional bundles"
        );
        let unlimited = Filter {
            group: Some("Standard Unlimited Lite".into()),
            ..Filter::default()
        };
        assert!(c
            .bundles()
            .iter()
            .filter(|b| unlimited.matches(b))
            .all(|b| b.unlimited));
        let described = Filter {
            description: Some("*united kingdom*".into()),
            ..Filter::default()
        };
        assert_eq!(count(&described), 6, "four fixed and two Unlimited Lite");
        assert!(wildcard("esim, 1gb*", "eSIM, 1GB, 7 Days, Japan, V2"));
        assert!(!wildcard("*japan", "eSIM, 1GB, 7 Days, Japan, V2"));
        let europe = Filter {
            region: Some("europe".into()),
            ..Filter::default()
        };
        assert!(c
            .bundles()
            .iter()
            .filter(|b| europe.matches(b))
            .all(|b| b.family == "V2/Europe"));
    }

    #[test]
    fn display_names_read_naturally() {
        assert_eq!(display_name("united-kingdom"), "United Kingdom");
        assert_eq!(
            display_name("bosnia-and-herzegovina"),
            "Bosnia and Herzegovina"
        );
    }
}
