//! How the shop turns a provider's wholesale price into the traveller's price: the most specific
//! margin set for the plan (its own, its country's, its provider's, the global one, else the
//! configured default), then rounded up to a price ending in .99.

mod margins;
mod reprice;

pub use margins::{remove_margin, set_margin, Margins};
pub use reprice::reprice;

use domain::pricing::Margin;

/// The margin every plan gets while the admin has set none (`TERN_MARGIN_PERCENT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricingPolicy {
    pub default_margin: Margin,
}

impl PricingPolicy {
    pub fn new(margin_percent: u32) -> Self {
        PricingPolicy {
            default_margin: Margin::percent(margin_percent),
        }
    }
}

/// What a margin is looked up by: the plan's id, provider and (single-country plans) country.
#[derive(Debug, Clone, Copy)]
pub struct PlanKey<'a> {
    pub id: &'a str,
    pub provider: &'a str,
    pub home_country: Option<&'a str>,
}
