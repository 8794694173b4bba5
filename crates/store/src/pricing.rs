//! How the shop turns a provider's wholesale price into the traveller's price.

use domain::pricing::{retail_price, Margin};
use domain::Money;

/// The margin applied to every plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricingPolicy {
    pub margin: Margin,
}

impl PricingPolicy {
    pub fn new(margin_percent: u32) -> Self {
        PricingPolicy {
            margin: Margin::percent(margin_percent),
        }
    }

    pub fn retail(&self, wholesale: Money) -> Money {
        retail_price(wholesale, self.margin)
    }
}
