//! The sandbox client's product catalogue: generated deterministically from the shared world
//! (countries and regions), with Truphone-shaped ids and prices of its own, so routing on price
//! between providers has something to choose.
//!
//! Truphone is dearer than eSIMfx in Europe and cheaper in Asia; every country gets
//! 1 GB/7 days, 3/5/10 GB/30 days, and every region a 500 MB trial plus 3 and 10 GB plans;
//! one global plan covers everything.

use std::collections::HashMap;

use crate::esimfx::world::{Country, Region};
use crate::ids::{fnv1a, splitmix64};

use super::assumed::EUR_PER_USD;

/// How much data a product carries, as listed (`data: {value, unit}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Data {
    Gb(u32),
    Mb(u32),
}

impl Data {
    pub(crate) fn value(self) -> u32 {
        match self {
            Data::Gb(n) | Data::Mb(n) => n,
        }
    }

    pub(crate) fn unit(self) -> &'static str {
        match self {
            Data::Gb(_) => "GB",
            Data::Mb(_) => "MB",
        }
    }

    /// Binary bytes, as Truphone counts usage.
    pub(crate) fn bytes(self) -> u64 {
        match self {
            Data::Gb(n) => u64::from(n) << 30,
            Data::Mb(n) => u64::from(n) << 20,
        }
    }

    fn label(self) -> String {
        format!("{}{}", self.value(), self.unit())
    }
}

/// One product of the client's catalogue.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    /// Salesforce-style, `a3m` and 12 base-62 characters.
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) data: Data,
    pub(crate) period_days: u32,
    /// ISO alpha-2 codes where the product works.
    pub(crate) footprint: Vec<String>,
    pub(crate) usd_cents: i64,
    pub(crate) eur_cents: i64,
    /// `TIER1`…`TIER3`, by price level.
    pub(crate) region: &'static str,
    /// Truphone's internal plan id.
    pub(crate) plan_id: String,
}

impl Product {
    /// The price in one of the supported currencies, in cents.
    pub(crate) fn price_cents(&self, currency: &str) -> Option<i64> {
        match currency {
            "USD" => Some(self.usd_cents),
            "EUR" => Some(self.eur_cents),
            _ => None,
        }
    }
}

/// Products sorted by id.
#[derive(Debug, Clone)]
pub(crate) struct Catalogue {
    products: Vec<Product>,
    by_id: HashMap<String, usize>,
}

impl Catalogue {
    pub(crate) fn generate(countries: &[Country]) -> Self {
        let mut products: Vec<Product> = countries.iter().flat_map(country_products).collect();
        products.extend(Region::ALL.into_iter().flat_map(|region| {
            let members: Vec<&Country> = countries.iter().filter(|c| c.region == region).collect();
            region_products(region, &members)
        }));
        products.push(global_product(countries));
        products.sort_by(|a, b| a.id.cmp(&b.id));
        products.dedup_by(|a, b| a.id == b.id);
        let by_id = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        Self { products, by_id }
    }

    pub(crate) fn products(&self) -> &[Product] {
        &self.products
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Product> {
        self.by_id.get(id).map(|i| &self.products[*i])
    }
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A stable Salesforce-looking id for a product label.
fn product_id(label: &str) -> String {
    let mut x = splitmix64(fnv1a(format!("truphone:{label}").as_bytes()));
    let mut id = String::from("a3m");
    for _ in 0..12 {
        id.push(char::from(BASE62[(x % 62) as usize]));
        x /= 62;
    }
    id
}

/// USD cents of the 1 GB / 7 day plan in each region: dearer than eSIMfx in Europe, cheaper
/// in Asia.
fn region_base_cents(region: Region) -> f64 {
    match region {
        Region::Europe => 650.0,
        Region::Asia => 290.0,
        Region::NorthAmerica => 480.0,
        Region::LatinAmerica => 720.0,
        Region::MiddleEast => 850.0,
        Region::Africa => 1100.0,
        Region::Oceania => 690.0,
    }
}

/// A stable per-country price variation in 0.92..=1.08.
fn variation(code: &str) -> f64 {
    0.92 + (fnv1a(format!("truphone-price:{code}").as_bytes()) % 17) as f64 / 100.0
}

/// Rounds to 10 cents, never below a dollar.
fn round_cents(cents: f64) -> i64 {
    (((cents / 10.0).round() as i64) * 10).max(100)
}

fn eur(usd_cents: i64) -> i64 {
    (usd_cents as f64 * EUR_PER_USD).round() as i64
}

fn tier(base_cents: f64) -> &'static str {
    if base_cents < 400.0 {
        "TIER1"
    } else if base_cents < 750.0 {
        "TIER2"
    } else {
        "TIER3"
    }
}

/// `north-america` → `North America`.
fn title(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

struct Shape {
    data: Data,
    days: u32,
    factor: f64,
}

const COUNTRY_PLANS: [Shape; 4] = [
    Shape {
        data: Data::Gb(1),
        days: 7,
        factor: 1.0,
    },
    Shape {
        data: Data::Gb(3),
        days: 30,
        factor: 2.3,
    },
    Shape {
        data: Data::Gb(5),
        days: 30,
        factor: 3.4,
    },
    Shape {
        data: Data::Gb(10),
        days: 30,
        factor: 5.6,
    },
];

const REGION_PLANS: [Shape; 3] = [
    Shape {
        data: Data::Mb(500),
        days: 7,
        factor: 0.8,
    },
    Shape {
        data: Data::Gb(3),
        days: 30,
        factor: 3.0,
    },
    Shape {
        data: Data::Gb(10),
        days: 30,
        factor: 7.0,
    },
];

fn make(
    label_scope: &str,
    place: &str,
    shape: &Shape,
    base: f64,
    footprint: Vec<String>,
) -> Product {
    let usd_cents = round_cents(base * shape.factor);
    let label = format!("{}_{}D_{label_scope}", shape.data.label(), shape.days);
    Product {
        id: product_id(&label),
        name: format!(
            "PrePaid Data {} {}-Day {place}",
            shape.data.label(),
            shape.days
        ),
        data: shape.data,
        period_days: shape.days,
        footprint,
        usd_cents,
        eur_cents: eur(usd_cents),
        region: tier(base),
        plan_id: format!("TRU_{label}"),
    }
}

fn country_products(country: &Country) -> Vec<Product> {
    let base = region_base_cents(country.region) * variation(&country.code);
    let place = title(&country.slug);
    COUNTRY_PLANS
        .iter()
        .map(|shape| {
            make(
                &country.code,
                &place,
                shape,
                base,
                vec![country.code.clone()],
            )
        })
        .collect()
}

fn region_products(region: Region, members: &[&Country]) -> Vec<Product> {
    if members.is_empty() {
        return Vec::new();
    }
    // A region pass costs more than one country's plan but less than two.
    let base = region_base_cents(region) * 1.3;
    let footprint: Vec<String> = members.iter().map(|c| c.code.clone()).collect();
    let scope = format!("REGION_{}", region.slug());
    REGION_PLANS
        .iter()
        .map(|shape| {
            make(
                &scope,
                &title(region.slug()),
                shape,
                base,
                footprint.clone(),
            )
        })
        .collect()
}

fn global_product(countries: &[Country]) -> Product {
    let shape = Shape {
        data: Data::Gb(5),
        days: 30,
        factor: 6.0,
    };
    let footprint = countries.iter().map(|c| c.code.clone()).collect();
    make("GLOBAL", "Global", &shape, 700.0, footprint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::esimfx::world;

    fn catalogue() -> Catalogue {
        Catalogue::generate(&world::load().0)
    }

    fn find<'a>(c: &'a Catalogue, code: &str, data: Data, days: u32) -> &'a Product {
        c.products()
            .iter()
            .find(|p| p.footprint == [code] && p.data == data && p.period_days == days)
            .unwrap_or_else(|| panic!("{code} {data:?} {days}d"))
    }

    #[test]
    fn every_country_gets_the_four_plans_and_ids_are_stable_and_unique() {
        let (countries, _) = world::load();
        let a = catalogue();
        let b = catalogue();
        let ids = |c: &Catalogue| {
            c.products()
                .iter()
                .map(|p| p.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_eq!(
            a.products().len(),
            countries.len() * 4 + Region::ALL.len() * 3 + 1,
            "no id collided"
        );
        for country in &countries {
            for shape in &COUNTRY_PLANS {
                find(&a, &country.code, shape.data, shape.days);
            }
        }
        for p in a.products() {
            assert_eq!(p.id.len(), 15);
            assert!(p.id.starts_with("a3m"));
            assert!(p.usd_cents >= 100 && p.eur_cents < p.usd_cents, "{}", p.id);
        }
    }

    #[test]
    fn europe_is_dearer_than_asia_and_bigger_plans_cost_more() {
        let c = catalogue();
        let usd = |code, data, days| find(&c, code, data, days).usd_cents;
        assert!(usd("FR", Data::Gb(1), 7) > usd("JP", Data::Gb(1), 7));
        assert!(usd("FR", Data::Gb(1), 7) < usd("FR", Data::Gb(3), 30));
        assert!(usd("FR", Data::Gb(5), 30) < usd("FR", Data::Gb(10), 30));
        let jp = find(&c, "JP", Data::Gb(3), 30);
        assert_eq!(
            c.get(&jp.id).map(|p| p.name.as_str()),
            Some(jp.name.as_str())
        );
        assert_eq!(jp.data.bytes(), 3 << 30);
        assert!(
            jp.name.starts_with("PrePaid Data 3GB 30-Day"),
            "{}",
            jp.name
        );
    }

    #[test]
    fn regional_plans_cover_their_region_and_include_megabytes() {
        let c = catalogue();
        let europe: Vec<&Product> = c
            .products()
            .iter()
            .filter(|p| p.name.ends_with("Europe"))
            .collect();
        assert_eq!(europe.len(), 3);
        assert!(europe
            .iter()
            .all(|p| p.footprint.contains(&"FR".to_owned())));
        assert!(europe.iter().any(|p| p.data == Data::Mb(500)));
        assert_eq!(Data::Mb(500).bytes(), 500 << 20);
    }

    #[test]
    fn slugs_become_titles() {
        assert_eq!(title("north-america"), "North America");
        assert_eq!(title("japan"), "Japan");
    }
}
