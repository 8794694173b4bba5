//! The deterministic FMS catalogue: four one-country packages for every country, one package
//! per region and a global one, priced in USD from a region base and a stable per-country
//! variation (salted, so FMS and eSIMfx never quote the same prices).

use serde_json::{json, Value};

use super::assumed;
use super::countries::Country;
use crate::ids::fnv1a;

/// One sellable package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Package {
    pub(crate) id: u64,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) short_desc: String,
    /// FMS MCCs of the countries covered; one for a one-country package.
    pub(crate) cover: Vec<u16>,
    pub(crate) flow_mb: u64,
    pub(crate) period_days: u32,
    pub(crate) price_cents: i64,
}

impl Package {
    pub(crate) fn limit_bytes(&self) -> u64 {
        self.flow_mb * assumed::BYTES_PER_MB
    }

    /// The package as `detail` and `packageList` describe it (notes §2.2).
    pub(crate) fn json(&self) -> Value {
        let (min_period, max_period) = assumed::order_periods(self.period_days);
        json!({
            "id": self.id,
            (assumed::PACKAGE_ID_FIELD): self.id.to_string(),
            "packageCode": self.code,
            "packageShowName": self.name,
            "packageShortDesc": self.short_desc,
            "packageDesc": format!("{}, 4G/5G, hotspot allowed", self.name),
            "logo": format!("https://fms-sandbox.test/logo/{}.png", self.code),
            "coverCountrys": assumed::cover_countrys(&self.cover),
            "packageType": 2,
            "buyType": 2,
            "priceType": 2,
            "packageFlow": self.flow_mb,
            "surplusFlow": self.flow_mb.to_string(),
            "period": self.period_days,
            "periodUnit": "DAY",
            "minOrderPeriod": min_period,
            "maxOrderPeriod": max_period,
            "currencyIds": CURRENCY_ID.to_string(),
            "currencyInfos": [{
                "currencyId": CURRENCY_ID, "currencyAbbr": "USD", "currencyName": "US Dollar",
                "currencySymbol": "$", "digitsNum": "2",
                "price": assumed::price(self.price_cents), "unit": "USD"
            }],
            "configFlag": "0",
            "saleCount": "0",
            "updateTime": "2022-04-14 10:00:00",
        })
    }
}

/// The only currency the sandbox prices in: USD, `currencyId` 1.
pub(crate) const CURRENCY_ID: i64 = 1;

/// Shapes every country gets: megabytes, days, price relative to the 1 GB / 7 day one (%).
const LOCAL_PLANS: [(u64, u32, i64); 4] = [
    (1024, 7, 100),
    (3072, 30, 220),
    (5120, 30, 310),
    (10240, 30, 520),
];

/// Price of a 1 GB / 7 day package in cents, by region.
fn region_base_cents(region: &str) -> i64 {
    match region {
        "europe" => 399,
        "asia" => 449,
        "north-america" => 499,
        "latin-america" => 699,
        "middle-east" => 799,
        "oceania" => 799,
        _ => 999,
    }
}

fn region_title(region: &str) -> String {
    region
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().collect::<String>() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Regional packages, in this order: id 100 onwards.
const REGIONS: [&str; 7] = [
    "europe",
    "asia",
    "north-america",
    "latin-america",
    "middle-east",
    "africa",
    "oceania",
];

/// The global package's countries.
const GLOBAL: [&str; 20] = [
    "US", "GB", "FR", "DE", "JP", "KR", "CN", "AU", "CA", "IT", "ES", "TH", "SG", "AE", "TR", "BR",
    "MX", "IN", "ZA", "NZ",
];
const GLOBAL_ID: u64 = 120;

/// Rounds to a price-list figure ending in 9 cents, never below $0.99.
fn list_price(cents: i64) -> i64 {
    (((cents + 5) / 10) * 10 - 1).max(99)
}

/// Per-country price variation, 90 to 110 %.
fn variation_pct(iso2: &str) -> i64 {
    90 + (fnv1a(format!("fms:{iso2}").as_bytes()) % 21) as i64
}

/// Every package, sorted by id, and the countries they are listed under.
#[derive(Debug, Clone)]
pub(crate) struct Catalogue {
    packages: Vec<Package>,
    countries: Vec<Country>,
}

impl Catalogue {
    pub(crate) fn generate(countries: Vec<Country>) -> Self {
        let mut packages = Vec::new();
        for country in &countries {
            let base = region_base_cents(&country.region) * variation_pct(&country.iso2);
            for (n, (mb, days, factor)) in LOCAL_PLANS.into_iter().enumerate() {
                let gb = mb / 1024;
                packages.push(Package {
                    // MCCs are unique per country, so the ids are too.
                    id: u64::from(country.mcc) * 10 + n as u64 + 1,
                    code: format!("{}_{gb}GB_{days}D", country.iso2),
                    name: format!("{} {gb}GB / {days} days", country.name),
                    short_desc: region_title(&country.region),
                    cover: vec![country.mcc],
                    flow_mb: mb,
                    period_days: days,
                    price_cents: list_price(base * factor / 10_000),
                });
            }
        }
        for (n, region) in REGIONS.into_iter().enumerate() {
            let cover: Vec<u16> = countries
                .iter()
                .filter(|c| c.region == region)
                .map(|c| c.mcc)
                .collect();
            if cover.len() < 2 {
                continue;
            }
            let title = region_title(region);
            packages.push(Package {
                id: 100 + n as u64,
                code: format!("{}_5GB_30D", region.replace('-', "_").to_uppercase()),
                name: format!("{title} 5GB / 30 days"),
                short_desc: title,
                cover,
                flow_mb: 5120,
                period_days: 30,
                price_cents: list_price(region_base_cents(region) * 450 / 100),
            });
        }
        let global: Vec<u16> = GLOBAL
            .iter()
            .filter_map(|iso| countries.iter().find(|c| c.iso2 == *iso))
            .map(|c| c.mcc)
            .collect();
        packages.push(Package {
            id: GLOBAL_ID,
            code: "GLOBAL_10GB_30D".into(),
            name: format!("Global ({} countries) 10GB / 30 days", global.len()),
            short_desc: "Global".into(),
            cover: global,
            flow_mb: 10240,
            period_days: 30,
            price_cents: 4999,
        });
        packages.sort_by_key(|p| p.id);
        Self {
            packages,
            countries,
        }
    }

    pub(crate) fn packages(&self) -> &[Package] {
        &self.packages
    }

    pub(crate) fn countries(&self) -> &[Country] {
        &self.countries
    }

    pub(crate) fn get(&self, id: u64) -> Option<&Package> {
        self.packages
            .binary_search_by_key(&id, |p| p.id)
            .ok()
            .map(|i| &self.packages[i])
    }

    /// The country an MCC (any it owns) or an English name stands for.
    pub(crate) fn country(&self, mcc: Option<u16>, name: Option<&str>) -> Option<&Country> {
        match (mcc, name) {
            (Some(mcc), _) => self.countries.iter().find(|c| c.mccs.contains(&mcc)),
            (None, Some(name)) => self
                .countries
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name.trim())),
            (None, None) => None,
        }
    }

    /// `packageList`: type 1 lists packages whose coverage includes the country, type 2 those
    /// covering only it.
    pub(crate) fn listed_under(&self, country: &Country, only_this: bool) -> Vec<&Package> {
        self.packages
            .iter()
            .filter(|p| {
                if only_this {
                    p.cover == [country.mcc]
                } else {
                    p.cover.contains(&country.mcc)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::countries;
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::generate(countries::load().0)
    }

    #[test]
    fn generation_is_deterministic_with_unique_ids() {
        let (a, b) = (catalogue(), catalogue());
        assert_eq!(a.packages(), b.packages());
        let mut ids: Vec<u64> = a.packages().iter().map(|p| p.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), a.packages().len());
        assert!(a.packages().len() >= 4 * 200 + 8);
    }

    #[test]
    fn every_country_has_the_four_local_plans_and_the_regions_span_many() {
        let c = catalogue();
        let japan = c.country(Some(440), None).unwrap().clone();
        let local: Vec<(u64, u32)> = c
            .listed_under(&japan, true)
            .iter()
            .map(|p| (p.flow_mb, p.period_days))
            .collect();
        assert_eq!(local, [(1024, 7), (3072, 30), (5120, 30), (10240, 30)]);
        let everything = c.listed_under(&japan, false);
        assert!(everything.iter().any(|p| p.id == 101), "Asia covers Japan");
        assert!(everything.iter().any(|p| p.id == GLOBAL_ID));
        assert_eq!(
            c.country(None, Some("japan")).map(|c| c.mcc),
            Some(440),
            "names match case-insensitively"
        );
        assert_eq!(
            c.country(Some(311), None).map(|c| c.iso2.as_str()),
            Some("US")
        );
    }

    #[test]
    fn prices_grow_with_size_and_end_in_nine() {
        let c = catalogue();
        for package in c.packages() {
            assert_eq!(package.price_cents % 10, 9, "{}", package.code);
        }
        let jp: Vec<i64> = (4401..=4404)
            .map(|id| c.get(id).unwrap().price_cents)
            .collect();
        assert!(jp.windows(2).all(|w| w[0] < w[1]), "{jp:?}");
    }

    #[test]
    fn the_detail_json_has_the_documented_fields() {
        let c = catalogue();
        let detail = c.get(4402).unwrap().json();
        assert_eq!(detail["coverCountrys"], 440);
        assert_eq!(detail["packageFlow"], 3072);
        assert_eq!(detail["periodUnit"], "DAY");
        assert_eq!(detail["currencyInfos"][0]["currencyAbbr"], "USD");
        assert_eq!(detail["packageId"], "4402");
        assert!(c.get(100).unwrap().json()["coverCountrys"]
            .as_str()
            .unwrap()
            .contains(','));
    }
}
