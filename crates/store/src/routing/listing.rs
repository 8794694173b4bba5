//! The plan travellers see for each offer, and the route an order takes.

use super::rank::{rank, Candidate, Ranking};
use super::{health, load_rules};
use crate::catalogue::sql::ON_SALE;
use crate::Db;
use anyhow::Context;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

const CANDIDATE_COLUMNS: &str =
    "p.id, p.provider, p.provider_product_id, p.wholesale_minor, p.offer_key, p.home_country,
    CAST(CASE WHEN p.listed THEN 1 ELSE 0 END AS BIGINT) AS listed";

struct Row_ {
    candidate: Candidate,
    offer_key: String,
    country: Option<String>,
    listed: bool,
}

fn read(row: &AnyRow) -> anyhow::Result<Row_> {
    let plan_id: String = row.try_get("id")?;
    Ok(Row_ {
        // A plan not yet keyed by a sync is an offer of its own.
        offer_key: row
            .try_get::<Option<String>, _>("offer_key")?
            .unwrap_or_else(|| plan_id.clone()),
        candidate: Candidate {
            plan_id,
            provider: row.try_get("provider")?,
            product_id: row.try_get("provider_product_id")?,
            wholesale_minor: row.try_get("wholesale_minor")?,
        },
        country: row.try_get("home_country")?,
        // sqlx's Any driver cannot decode SQLite booleans, so the flag is read as an integer.
        listed: row.try_get::<i64, _>("listed")? == 1,
    })
}

/// Re-decides which plan is listed for every offer (after a sync, a rule change, or a provider's
/// health flipping); answers how many plans changed.
pub async fn relist(db: &Db) -> anyhow::Result<usize> {
    // Syncs of several providers finish side by side; each relist must see the last one's result,
    // or two plans of one offer could both stay listed.
    let _one_at_a_time = db.relisting().await;
    let rows = sqlx::query(&format!(
        "SELECT {CANDIDATE_COLUMNS}, CAST(CASE WHEN {ON_SALE} THEN 1 ELSE 0 END AS BIGINT) AS on_sale
         FROM plans p WHERE p.active = TRUE"
    ))
    .fetch_all(db.pool())
    .await
    .context("Failed to load plans for routing")?;
    let rules = load_rules(db).await?;
    let unhealthy = health::unhealthy(db).await?;
    let mut offers: HashMap<String, Vec<Row_>> = HashMap::new();
    let mut listed_now = HashSet::new();
    for row in &rows {
        let on_sale = row.try_get::<i64, _>("on_sale")? == 1;
        let row = read(row)?;
        if row.listed {
            listed_now.insert(row.candidate.plan_id.clone());
        }
        // A plan taken off sale stays in `listed_now` only, so it is delisted below.
        if on_sale {
            offers.entry(row.offer_key.clone()).or_default().push(row);
        }
    }
    let mut chosen = HashSet::new();
    for (key, plans) in offers {
        let country = plans[0].country.clone();
        let rule = rules.for_offer(&key, country.as_deref());
        let ranking = rank(
            plans.into_iter().map(|p| p.candidate).collect(),
            rule.as_ref(),
            &unhealthy,
        );
        if let Some(first) = ranking.ranked.into_iter().next() {
            chosen.insert(first.plan_id);
        }
    }
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to begin relisting")?;
    let mut changed = 0;
    for (id, listed) in chosen
        .difference(&listed_now)
        .map(|id| (id, true))
        .chain(listed_now.difference(&chosen).map(|id| (id, false)))
    {
        sqlx::query("UPDATE plans SET listed = $1 WHERE id = $2")
            .bind(listed)
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("Failed to relist a plan")?;
        changed += 1;
    }
    // Plans no longer sold are never listed.
    let delisted =
        sqlx::query("UPDATE plans SET listed = FALSE WHERE active = FALSE AND listed = TRUE")
            .execute(&mut *tx)
            .await
            .context("Failed to delist inactive plans")?;
    tx.commit().await.context("Failed to commit relisting")?;
    changed += delisted.rows_affected() as usize;
    if changed > 0 {
        db.cache().invalidate();
        tracing::info!(changed, "relisted plans after a routing change");
    }
    Ok(changed)
}

/// How an order for a plan is routed right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub offer_key: String,
    pub country: Option<String>,
    pub ranking: Ranking,
}

impl Route {
    /// The plan that serves.
    pub fn chosen(&self) -> &Candidate {
        &self.ranking.ranked[0]
    }

    /// "esimgo serves esim_1GB_7D_JP_V2 (cheapest healthy provider (no rule)); then: truphone, esimfx"
    pub fn describe(&self) -> String {
        let chosen = self.chosen();
        let rest: Vec<&str> = self.ranking.ranked[1..]
            .iter()
            .map(|c| c.provider.as_str())
            .collect();
        let mut text = format!(
            "Routing: {} serves {} ({})",
            chosen.provider, chosen.product_id, self.ranking.reason
        );
        if !rest.is_empty() {
            text.push_str(&format!("; failover order: {}", rest.join(", ")));
        }
        text
    }
}

/// Routes the offer `plan_id` belongs to; `None` when the plan is not on sale.
pub async fn route_plan(db: &Db, plan_id: &str) -> anyhow::Result<Option<Route>> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {CANDIDATE_COLUMNS} FROM plans p WHERE p.id = $1 AND {ON_SALE}"
    ))
    .bind(plan_id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the plan to route")?
    else {
        return Ok(None);
    };
    let plan = read(&row)?;
    let rows = sqlx::query(&format!(
        "SELECT {CANDIDATE_COLUMNS} FROM plans p WHERE p.offer_key = $1 AND {ON_SALE}"
    ))
    .bind(&plan.offer_key)
    .fetch_all(db.pool())
    .await
    .context("Failed to load the offer's plans")?;
    let candidates = rows
        .iter()
        .map(|row| read(row).map(|r| r.candidate))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let rules = load_rules(db).await?;
    let rule = rules.for_offer(&plan.offer_key, plan.country.as_deref());
    let ranking = rank(candidates, rule.as_ref(), &health::unhealthy(db).await?);
    Ok(Some(Route {
        offer_key: plan.offer_key,
        country: plan.country,
        ranking,
    }))
}
