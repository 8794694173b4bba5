//! Deterministic plan generation: which plans each country and region gets, and at what price.
//!
//! Prices come from a per-country cost tier and a small stable per-country variation (an FNV
//! hash of the code), so the catalogue is identical on every run.

use super::{Product, Scope};
use crate::esimfx::world::{Country, Region};
use crate::ids::{fnv1a, stable_uuid};

/// Wholesale cost tier; A is cheapest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    A,
    B,
    C,
    D,
}

impl Tier {
    /// Price of the reference 1 GB / 7 day plan, in cents.
    fn base_cents(self) -> f64 {
        match self {
            Tier::A => 350.0,
            Tier::B => 450.0,
            Tier::C => 650.0,
            Tier::D => 900.0,
        }
    }
}

/// Destinations with many competing networks and cheap wholesale data.
const TIER_A: &[&str] = &[
    "AT", "AU", "BE", "CA", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HK", "ID", "IE",
    "IL", "IN", "IT", "JP", "KR", "LT", "LU", "LV", "MX", "MY", "NL", "NO", "PH", "PL", "PT", "SE",
    "SG", "TH", "TR", "TW", "US", "VN",
];

fn tier(country: &Country) -> Tier {
    if TIER_A.contains(&country.code.as_str()) {
        return Tier::A;
    }
    let base = match country.region {
        Region::Europe | Region::Asia => Tier::B,
        Region::NorthAmerica | Region::LatinAmerica | Region::MiddleEast => Tier::C,
        Region::Africa | Region::Oceania => Tier::D,
    };
    // A single-operator destination has no wholesale competition.
    if country.networks.len() <= 1 {
        match base {
            Tier::A => Tier::B,
            Tier::B => Tier::C,
            _ => Tier::D,
        }
    } else {
        base
    }
}

/// The compatibility class; products top each other up only within one class.
fn imsi_profile(region: Region) -> &'static str {
    match region {
        Region::Asia | Region::Oceania => "Green",
        Region::Europe => "Blue",
        Region::NorthAmerica | Region::LatinAmerica => "Orange",
        Region::MiddleEast | Region::Africa => "Purple",
    }
}

/// The global plans ride a separate roaming profile, so they never top up a local eSIM.
const GLOBAL_PROFILE: &str = "Red";

/// Data in a plan.
#[derive(Debug, Clone, Copy)]
enum Data {
    Gb(u32),
    Mb(u32),
    /// Unlimited plans are listed with `amount: 0` and `amount_unit: "GB"`; their subscriptions
    /// report `upper_limit_amount: 0` and never fire usage thresholds (no fair-usage cap is
    /// modelled), so a client must branch on `is_unlimited`, not on the byte limit.
    Unlimited,
}

/// A plan shape and its price relative to the reference 1 GB / 7 day plan.
#[derive(Debug, Clone, Copy)]
struct Plan {
    data: Data,
    days: u32,
    factor: f64,
}

const fn plan(data: Data, days: u32, factor: f64) -> Plan {
    Plan { data, days, factor }
}

/// Every country gets these.
const CORE: [Plan; 6] = [
    plan(Data::Gb(1), 7, 1.0),
    plan(Data::Gb(3), 15, 2.4),
    plan(Data::Gb(5), 30, 3.5),
    plan(Data::Gb(10), 7, 5.4),
    plan(Data::Gb(10), 30, 6.0),
    plan(Data::Gb(20), 30, 10.0),
];
/// Expensive destinations also get a small trial plan.
const SMALL: Plan = plan(Data::Mb(500), 3, 0.6);
/// Cheap destinations also get a large plan and unlimited day passes.
const LARGE: [Plan; 3] = [
    plan(Data::Gb(50), 60, 20.0),
    plan(Data::Unlimited, 7, 7.0),
    plan(Data::Unlimited, 15, 12.0),
];

/// Regional groupings: product id suffix, name prefix, base price in cents.
///
/// `AS`, `NA`, `ME`, `AF` and `GL` are also ISO codes (American Samoa, Namibia, Montenegro,
/// Afghanistan, Greenland), so those regions use longer suffixes to keep every id unique.
fn region_naming(region: Region) -> (&'static str, &'static str, f64) {
    match region {
        Region::Europe => ("EU", "europe", 500.0),
        Region::Asia => ("ASIA", "asia", 600.0),
        Region::NorthAmerica => ("NAM", "north_america", 550.0),
        Region::LatinAmerica => ("LATAM", "latin_america", 900.0),
        Region::MiddleEast => ("MIDEAST", "middle_east", 1000.0),
        Region::Africa => ("AFRICA", "africa", 1400.0),
        Region::Oceania => ("OC", "oceania", 900.0),
    }
}

/// Rounds to the nearest 50 cents, like a price list, never below $1.
fn round_price(cents: f64) -> i64 {
    (((cents / 50.0).round() as i64) * 50).max(100)
}

/// Whole-percent price variation in 0.94..=1.06, stable per key.
fn variation(key: &str) -> f64 {
    0.94 + (fnv1a(key.as_bytes()) % 13) as f64 / 100.0
}

struct Target<'a> {
    suffix: &'a str,
    name_prefix: &'a str,
    coverage: Vec<String>,
    networks: Vec<crate::esimfx::world::Network>,
    profile: &'static str,
    base_cents: f64,
    scope: Scope,
}

fn build(target: &Target<'_>, plan: Plan) -> Product {
    let (id_amount, name_amount, amount, unit, unlimited) = match plan.data {
        Data::Gb(n) => (format!("{n}G"), format!("{n}GB"), n, "GB", false),
        Data::Mb(n) => (format!("{n}M"), format!("{n}MB"), n, "MB", false),
        Data::Unlimited => ("UNL".to_owned(), "Unlimited".to_owned(), 0, "GB", true),
    };
    let id = format!("esimfx_{id_amount}_{}D_{}", plan.days, target.suffix);
    Product {
        meta_product_id: stable_uuid(&id),
        name: format!("{}_{name_amount}_{}Day", target.name_prefix, plan.days),
        id,
        duration_days: plan.days,
        amount,
        amount_unit: unit,
        is_unlimited: unlimited,
        coverage: target.coverage.clone(),
        networks: target.networks.clone(),
        imsi_profile: target.profile,
        price_cents: round_price(target.base_cents * plan.factor),
        scope: target.scope,
    }
}

/// Every product, unsorted.
pub(super) fn products(countries: &[Country]) -> Vec<Product> {
    let mut out = Vec::new();
    for country in countries {
        let tier = tier(country);
        let name_prefix = country.slug.replace('-', "_");
        let target = Target {
            suffix: &country.code,
            name_prefix: &name_prefix,
            coverage: vec![country.code.clone()],
            networks: country.networks.clone(),
            profile: imsi_profile(country.region),
            base_cents: tier.base_cents() * variation(&country.code),
            scope: Scope::Local(country.region),
        };
        let mut plans = CORE.to_vec();
        if tier >= Tier::C {
            plans.push(SMALL);
        } else {
            plans.extend(LARGE);
        }
        out.extend(plans.into_iter().map(|p| build(&target, p)));
    }

    let regional_plans = [CORE[0], CORE[1], CORE[2], CORE[4], CORE[5]];
    for region in Region::ALL {
        let members: Vec<&Country> = countries.iter().filter(|c| c.region == region).collect();
        let (suffix, name_prefix, base_cents) = region_naming(region);
        let target = Target {
            suffix,
            name_prefix,
            coverage: members.iter().map(|c| c.code.clone()).collect(),
            networks: members
                .iter()
                .filter_map(|c| c.networks.first().cloned())
                .collect(),
            profile: imsi_profile(region),
            base_cents,
            scope: Scope::Regional(region),
        };
        let mut plans = regional_plans.to_vec();
        if matches!(region, Region::Europe | Region::Asia | Region::NorthAmerica) {
            plans.push(LARGE[0]);
        }
        if matches!(region, Region::Europe | Region::Asia) {
            plans.extend(&LARGE[1..]);
        }
        out.extend(plans.into_iter().map(|p| build(&target, p)));
    }

    // Global: everywhere with real wholesale competition.
    let members: Vec<&Country> = countries
        .iter()
        .filter(|c| tier(c) < Tier::D || c.networks.len() >= 2)
        .collect();
    let target = Target {
        suffix: "GLOBAL",
        name_prefix: "global",
        coverage: members.iter().map(|c| c.code.clone()).collect(),
        networks: members
            .iter()
            .filter_map(|c| c.networks.first().cloned())
            .collect(),
        profile: GLOBAL_PROFILE,
        base_cents: 1200.0,
        scope: Scope::Global,
    };
    let mut plans = regional_plans.to_vec();
    plans.push(LARGE[0]);
    out.extend(plans.into_iter().map(|p| build(&target, p)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::esimfx::world;

    #[test]
    fn shape_of_the_catalogue() {
        let countries = world::load().0;
        let products = products(&countries);
        let global = products
            .iter()
            .find(|p| p.id == "esimfx_1G_7D_GLOBAL")
            .unwrap();
        assert!(global.coverage.len() >= 100, "{}", global.coverage.len());
        let eu = products
            .iter()
            .find(|p| p.id == "esimfx_10G_30D_EU")
            .unwrap();
        assert_eq!(eu.name, "europe_10GB_30Day");
        assert!(eu.coverage.contains(&"FR".to_owned()));
        let unlimited = products.iter().filter(|p| p.is_unlimited).count();
        assert!(unlimited >= 150, "{unlimited}");
        assert!(products.iter().any(|p| p.id == "esimfx_500M_3D_FJ"));
        assert!(products.iter().any(|p| p.id == "esimfx_UNL_7D_JP"));
        let na = products
            .iter()
            .find(|p| p.id == "esimfx_5G_30D_NAM")
            .unwrap();
        assert_eq!(na.name, "north_america_5GB_30Day");
    }

    #[test]
    fn rounding_gives_list_prices() {
        assert_eq!(round_price(1212.0), 1200);
        assert_eq!(round_price(1226.0), 1250);
        assert_eq!(round_price(10.0), 100);
    }
}
