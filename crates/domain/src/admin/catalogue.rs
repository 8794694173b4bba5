//! The admin panel's catalogue and prices: countries and plans on or off sale, featured
//! destinations, and margins with a preview of what travellers will pay.

use crate::pricing::{retail_price, Margin, MarginScope};
use crate::Money;
use serde::{Deserialize, Serialize};

/// How many destinations the home page features.
pub const MAX_FEATURED: u32 = 12;

/// A country as the catalogue page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueCountry {
    pub code: String,
    pub name: String,
    pub slug: String,
    pub region_name: String,
    pub enabled: bool,
    /// 1 = first on the home page; `None` = not featured.
    pub featured: Option<u32>,
    /// Offers travellers can buy for this country alone.
    pub offers: u32,
    /// The cheapest of them, if any.
    pub from_price: Option<Money>,
    /// The margin set for this country, if any.
    pub margin: Option<Margin>,
}

/// `/admin/catalogue`: the countries matching the search, and the featured ones in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueOverview {
    pub countries: Vec<CatalogueCountry>,
    pub featured: Vec<CatalogueCountry>,
}

/// One provider's plan for an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CataloguePlan {
    pub id: String,
    pub provider: String,
    pub product_id: String,
    pub wholesale: Money,
    pub retail: Money,
    pub margin: Margin,
    /// Where the margin comes from; `None` is the configured default.
    pub margin_scope: Option<MarginScope>,
    /// The plan travellers see for its offer.
    pub listed: bool,
    pub enabled: bool,
}

/// Plans of every provider that are one offer to travellers ("1 GB · 7 days").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueOffer {
    pub key: String,
    pub label: String,
    pub plans: Vec<CataloguePlan>,
}

/// `/admin/catalogue/{code}`: one country and every plan sold for it alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueCountryDetail {
    pub country: CatalogueCountry,
    pub offers: Vec<CatalogueOffer>,
}

/// A plan in a margin's preview: what it costs and sells for now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricePreview {
    pub plan_id: String,
    /// "Japan · 1 GB · 7 days"
    pub label: String,
    pub provider: String,
    pub wholesale: Money,
    pub retail: Money,
    pub margin: Margin,
    pub listed: bool,
}

impl PricePreview {
    /// What the traveller would pay with `margin`.
    pub fn retail_with(&self, margin: Margin) -> Money {
        retail_price(self.wholesale, margin)
    }
}

/// The margin being edited, and the plans it decides the price of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarginEditor {
    pub scope: MarginScope,
    /// "Global", "Provider esimgo", "Japan (JP)", "Japan · 1 GB · 7 days (esimgo)"
    pub label: String,
    /// The margin set at this scope, if any.
    pub current: Option<Margin>,
    /// What applies at this scope when none is set here (for a country or plan, the most common
    /// one among its plans).
    pub inherited: Margin,
    /// How many plans on sale take their margin from this scope once one is set here.
    pub affected: u32,
    /// Some of them, travellers' listed plans first.
    pub samples: Vec<PricePreview>,
}

/// A margin set in the admin panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarginRow {
    pub scope: MarginScope,
    pub label: String,
    pub margin: Margin,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

/// `/admin/prices`: the default, every margin set, each provider's, and the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricesView {
    /// `TERN_MARGIN_PERCENT`, used while no global margin is set.
    pub default_margin: Margin,
    pub margins: Vec<MarginRow>,
    /// Every configured provider and the margin set for it.
    pub providers: Vec<(String, Option<Margin>)>,
    pub editor: MarginEditor,
}

/// Where a plan's margin comes from, in words.
pub fn margin_source(scope: Option<&MarginScope>) -> &'static str {
    match scope {
        None => "default",
        Some(MarginScope::Global) => "global",
        Some(MarginScope::Provider(_)) => "provider",
        Some(MarginScope::Country(_)) => "country",
        Some(MarginScope::Plan(_)) => "this plan",
    }
}
