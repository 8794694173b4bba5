//! Margins in the admin panel: every margin set, the editor for one scope with the plans whose
//! price it decides, and setting or removing one (audited; travellers' prices change at once).

use super::catalogue::{offer_label, scope_label};
use super::{audit, Admin};
use crate::catalogue::sql::ADVERTISED_BYTES;
use crate::pricing::{self, Margins, PlanKey, PricingPolicy};
use crate::Db;
use anyhow::Context;
use domain::admin::catalogue::{MarginEditor, MarginRow, PricePreview, PricesView};
use domain::pricing::{InvalidMargin, Margin, MarginScope};
use domain::{Currency, Money};
use sqlx::Row;
use std::collections::HashMap;

/// How many plans the editor previews.
const SAMPLES: usize = 12;

/// Why a margin could not be shown or changed.
#[derive(Debug, thiserror::Error)]
pub enum PricesError {
    #[error("There is no provider, country or plan with that name to set a margin for.")]
    UnknownScope,
    #[error("{0}")]
    Margin(#[from] InvalidMargin),
    #[error("No margin is set there.")]
    NothingToRemove,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A plan on sale, as pricing sees it.
struct PricedPlan {
    id: String,
    provider: String,
    home_country: Option<String>,
    label: String,
    wholesale: Money,
    retail: Money,
    listed: bool,
    /// Featured destinations' plans come first in previews (0 = first featured).
    featured: Option<i64>,
}

impl PricedPlan {
    fn key(&self) -> PlanKey<'_> {
        PlanKey {
            id: &self.id,
            provider: &self.provider,
            home_country: self.home_country.as_deref(),
        }
    }
}

async fn plans_on_sale(db: &Db) -> anyhow::Result<Vec<PricedPlan>> {
    use crate::catalogue::sql::{ON_SALE, PLACE_JOINS, PLACE_NAME};
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.provider, p.home_country, p.wholesale_minor, p.retail_minor, p.currency,
           p.validity_days, {ADVERTISED_BYTES} AS data_bytes, {PLACE_NAME} AS place, hc.popularity,
           CAST(CASE WHEN p.listed THEN 1 ELSE 0 END AS BIGINT) AS listed
         FROM plans p {PLACE_JOINS} WHERE {ON_SALE}"
    ))
    .fetch_all(db.pool())
    .await
    .context("Failed to load the plans on sale")?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let currency = Currency::parse(&row.try_get::<String, _>("currency")?)
                .with_context(|| format!("Plan {id} has an invalid currency"))?;
            Ok(PricedPlan {
                label: format!(
                    "{} · {}",
                    row.try_get::<String, _>("place")?,
                    offer_label(row.try_get("data_bytes")?, row.try_get("validity_days")?)
                ),
                provider: row.try_get("provider")?,
                home_country: row.try_get("home_country")?,
                wholesale: Money::new(row.try_get("wholesale_minor")?, currency),
                retail: Money::new(row.try_get("retail_minor")?, currency),
                listed: row.try_get::<i64, _>("listed")? == 1,
                featured: row.try_get("popularity")?,
                id,
            })
        })
        .collect()
}

/// Whether a margin can be set at `scope`: the provider is configured, the country or plan exists.
async fn check_scope(
    db: &Db,
    providers: &[&str],
    scope: &MarginScope,
) -> Result<String, PricesError> {
    if let MarginScope::Provider(id) = scope {
        if !providers.contains(&id.as_str()) {
            return Err(PricesError::UnknownScope);
        }
    }
    scope_label(db, scope)
        .await?
        .ok_or(PricesError::UnknownScope)
}

/// `/admin/prices`: every margin set, each provider's, and the editor for `scope`.
pub async fn view(
    db: &Db,
    policy: PricingPolicy,
    providers: &[&str],
    scope: &MarginScope,
) -> Result<PricesView, PricesError> {
    let label = check_scope(db, providers, scope).await?;
    let margins = Margins::load(db, policy).await?;
    let plans = plans_on_sale(db).await?;
    let editor = editor(&margins, &plans, scope, label);
    let mut rows = Vec::new();
    let stored = sqlx::query(
        "SELECT m.scope, m.scope_value, m.updated_at, a.name AS updated_by
         FROM margins m LEFT JOIN admins a ON a.id = m.updated_by",
    )
    .fetch_all(db.pool())
    .await
    .context("Failed to load margins")?;
    let mut changed: HashMap<(String, String), (i64, Option<String>)> = HashMap::new();
    for row in &stored {
        let read = || -> Result<_, sqlx::Error> {
            Ok((
                (row.try_get("scope")?, row.try_get("scope_value")?),
                (row.try_get("updated_at")?, row.try_get("updated_by")?),
            ))
        };
        let (key, by) = read().context("Failed to read a margin")?;
        changed.insert(key, by);
    }
    for (scope, margin) in margins.all() {
        let (kind, value) = scope.parts();
        let (updated_at, updated_by) = changed
            .get(&(kind.to_owned(), value.to_owned()))
            .cloned()
            .unwrap_or((0, None));
        let label = scope_label(db, &scope)
            .await?
            .unwrap_or_else(|| format!("{kind} {value} (no longer sold)"));
        rows.push(MarginRow {
            scope,
            label,
            margin,
            updated_at,
            updated_by,
        });
    }
    let mut provider_ids: Vec<&str> = providers.to_vec();
    provider_ids.sort_unstable();
    Ok(PricesView {
        default_margin: policy.default_margin,
        margins: rows,
        providers: provider_ids
            .into_iter()
            .map(|id| {
                (
                    id.to_owned(),
                    margins.get(&MarginScope::Provider(id.to_owned())),
                )
            })
            .collect(),
        editor,
    })
}

/// The plans whose margin `scope` decides once one is set there, and what they sell for now.
fn editor(
    margins: &Margins,
    plans: &[PricedPlan],
    scope: &MarginScope,
    label: String,
) -> MarginEditor {
    // Set anything at `scope`: the plans that then take their margin from it are the affected ones.
    let probe = margins.with(scope, Some(Margin { basis_points: 0 }));
    let without = margins.with(scope, None);
    let mut affected: Vec<&PricedPlan> = plans
        .iter()
        .filter(|plan| probe.for_plan(plan.key()).1.as_ref() == Some(scope))
        .collect();
    // What applies without a margin here: the most common one among the affected plans.
    let mut inherited: HashMap<u32, usize> = HashMap::new();
    for plan in &affected {
        *inherited
            .entry(without.for_plan(plan.key()).0.basis_points)
            .or_default() += 1;
    }
    let inherited = inherited
        .into_iter()
        .max_by_key(|(bp, count)| (*count, std::cmp::Reverse(*bp)))
        .map_or_else(
            || {
                without
                    .for_plan(PlanKey {
                        id: "",
                        provider: "",
                        home_country: None,
                    })
                    .0
            },
            |(basis_points, _)| Margin { basis_points },
        );
    // What travellers see first: listed plans of featured destinations, cheapest first.
    affected.sort_by(|a, b| {
        (
            !a.listed,
            a.featured.unwrap_or(i64::MAX),
            a.wholesale.minor,
            &a.label,
        )
            .cmp(&(
                !b.listed,
                b.featured.unwrap_or(i64::MAX),
                b.wholesale.minor,
                &b.label,
            ))
    });
    MarginEditor {
        scope: scope.clone(),
        label,
        current: margins.get(scope),
        inherited,
        affected: affected.len() as u32,
        samples: affected
            .iter()
            .take(SAMPLES)
            .map(|plan| PricePreview {
                plan_id: plan.id.clone(),
                label: plan.label.clone(),
                provider: plan.provider.clone(),
                wholesale: plan.wholesale,
                retail: plan.retail,
                margin: margins.for_plan(plan.key()).0,
                listed: plan.listed,
            })
            .collect(),
    }
}

/// "global", "provider:esimgo", "country:JP", "plan:<id>": the audit log's subject.
fn subject(scope: &MarginScope) -> String {
    match scope.parts() {
        (kind, "") => kind.to_owned(),
        (kind, value) => format!("{kind}:{value}"),
    }
}

/// Sets the margin at `scope` from what the owner typed; answers how many prices changed.
pub async fn set(
    db: &Db,
    policy: PricingPolicy,
    admin: &Admin,
    providers: &[&str],
    scope: &MarginScope,
    typed: &str,
) -> Result<usize, PricesError> {
    let margin = Margin::parse_percent(typed)?;
    let label = check_scope(db, providers, scope).await?;
    let before = Margins::load(db, policy).await?.get(scope);
    let changed = pricing::set_margin(db, policy, scope, margin, &admin.id).await?;
    let was = before.map_or_else(|| "not set".to_owned(), |m| m.to_string());
    let detail = format!("{label}: {margin} (was {was}); {changed} prices changed");
    audit::record(db, admin, audit::SET_MARGIN, &subject(scope), &detail).await?;
    Ok(changed)
}

/// Removes the margin at `scope`; answers how many prices changed.
pub async fn remove(
    db: &Db,
    policy: PricingPolicy,
    admin: &Admin,
    scope: &MarginScope,
) -> Result<usize, PricesError> {
    let label = scope_label(db, scope)
        .await?
        .unwrap_or_else(|| subject(scope));
    let before = Margins::load(db, policy).await?.get(scope);
    let changed = pricing::remove_margin(db, policy, scope)
        .await?
        .ok_or(PricesError::NothingToRemove)?;
    let was = before.map_or_else(String::new, |m| format!(" (was {m})"));
    let detail = format!("{label}: margin removed{was}; {changed} prices changed");
    audit::record(db, admin, audit::REMOVED_MARGIN, &subject(scope), &detail).await?;
    Ok(changed)
}
