//! The catalogue as the shop shows it: destinations, regions and plans with retail prices.

use crate::country::CountryCode;
use crate::data::DataAllowance;
use crate::money::Money;
use serde::{Deserialize, Serialize};

/// A mobile network a plan uses, with its best radio technology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub name: String,
    /// "5G", "4G", "LTE", "3G".
    pub speed: String,
    pub country: Option<CountryCode>,
}

/// A plan as listed on destination pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    /// Public, stable plan id used in `/plan/{id}`.
    pub id: String,
    pub title: String,
    /// "Japan", or "Europe · 39 countries".
    pub coverage_label: String,
    pub data: DataAllowance,
    pub validity_days: u32,
    pub price: Money,
    pub networks: Vec<Network>,
}

impl PlanSummary {
    /// Price per GB, rounded to the nearest minor unit; `None` for unlimited plans.
    pub fn price_per_gb(&self) -> Option<Money> {
        let bytes = self.data.bytes().filter(|b| *b > 0)?;
        let per_gb = (i128::from(self.price.minor) * i128::from(crate::data::GIB)
            + i128::from(bytes) / 2)
            / i128::from(bytes);
        Some(Money::new(per_gb as i64, self.price.currency))
    }

    /// The fastest technology among the plan's networks.
    pub fn best_speed(&self) -> Option<&str> {
        self.networks
            .iter()
            .map(|n| n.speed.as_str())
            .max_by_key(|speed| speed_rank(speed))
    }

    pub fn is_unlimited(&self) -> bool {
        matches!(self.data, DataAllowance::Unlimited)
    }
}

fn speed_rank(speed: &str) -> u8 {
    match speed.to_ascii_uppercase().as_str() {
        "5G" => 5,
        "4G" | "LTE" => 4,
        "3G" => 3,
        "2G" => 2,
        _ => 0,
    }
}

/// How a list of plans is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PlanSort {
    #[default]
    Price,
    Data,
    Validity,
    PricePerGb,
}

impl PlanSort {
    pub const ALL: [PlanSort; 4] = [
        PlanSort::Price,
        PlanSort::Data,
        PlanSort::Validity,
        PlanSort::PricePerGb,
    ];

    /// Reads the `sort` query value; anything unknown falls back to price.
    pub fn from_query(value: Option<&str>) -> Self {
        match value {
            Some("data") => PlanSort::Data,
            Some("validity") => PlanSort::Validity,
            Some("price-per-gb") => PlanSort::PricePerGb,
            _ => PlanSort::Price,
        }
    }

    pub fn as_query(&self) -> &'static str {
        match self {
            PlanSort::Price => "price",
            PlanSort::Data => "data",
            PlanSort::Validity => "validity",
            PlanSort::PricePerGb => "price-per-gb",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            PlanSort::Price => "Lowest price",
            PlanSort::Data => "Most data",
            PlanSort::Validity => "Longest validity",
            PlanSort::PricePerGb => "Best price per GB",
        }
    }

    /// Sorts in place; ties fall back to price, then id, so the order is stable.
    pub fn sort(&self, plans: &mut [PlanSummary]) {
        plans.sort_by(|a, b| {
            let primary = match self {
                PlanSort::Price => a.price.minor.cmp(&b.price.minor),
                // Unlimited counts as the most data.
                PlanSort::Data => data_rank(b).cmp(&data_rank(a)),
                PlanSort::Validity => b.validity_days.cmp(&a.validity_days),
                // Unlimited plans have no per-GB price and go last.
                PlanSort::PricePerGb => per_gb_rank(a).cmp(&per_gb_rank(b)),
            };
            primary
                .then(a.price.minor.cmp(&b.price.minor))
                .then_with(|| a.id.cmp(&b.id))
        });
    }
}

fn data_rank(plan: &PlanSummary) -> u64 {
    plan.data.bytes().unwrap_or(u64::MAX)
}

fn per_gb_rank(plan: &PlanSummary) -> i64 {
    plan.price_per_gb().map(|m| m.minor).unwrap_or(i64::MAX)
}

/// A link to a country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryRef {
    pub code: CountryCode,
    pub slug: String,
    pub name: String,
}

/// A destination country with its cheapest plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountrySummary {
    pub country: CountryRef,
    pub region_slug: Option<String>,
    pub region_name: Option<String>,
    pub from_price: Option<Money>,
    pub plan_count: u32,
}

/// A region (Europe, Asia, Global, …) with its cheapest plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionSummary {
    pub slug: String,
    pub name: String,
    pub country_count: u32,
    pub plan_count: u32,
    pub from_price: Option<Money>,
}

/// One searchable destination, sent whole to the browser so search is instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DestinationIndexEntry {
    pub name: String,
    pub aliases: Vec<String>,
    /// The page to open: `/esim/japan` or `/esim/region/europe`.
    pub href: String,
    pub flag: Option<String>,
    pub is_region: bool,
    pub from_price: Option<Money>,
}

/// Everything `/esim/{country}` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryPage {
    pub summary: CountrySummary,
    /// Plans that cover only this country.
    pub local_plans: Vec<PlanSummary>,
    /// Multi-country plans that include this country.
    pub regional_plans: Vec<PlanSummary>,
}

/// Everything `/esim/region/{region}` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionDetail {
    pub summary: RegionSummary,
    pub plans: Vec<PlanSummary>,
    /// Countries covered by at least one of the region's plans.
    pub countries: Vec<CountryRef>,
}

/// Everything `/plan/{id}` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDetail {
    pub plan: PlanSummary,
    pub coverage: Vec<CountryRef>,
    pub region: Option<RegionSummary>,
    /// The country page to go back to when the plan covers one country.
    pub home_country: Option<CountryRef>,
    pub topups_available: bool,
    /// The plan must be activated within this many days of purchase.
    pub activation_window_days: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::GIB;
    use crate::money::Currency;

    fn plan(id: &str, gb: Option<u64>, days: u32, cents: i64) -> PlanSummary {
        PlanSummary {
            id: id.into(),
            title: id.into(),
            coverage_label: "Japan".into(),
            data: gb.map_or(DataAllowance::Unlimited, |g| DataAllowance::Limited {
                bytes: g * GIB,
            }),
            validity_days: days,
            price: Money::new(cents, Currency::USD),
            networks: vec![],
        }
    }

    #[test]
    fn price_per_gb_rounds_and_skips_unlimited() {
        assert_eq!(
            plan("a", Some(10), 7, 1599).price_per_gb().unwrap().minor,
            160
        );
        assert_eq!(plan("b", None, 7, 1599).price_per_gb(), None);
    }

    #[test]
    fn sorting_orders_by_the_chosen_key() {
        let mut plans = vec![
            plan("small", Some(1), 7, 499),
            plan("big", Some(20), 30, 2999),
            plan("unl", None, 10, 3999),
            plan("mid", Some(5), 15, 999),
        ];
        PlanSort::Price.sort(&mut plans);
        assert_eq!(ids(&plans), ["small", "mid", "big", "unl"]);
        PlanSort::Data.sort(&mut plans);
        assert_eq!(ids(&plans), ["unl", "big", "mid", "small"]);
        PlanSort::Validity.sort(&mut plans);
        assert_eq!(ids(&plans), ["big", "mid", "unl", "small"]);
        PlanSort::PricePerGb.sort(&mut plans);
        assert_eq!(ids(&plans), ["big", "mid", "small", "unl"]);
    }

    #[test]
    fn unknown_sort_falls_back_to_price() {
        assert_eq!(PlanSort::from_query(Some("nonsense")), PlanSort::Price);
        for sort in PlanSort::ALL {
            assert_eq!(PlanSort::from_query(Some(sort.as_query())), sort);
        }
    }

    fn ids(plans: &[PlanSummary]) -> Vec<&str> {
        plans.iter().map(|p| p.id.as_str()).collect()
    }
}
