//! Recomputes every plan's retail price after the margins changed.

use super::{Margins, PlanKey, PricingPolicy};
use crate::clock::now_millis;
use crate::Db;
use anyhow::Context;
use domain::{Currency, Money};
use sqlx::Row;

/// Writes the retail price the current margins give to every plan on sale; answers how many
/// changed. Travellers see the new prices at once (the catalogue's read cache is dropped); orders
/// already started keep the price they were started at.
pub async fn reprice(db: &Db, policy: PricingPolicy) -> anyhow::Result<usize> {
    let _one_writer = db.pricing().await;
    let margins = Margins::load(db, policy).await?;
    let rows = sqlx::query(
        "SELECT id, provider, home_country, wholesale_minor, retail_minor, currency
         FROM plans WHERE active = TRUE",
    )
    .fetch_all(db.pool())
    .await
    .context("Failed to load plans to reprice")?;
    let mut changes = Vec::new();
    for row in &rows {
        let id: String = row.try_get("id")?;
        let provider: String = row.try_get("provider")?;
        let home_country: Option<String> = row.try_get("home_country")?;
        let currency = Currency::parse(&row.try_get::<String, _>("currency")?)
            .with_context(|| format!("Plan {id} has an invalid currency"))?;
        let wholesale = Money::new(row.try_get("wholesale_minor")?, currency);
        let key = PlanKey {
            id: &id,
            provider: &provider,
            home_country: home_country.as_deref(),
        };
        let retail = margins.retail(key, wholesale).minor;
        if retail != row.try_get::<i64, _>("retail_minor")? {
            changes.push((id, retail));
        }
    }
    if changes.is_empty() {
        return Ok(0);
    }
    let now = now_millis();
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to begin repricing")?;
    for (id, retail) in &changes {
        sqlx::query("UPDATE plans SET retail_minor = $1, updated_at = $2 WHERE id = $3")
            .bind(retail)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("Failed to reprice a plan")?;
    }
    tx.commit().await.context("Failed to commit new prices")?;
    db.cache().invalidate();
    tracing::info!(
        changed = changes.len(),
        "repriced plans after a margin change"
    );
    Ok(changes.len())
}
