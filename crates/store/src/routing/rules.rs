//! Routing rules as stored: a scope (everything, a country, one offer) and a strategy.

use crate::clock::now_millis;
use crate::Db;
use anyhow::{bail, Context};
use sqlx::Row;
use std::fmt;

/// What a rule applies to; the most specific matching rule wins.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Default,
    /// Single-country plans of this ISO country.
    Country(String),
    /// One offer (its key), whichever providers sell it.
    Offer(String),
}

impl Scope {
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Scope::Default => ("default", ""),
            Scope::Country(code) => ("country", code),
            Scope::Offer(key) => ("plan", key),
        }
    }

    fn from_parts(scope: &str, value: &str) -> anyhow::Result<Scope> {
        Ok(match scope {
            "default" => Scope::Default,
            "country" => Scope::Country(value.to_owned()),
            "plan" => Scope::Offer(value.to_owned()),
            other => bail!("unknown routing scope {other}"),
        })
    }
}

/// How to order the providers that sell an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// Always this provider while it sells the offer; the others only for failover.
    Fixed(String),
    /// The lowest wholesale price among healthy providers.
    Cheapest,
    /// The first healthy provider of the list; the rest by price.
    Priority(Vec<String>),
}

impl Strategy {
    fn parts(&self) -> (&'static str, String) {
        match self {
            Strategy::Fixed(provider) => ("fixed", provider.clone()),
            Strategy::Cheapest => ("cheapest", String::new()),
            Strategy::Priority(list) => ("priority", list.join(",")),
        }
    }

    fn from_parts(strategy: &str, providers: &str) -> anyhow::Result<Strategy> {
        let list: Vec<String> = providers
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(match (strategy, list.as_slice()) {
            ("cheapest", _) => Strategy::Cheapest,
            ("fixed", [one]) => Strategy::Fixed(one.clone()),
            ("priority", [_, ..]) => Strategy::Priority(list),
            (other, _) => {
                bail!("routing strategy {other} with providers '{providers}' is not valid")
            }
        })
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Strategy::Fixed(provider) => write!(f, "fixed to {provider}"),
            Strategy::Cheapest => f.write_str("cheapest healthy provider"),
            Strategy::Priority(list) => write!(f, "priority {}", list.join(" > ")),
        }
    }
}

/// One stored rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub scope: Scope,
    pub strategy: Strategy,
}

/// Every rule, looked up by scope.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: std::collections::HashMap<Scope, Strategy>,
}

impl RuleSet {
    /// The rule for an offer: its own, else its country's, else the default one.
    pub fn for_offer(&self, offer_key: &str, country: Option<&str>) -> Option<Rule> {
        let scopes = [
            Some(Scope::Offer(offer_key.to_owned())),
            country.map(|c| Scope::Country(c.to_owned())),
            Some(Scope::Default),
        ];
        scopes.into_iter().flatten().find_map(|scope| {
            self.rules.get(&scope).map(|strategy| Rule {
                scope,
                strategy: strategy.clone(),
            })
        })
    }

    pub fn all(&self) -> Vec<Rule> {
        self.rules
            .iter()
            .map(|(scope, strategy)| Rule {
                scope: scope.clone(),
                strategy: strategy.clone(),
            })
            .collect()
    }
}

pub async fn load_rules(db: &Db) -> anyhow::Result<RuleSet> {
    let rows = sqlx::query("SELECT scope, scope_value, strategy, providers FROM routing_rules")
        .fetch_all(db.pool())
        .await
        .context("Failed to load routing rules")?;
    let mut rules = std::collections::HashMap::new();
    for row in rows {
        let scope = Scope::from_parts(
            &row.try_get::<String, _>("scope")?,
            &row.try_get::<String, _>("scope_value")?,
        )?;
        let strategy = Strategy::from_parts(
            &row.try_get::<String, _>("strategy")?,
            &row.try_get::<String, _>("providers")?,
        )?;
        rules.insert(scope, strategy);
    }
    Ok(RuleSet { rules })
}

/// Creates or replaces the rule for its scope, then relists the offers it may change.
pub async fn save_rule(db: &Db, rule: &Rule) -> anyhow::Result<()> {
    let (scope, value) = rule.scope.parts();
    let (strategy, providers) = rule.strategy.parts();
    sqlx::query(
        "INSERT INTO routing_rules (scope, scope_value, strategy, providers, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope, scope_value) DO UPDATE SET strategy = $3, providers = $4, updated_at = $5",
    )
    .bind(scope)
    .bind(value)
    .bind(strategy)
    .bind(providers)
    .bind(now_millis())
    .execute(db.pool())
    .await
    .context("Failed to save a routing rule")?;
    super::relist(db).await?;
    Ok(())
}

pub async fn delete_rule(db: &Db, scope: &Scope) -> anyhow::Result<()> {
    let (scope, value) = scope.parts();
    sqlx::query("DELETE FROM routing_rules WHERE scope = $1 AND scope_value = $2")
        .bind(scope)
        .bind(value)
        .execute(db.pool())
        .await
        .context("Failed to delete a routing rule")?;
    super::relist(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_rule_wins() {
        let mut set = RuleSet::default();
        set.rules
            .insert(Scope::Default, Strategy::Priority(vec!["esimgo".into()]));
        set.rules.insert(
            Scope::Country("JP".into()),
            Strategy::Fixed("truphone".into()),
        );
        set.rules
            .insert(Scope::Offer("JP:1024:7d".into()), Strategy::Cheapest);
        let offer = set.for_offer("JP:1024:7d", Some("JP")).unwrap();
        assert_eq!(offer.strategy, Strategy::Cheapest);
        let country = set.for_offer("JP:3072:30d", Some("JP")).unwrap();
        assert_eq!(country.strategy, Strategy::Fixed("truphone".into()));
        let default = set.for_offer("FR:1024:7d", Some("FR")).unwrap();
        assert_eq!(default.scope, Scope::Default);
    }

    #[test]
    fn stored_strategies_are_checked() {
        assert_eq!(
            Strategy::from_parts("fixed", "fms").unwrap(),
            Strategy::Fixed("fms".into())
        );
        assert_eq!(
            Strategy::from_parts("priority", "esimgo, truphone").unwrap(),
            Strategy::Priority(vec!["esimgo".into(), "truphone".into()])
        );
        assert!(Strategy::from_parts("fixed", "a,b").is_err());
        assert!(Strategy::from_parts("priority", "").is_err());
        assert!(Strategy::from_parts("random", "").is_err());
    }
}
