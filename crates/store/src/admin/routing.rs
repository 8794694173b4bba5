//! Routing in the admin panel: which provider serves what (rules in words, provider health and
//! the offers each serves), and an owner setting or removing a rule (validated, audited, and
//! relisted at once so travellers' pages and new orders follow it).

use super::{audit, Admin};
use crate::catalogue::sql::{ADVERTISED_BYTES, PLACE_JOINS, PLACE_NAME};
use crate::routing::{self, health, Providers, Rule, Scope, Strategy};
use crate::Db;
use anyhow::Context;
use domain::admin::routing::{RoutingOverview, RoutingProvider, RoutingRuleView};
use domain::data::format_bytes;
use domain::CountryCode;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// What serves an offer when no rule applies.
pub const NO_RULE: &str = "cheapest healthy provider (no rule)";

/// Why a rule could not be saved or removed; every message is fit to show the owner.
#[derive(Debug, thiserror::Error)]
pub enum RoutingError {
    #[error("Choose what the rule applies to: everything, a country or one offer.")]
    UnknownScope,
    #[error("Choose a country for the rule.")]
    MissingCountry,
    #[error("There is no country with the code “{0}”.")]
    UnknownCountry(String),
    #[error("Enter the offer's key (like JP:1024mb:7d).")]
    MissingOffer,
    #[error("No plan is the offer “{0}”.")]
    UnknownOffer(String),
    #[error("Choose a strategy: fixed, cheapest or priority.")]
    UnknownStrategy,
    #[error("Name the provider that should serve.")]
    MissingProviders,
    #[error("“{unknown}” is not a provider Tern is set up for (it is set up for {configured}).")]
    UnknownProvider { unknown: String, configured: String },
    #[error("{0} is named twice; name each provider once.")]
    DuplicateProvider(String),
    #[error("A fixed rule names exactly one provider; use priority for an order of several.")]
    FixedNeedsOne,
    #[error("There is no such rule to remove.")]
    NoSuchRule,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The rule form as typed: scope "default", "country" or "offer" (with `country` or `offer`),
/// strategy "fixed", "cheapest" or "priority"; a fixed rule takes `provider` (the select), a
/// priority rule `providers` ("esimgo, esimfx"), each falling back on the other when it is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleForm {
    pub scope: String,
    pub country: String,
    pub offer: String,
    pub strategy: String,
    pub provider: String,
    pub providers: String,
}

/// The stored spelling of a scope, as the forms and the audit log name it.
fn scope_parts(scope: &Scope) -> (&'static str, &str) {
    match scope {
        Scope::Default => ("default", ""),
        Scope::Country(code) => ("country", code),
        Scope::Offer(key) => ("offer", key),
    }
}

fn strategy_parts(strategy: &Strategy) -> (&'static str, Vec<String>) {
    match strategy {
        Strategy::Fixed(provider) => ("fixed", vec![provider.clone()]),
        Strategy::Cheapest => ("cheapest", Vec::new()),
        Strategy::Priority(list) => ("priority", list.clone()),
    }
}

/// `/admin/routing`: every rule in words, the default behaviour, and each provider's health and
/// the offers it serves.
pub async fn overview(db: &Db, providers: &Providers) -> anyhow::Result<RoutingOverview> {
    let rules = routing::load_rules(db).await?;
    let updated = updated_times(db).await?;
    let mut views = Vec::new();
    for rule in rules.all() {
        let (scope, value) = scope_parts(&rule.scope);
        let (strategy, list) = strategy_parts(&rule.strategy);
        views.push(RoutingRuleView {
            scope: scope.to_owned(),
            value: value.to_owned(),
            scope_label: scope_label(db, &rule.scope)
                .await?
                .unwrap_or_else(|| format!("{value} (no longer sold)")),
            strategy: strategy.to_owned(),
            strategy_label: rule.strategy.to_string(),
            providers: list,
            updated_at: updated
                .get(&(stored_scope(&rule.scope).to_owned(), value.to_owned()))
                .copied()
                .unwrap_or(0),
        });
    }
    // The default rule first, then countries, then offers, each by what people read.
    let order = |scope: &str| match scope {
        "default" => 0,
        "country" => 1,
        _ => 2,
    };
    views.sort_by(|a, b| (order(&a.scope), &a.scope_label).cmp(&(order(&b.scope), &b.scope_label)));
    let default_behaviour = views
        .iter()
        .find(|rule| rule.scope == "default")
        .map_or_else(
            || NO_RULE.to_owned(),
            |rule| format!("{} (the default rule)", rule.strategy_label),
        );
    Ok(RoutingOverview {
        providers: provider_rows(db, providers).await?,
        rules: views,
        default_behaviour,
        countries: countries(db).await?,
    })
}

/// The scope column as `routing_rules` stores it.
fn stored_scope(scope: &Scope) -> &'static str {
    match scope {
        Scope::Default => "default",
        Scope::Country(_) => "country",
        Scope::Offer(_) => "plan",
    }
}

async fn updated_times(db: &Db) -> anyhow::Result<HashMap<(String, String), i64>> {
    let rows = sqlx::query("SELECT scope, scope_value, updated_at FROM routing_rules")
        .fetch_all(db.pool())
        .await
        .context("Failed to load when routing rules changed")?;
    rows.iter()
        .map(|row| {
            Ok((
                (row.try_get("scope")?, row.try_get("scope_value")?),
                row.try_get("updated_at")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .context("Failed to read when a routing rule changed")
}

/// A scope in words; `None` when its country or offer no longer exists.
async fn scope_label(db: &Db, scope: &Scope) -> anyhow::Result<Option<String>> {
    Ok(match scope {
        Scope::Default => Some("Everything (default)".to_owned()),
        Scope::Country(code) => country_name(db, code)
            .await?
            .map(|name| format!("{name} ({code})")),
        Scope::Offer(key) => offer_label(db, key).await?,
    })
}

async fn country_name(db: &Db, code: &str) -> anyhow::Result<Option<String>> {
    sqlx::query("SELECT name FROM countries WHERE code = $1")
        .bind(code)
        .fetch_optional(db.pool())
        .await
        .context("Failed to look up a country")?
        .map(|row| row.try_get("name"))
        .transpose()
        .context("Failed to read a country's name")
}

/// "Japan · 1 GB · 7 days" for an offer key, from any plan that is that offer.
async fn offer_label(db: &Db, key: &str) -> anyhow::Result<Option<String>> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {PLACE_NAME} AS place, {ADVERTISED_BYTES} AS data_bytes, p.validity_days
         FROM plans p {PLACE_JOINS} WHERE p.offer_key = $1 ORDER BY p.active DESC, p.id LIMIT 1"
    ))
    .bind(key)
    .fetch_optional(db.pool())
    .await
    .context("Failed to look up an offer")?
    else {
        return Ok(None);
    };
    let place: String = row.try_get("place").context("Failed to read a place")?;
    let bytes: Option<i64> = row.try_get("data_bytes").context("Failed to read data")?;
    let days: i64 = row
        .try_get("validity_days")
        .context("Failed to read validity")?;
    let data = bytes.map_or_else(|| "Unlimited".to_owned(), |b| format_bytes(b.max(0) as u64));
    let unit = if days == 1 { "day" } else { "days" };
    Ok(Some(format!("{place} · {data} · {days} {unit}")))
}

async fn countries(db: &Db) -> anyhow::Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT code, name FROM countries ORDER BY name")
        .fetch_all(db.pool())
        .await
        .context("Failed to list countries")?;
    rows.iter()
        .map(|row| Ok((row.try_get("code")?, row.try_get("name")?)))
        .collect::<Result<_, sqlx::Error>>()
        .context("Failed to read a country")
}

/// Every configured provider and any other with recorded calls, with health and offers served.
async fn provider_rows(db: &Db, providers: &Providers) -> anyhow::Result<Vec<RoutingProvider>> {
    let mut rows: BTreeMap<String, RoutingProvider> = providers
        .keys()
        .map(|id| {
            let row = RoutingProvider {
                id: (*id).to_owned(),
                healthy: true,
                calls: 0,
                error_rate_percent: 0,
                average_latency_ms: 0,
                offers_served: 0,
                configured: true,
            };
            ((*id).to_owned(), row)
        })
        .collect();
    let blank = |id: &str| RoutingProvider {
        id: id.to_owned(),
        healthy: true,
        calls: 0,
        error_rate_percent: 0,
        average_latency_ms: 0,
        offers_served: 0,
        configured: false,
    };
    for figures in health::all(db).await? {
        let row = rows
            .entry(figures.provider.clone())
            .or_insert_with(|| blank(&figures.provider));
        row.healthy = figures.healthy();
        row.calls = figures.calls;
        row.error_rate_percent = error_rate_percent(figures.calls, figures.failures);
        row.average_latency_ms = figures.average_latency_ms;
    }
    let served = sqlx::query(
        "SELECT provider, COUNT(*) AS n FROM plans WHERE listed = TRUE GROUP BY provider",
    )
    .fetch_all(db.pool())
    .await
    .context("Failed to count the offers each provider serves")?;
    for row in &served {
        let id: String = row
            .try_get("provider")
            .context("Failed to read a provider")?;
        let count: i64 = row.try_get("n").context("Failed to read a count")?;
        rows.entry(id.clone())
            .or_insert_with(|| blank(&id))
            .offers_served = count;
    }
    Ok(rows.into_values().collect())
}

fn error_rate_percent(calls: i64, failures: i64) -> u32 {
    if calls <= 0 {
        return 0;
    }
    u32::try_from((failures.clamp(0, calls) * 100 + calls / 2) / calls).unwrap_or(100)
}

/// Checks the form against the configured providers; the rule, or why it is not one. The
/// country and offer are checked against the database in [`save`].
pub fn parse(form: &RuleForm, configured: &[&str]) -> Result<Rule, RoutingError> {
    let scope = match form.scope.trim() {
        "default" => Scope::Default,
        "country" => {
            let code = form.country.trim();
            if code.is_empty() {
                return Err(RoutingError::MissingCountry);
            }
            let code = CountryCode::parse(code)
                .map_err(|_| RoutingError::UnknownCountry(code.to_owned()))?;
            Scope::Country(code.as_str().to_owned())
        }
        "offer" => {
            let key = form.offer.trim();
            if key.is_empty() {
                return Err(RoutingError::MissingOffer);
            }
            Scope::Offer(key.to_owned())
        }
        _ => return Err(RoutingError::UnknownScope),
    };
    let list = |text: &str| -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (select, typed) = (list(&form.provider), list(&form.providers));
    let strategy = form.strategy.trim();
    let named = match strategy {
        "fixed" if !select.is_empty() => select,
        "fixed" => typed,
        "priority" if !typed.is_empty() => typed,
        "priority" => select,
        "cheapest" => Vec::new(),
        _ => return Err(RoutingError::UnknownStrategy),
    };
    for (at, provider) in named.iter().enumerate() {
        if !configured.contains(&provider.as_str()) {
            let mut ids = configured.to_vec();
            ids.sort_unstable();
            return Err(RoutingError::UnknownProvider {
                unknown: provider.clone(),
                configured: ids.join(", "),
            });
        }
        if named[..at].contains(provider) {
            return Err(RoutingError::DuplicateProvider(provider.clone()));
        }
    }
    let strategy = match (strategy, named.as_slice()) {
        ("cheapest", _) => Strategy::Cheapest,
        (_, []) => return Err(RoutingError::MissingProviders),
        ("fixed", [one]) => Strategy::Fixed(one.clone()),
        ("fixed", _) => return Err(RoutingError::FixedNeedsOne),
        _ => Strategy::Priority(named),
    };
    Ok(Rule { scope, strategy })
}

/// The audit log's subject for a scope: "default", "country:JP", "offer:JP:1024mb:7d".
fn subject(scope: &Scope) -> String {
    match scope_parts(scope) {
        ("default", _) => "default".to_owned(),
        (kind, value) => format!("{kind}:{value}"),
    }
}

/// Creates or replaces the rule for the form's scope, writes it to the audit log, and relists
/// plans; the rule in words ("Japan (JP): fixed to esimgo").
pub async fn save(
    db: &Db,
    admin: &Admin,
    configured: &[&str],
    form: &RuleForm,
) -> Result<String, RoutingError> {
    let rule = parse(form, configured)?;
    let label = match &rule.scope {
        Scope::Country(code) => scope_label(db, &rule.scope)
            .await?
            .ok_or_else(|| RoutingError::UnknownCountry(code.clone()))?,
        Scope::Offer(key) => scope_label(db, &rule.scope)
            .await?
            .ok_or_else(|| RoutingError::UnknownOffer(key.clone()))?,
        Scope::Default => scope_label(db, &rule.scope).await?.unwrap_or_default(),
    };
    // Saving relists every offer the rule may change.
    routing::save_rule(db, &rule).await?;
    // Relisting clears the catalogue cache only when a listing changed; clear it anyway so
    // nothing a traveller sees waits for the cache to expire.
    db.cache().invalidate();
    let words = format!("{label}: {}", rule.strategy);
    audit::record(
        db,
        admin,
        audit::ROUTING_RULE_SAVED,
        &subject(&rule.scope),
        &words,
    )
    .await?;
    Ok(words)
}

/// Removes the rule for `scope` ("default", "country" or "offer") and `value` (the code or offer
/// key), writes it to the audit log, and relists plans; the removed rule in words.
pub async fn remove(
    db: &Db,
    admin: &Admin,
    scope: &str,
    value: &str,
) -> Result<String, RoutingError> {
    let value = value.trim();
    let scope = match scope.trim() {
        "default" => Scope::Default,
        "country" => Scope::Country(value.to_uppercase()),
        "offer" => Scope::Offer(value.to_owned()),
        _ => return Err(RoutingError::UnknownScope),
    };
    let rules = routing::load_rules(db).await?;
    let Some(rule) = rules.all().into_iter().find(|rule| rule.scope == scope) else {
        return Err(RoutingError::NoSuchRule);
    };
    let label = scope_label(db, &scope)
        .await?
        .unwrap_or_else(|| value.to_owned());
    routing::delete_rule(db, &scope).await?;
    db.cache().invalidate();
    let words = format!("{label}: {}", rule.strategy);
    audit::record(
        db,
        admin,
        audit::ROUTING_RULE_REMOVED,
        &subject(&scope),
        &words,
    )
    .await?;
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIGURED: [&str; 2] = ["esimfx", "esimgo"];

    fn form(scope: &str, strategy: &str, provider: &str, providers: &str) -> RuleForm {
        RuleForm {
            scope: scope.into(),
            country: "jp".into(),
            offer: "JP:1024mb:7d".into(),
            strategy: strategy.into(),
            provider: provider.into(),
            providers: providers.into(),
        }
    }

    #[test]
    fn forms_become_rules() {
        let fixed = parse(&form("country", "fixed", "esimgo", ""), &CONFIGURED).unwrap();
        assert_eq!(fixed.scope, Scope::Country("JP".into()));
        assert_eq!(fixed.strategy, Strategy::Fixed("esimgo".into()));
        // The select's value is ignored by a priority rule with a typed order.
        let priority = parse(
            &form("offer", "priority", "esimfx", "esimgo, esimfx"),
            &CONFIGURED,
        )
        .unwrap();
        assert_eq!(priority.scope, Scope::Offer("JP:1024mb:7d".into()));
        assert_eq!(
            priority.strategy,
            Strategy::Priority(vec!["esimgo".into(), "esimfx".into()])
        );
        let cheapest = parse(&form("default", "cheapest", "esimfx", "x"), &CONFIGURED).unwrap();
        assert_eq!(
            (cheapest.scope, cheapest.strategy),
            (Scope::Default, Strategy::Cheapest)
        );
    }

    #[test]
    fn bad_forms_say_what_is_wrong() {
        let error = |f: RuleForm| parse(&f, &CONFIGURED).unwrap_err();
        assert!(matches!(
            error(form("planet", "fixed", "esimfx", "")),
            RoutingError::UnknownScope
        ));
        assert!(matches!(
            error(form("country", "random", "esimfx", "")),
            RoutingError::UnknownStrategy
        ));
        assert!(matches!(
            error(form("country", "fixed", "", "")),
            RoutingError::MissingProviders
        ));
        assert!(matches!(
            error(form("country", "fixed", "", "esimfx, esimgo")),
            RoutingError::FixedNeedsOne
        ));
        assert!(matches!(
            error(form("country", "priority", "", "esimgo, esimgo")),
            RoutingError::DuplicateProvider(p) if p == "esimgo"
        ));
        let unknown = error(form("country", "fixed", "truphone", ""));
        assert_eq!(
            unknown.to_string(),
            "“truphone” is not a provider Tern is set up for (it is set up for esimfx, esimgo)."
        );
        let mut no_country = form("country", "cheapest", "", "");
        no_country.country = " ".into();
        assert!(matches!(error(no_country), RoutingError::MissingCountry));
        let mut bad_country = form("country", "cheapest", "", "");
        bad_country.country = "Japan".into();
        assert!(matches!(
            error(bad_country),
            RoutingError::UnknownCountry(_)
        ));
    }
}
