//! Equivalent plans for failover: another provider's plan covering at least the same countries
//! with at least the data and at least the validity, ranked by the offer's routing rule.

use super::rank::{rank, Candidate};
use super::{health, load_rules};
use crate::catalogue::sql::ON_SALE;
use crate::Db;
use anyhow::Context;
use sqlx::Row;
use std::collections::HashSet;

/// A plan to fail over to, and why it was picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailoverPlan {
    pub candidate: Candidate,
    pub reason: String,
}

/// Plans equivalent to `plan_id` from providers not in `exclude`, best first.
pub async fn equivalent_plans(
    db: &Db,
    plan_id: &str,
    exclude: &HashSet<String>,
) -> anyhow::Result<Vec<FailoverPlan>> {
    let Some(original) = sqlx::query(
        "SELECT data_mb, validity_days, offer_key, home_country FROM plans WHERE id = $1",
    )
    .bind(plan_id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the plan to replace")?
    else {
        return Ok(Vec::new());
    };
    let data_mb: Option<i64> = original.try_get("data_mb")?;
    let validity: i64 = original.try_get("validity_days")?;
    let offer_key: Option<String> = original.try_get("offer_key")?;
    let country: Option<String> = original.try_get("home_country")?;
    // Every country the original covers must be covered by the replacement.
    let covers_all = "NOT EXISTS (SELECT 1 FROM plan_coverage oc WHERE oc.plan_id = $1 AND NOT EXISTS
           (SELECT 1 FROM plan_coverage cc WHERE cc.plan_id = p.id AND cc.country_code = oc.country_code))";
    // An unlimited plan is replaced only by an unlimited one; any plan by an unlimited one.
    let data_rule = match data_mb {
        Some(_) => "(p.data_mb IS NULL OR p.data_mb >= $3)",
        None => "p.data_mb IS NULL AND $3 = 0",
    };
    let sql = format!(
        "SELECT p.id, p.provider, p.provider_product_id, p.wholesale_minor FROM plans p
         WHERE {ON_SALE} AND p.id <> $1 AND p.validity_days >= $2 AND {data_rule} AND {covers_all}"
    );
    let rows = sqlx::query(&sql)
        .bind(plan_id)
        .bind(validity)
        .bind(data_mb.unwrap_or(0))
        .fetch_all(db.pool())
        .await
        .context("Failed to find equivalent plans")?;
    let mut candidates = Vec::new();
    for row in rows {
        let candidate = Candidate {
            plan_id: row.try_get("id")?,
            provider: row.try_get("provider")?,
            product_id: row.try_get("provider_product_id")?,
            wholesale_minor: row.try_get("wholesale_minor")?,
        };
        if !exclude.contains(&candidate.provider) {
            candidates.push(candidate);
        }
    }
    // One plan per provider: its cheapest equivalent.
    candidates.sort_by_key(|c| c.wholesale_minor);
    let mut seen = HashSet::new();
    candidates.retain(|c| seen.insert(c.provider.clone()));
    let rules = load_rules(db).await?;
    let rule = offer_key
        .as_deref()
        .and_then(|key| rules.for_offer(key, country.as_deref()));
    let ranking = rank(candidates, rule.as_ref(), &health::unhealthy(db).await?);
    Ok(ranking
        .ranked
        .into_iter()
        .map(|candidate| FailoverPlan {
            candidate,
            reason: ranking.reason.clone(),
        })
        .collect())
}
