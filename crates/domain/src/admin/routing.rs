//! The admin panel's routing page: which provider serves what, each provider's health and how
//! many offers it serves, and the rules an owner sets.

use serde::{Deserialize, Serialize};

/// `/admin/routing`: providers, rules, and what applies where no rule does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingOverview {
    /// Every configured provider (and any other with recorded calls), by id.
    pub providers: Vec<RoutingProvider>,
    /// The default rule first, then country rules by country name, then offer rules.
    pub rules: Vec<RoutingRuleView>,
    /// What serves an offer no country or offer rule covers, in words: the default rule, or
    /// "cheapest healthy provider (no rule)".
    pub default_behaviour: String,
    /// Countries a rule can name, by name: (ISO code, name).
    pub countries: Vec<(String, String)>,
}

/// One provider on the routing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingProvider {
    pub id: String,
    /// Whether routing may send orders to it (see the store's health rule).
    pub healthy: bool,
    pub calls: i64,
    pub error_rate_percent: u32,
    pub average_latency_ms: i64,
    /// The offers it serves right now: its plans travellers see.
    pub offers_served: i64,
    /// Whether Tern is set up to call it; a provider only in the health figures is not.
    pub configured: bool,
}

/// One stored rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRuleView {
    /// "default", "country" or "offer", as the rule form and the remove form take it.
    pub scope: String,
    /// The country code or offer key ("" for the default rule).
    pub value: String,
    /// "Everything (default)", "Japan (JP)", "Japan · 1 GB · 7 days".
    pub scope_label: String,
    /// "fixed", "cheapest" or "priority".
    pub strategy: String,
    /// "fixed to esimgo", "cheapest healthy provider", "priority esimfx > esimgo".
    pub strategy_label: String,
    /// Provider ids in order (none for cheapest).
    pub providers: Vec<String>,
    pub updated_at: i64,
}
