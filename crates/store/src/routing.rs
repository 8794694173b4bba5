//! Which provider serves what: routing rules per country or plan (a fixed provider, the
//! cheapest, or a priority list; by default the cheapest healthy provider), the plan listed for
//! each offer, provider health, and failover to an equivalent plan.

mod failover;
pub mod health;
mod listing;
mod rank;
mod rules;

pub use failover::{equivalent_plans, FailoverPlan};
pub use listing::{relist, route_plan, Route};
pub use rank::{rank, Candidate, Ranking};
pub use rules::{delete_rule, load_rules, save_rule, Rule, RuleSet, Scope, Strategy};

/// Every configured provider adapter, by provider id.
pub type Providers =
    std::collections::HashMap<&'static str, std::sync::Arc<dyn providers::EsimProvider>>;
