//! The catalogue as the admin panel shapes it: countries and plans taken off sale or put back,
//! and the destinations the home page features. Every change is audited and shows on the
//! traveller's pages at once (plans are relisted, the read cache dropped).

use super::{audit, Admin};
use crate::catalogue::sql::ADVERTISED_BYTES;
use crate::pricing::{Margins, PlanKey, PricingPolicy};
use crate::{routing, Db};
use anyhow::Context;
use domain::admin::catalogue::{
    CatalogueCountry, CatalogueCountryDetail, CatalogueOffer, CatalogueOverview, CataloguePlan,
    MAX_FEATURED,
};
use domain::data::format_bytes;
use domain::pricing::MarginScope;
use domain::{Currency, Money};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;

/// Why a catalogue change was refused.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("There is no country with that code.")]
    UnknownCountry,
    #[error("There is no plan with that id.")]
    UnknownPlan,
    #[error(
        "The featured position must be between 1 and {MAX_FEATURED}, or empty to stop featuring."
    )]
    BadPosition,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

const COUNTRY_COLUMNS: &str = "c.code, c.name, c.slug, r.name AS region_name,
    CAST(CASE WHEN c.enabled THEN 1 ELSE 0 END AS BIGINT) AS enabled, c.popularity,
    (SELECT COUNT(DISTINCT p.offer_key) FROM plans p WHERE p.home_country = c.code AND p.active = TRUE) AS offers,
    (SELECT MIN(p.retail_minor) FROM plans p WHERE p.home_country = c.code AND p.listed = TRUE) AS from_minor,
    (SELECT MIN(p.currency) FROM plans p WHERE p.home_country = c.code AND p.listed = TRUE) AS currency";
const COUNTRY_JOINS: &str = "FROM countries c JOIN regions r ON r.slug = c.region_slug";

/// `/admin/catalogue`: countries matching `query` (name or code; empty: every country with
/// plans, and any disabled or featured one), and the featured destinations in order.
pub async fn overview(
    db: &Db,
    policy: PricingPolicy,
    query: &str,
) -> anyhow::Result<CatalogueOverview> {
    let margins = Margins::load(db, policy).await?;
    let query = query.trim();
    let rows = sqlx::query(&format!(
        "SELECT {COUNTRY_COLUMNS} {COUNTRY_JOINS}
         WHERE LOWER(c.name) LIKE $1 OR c.code = $2 OR LOWER(c.slug) LIKE $1
         ORDER BY c.name"
    ))
    .bind(format!("%{}%", query.to_lowercase()))
    .bind(query.to_uppercase())
    .fetch_all(db.pool())
    .await
    .context("Failed to load the catalogue's countries")?;
    let ranks = featured_codes(db).await?;
    let mut countries = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut country = country(row, &margins)?;
        country.featured = rank_of(&ranks, &country.code);
        // Without a search, only what the shop sells or the admin changed.
        if !query.is_empty() || country.offers > 0 || !country.enabled || country.featured.is_some()
        {
            countries.push(country);
        }
    }
    let featured = featured_countries(db, &margins, &ranks).await?;
    Ok(CatalogueOverview {
        countries,
        featured,
    })
}

async fn featured_countries(
    db: &Db,
    margins: &Margins,
    ranks: &[String],
) -> anyhow::Result<Vec<CatalogueCountry>> {
    let rows = sqlx::query(&format!(
        "SELECT {COUNTRY_COLUMNS} {COUNTRY_JOINS} WHERE c.popularity IS NOT NULL"
    ))
    .fetch_all(db.pool())
    .await
    .context("Failed to load the featured countries")?;
    let mut featured = Vec::new();
    for row in &rows {
        let mut country = country(row, margins)?;
        country.featured = rank_of(ranks, &country.code);
        featured.push(country);
    }
    featured.sort_by_key(|c| c.featured);
    Ok(featured)
}

fn country(row: &AnyRow, margins: &Margins) -> anyhow::Result<CatalogueCountry> {
    let code: String = row.try_get("code")?;
    let from_price = match (
        row.try_get::<Option<i64>, _>("from_minor")?,
        row.try_get::<Option<String>, _>("currency")?,
    ) {
        (Some(minor), Some(currency)) => Some(Money::new(
            minor,
            Currency::parse(&currency).context("A plan's currency is invalid")?,
        )),
        _ => None,
    };
    Ok(CatalogueCountry {
        margin: margins.get(&MarginScope::Country(code.clone())),
        code,
        name: row.try_get("name")?,
        slug: row.try_get("slug")?,
        region_name: row.try_get("region_name")?,
        // sqlx's Any driver cannot decode SQLite booleans, so the flag is read as an integer.
        enabled: row.try_get::<i64, _>("enabled")? == 1,
        featured: None,
        offers: row.try_get::<i64, _>("offers")? as u32,
        from_price,
    })
}

/// A country's 1-based place among the featured ones.
fn rank_of(ranks: &[String], code: &str) -> Option<u32> {
    ranks.iter().position(|c| c == code).map(|i| i as u32 + 1)
}

/// Featured country codes, first on the home page first.
async fn featured_codes(db: &Db) -> anyhow::Result<Vec<String>> {
    sqlx::query("SELECT code FROM countries WHERE popularity IS NOT NULL ORDER BY popularity, code")
        .fetch_all(db.pool())
        .await
        .context("Failed to load the featured destinations")?
        .iter()
        .map(|row| row.try_get("code").context("code"))
        .collect()
}

/// `/admin/catalogue/{code}`: the country and every plan sold for it alone, grouped by offer.
pub async fn country_detail(
    db: &Db,
    policy: PricingPolicy,
    code: &str,
) -> anyhow::Result<Option<CatalogueCountryDetail>> {
    let margins = Margins::load(db, policy).await?;
    let Some(row) = sqlx::query(&format!(
        "SELECT {COUNTRY_COLUMNS} {COUNTRY_JOINS} WHERE c.code = $1"
    ))
    .bind(code.trim().to_uppercase())
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the country")?
    else {
        return Ok(None);
    };
    let mut country = country(&row, &margins)?;
    country.featured = rank_of(&featured_codes(db).await?, &country.code);
    let plans = plans_of_country(db, &margins, &country.code).await?;
    let mut offers: BTreeMap<(i64, i64, String), CatalogueOffer> = BTreeMap::new();
    for (plan, data_bytes, validity_days, offer_key) in plans {
        // Smallest data first, unlimited last; then the shortest validity.
        let sort = (
            data_bytes.unwrap_or(i64::MAX),
            validity_days,
            offer_key.clone(),
        );
        offers
            .entry(sort)
            .or_insert_with(|| CatalogueOffer {
                key: offer_key,
                label: offer_label(data_bytes, validity_days),
                plans: Vec::new(),
            })
            .plans
            .push(plan);
    }
    let offers = offers
        .into_values()
        .map(|mut offer| {
            offer
                .plans
                .sort_by_key(|p| (!p.listed, !p.enabled, p.wholesale.minor));
            offer
        })
        .collect();
    Ok(Some(CatalogueCountryDetail { country, offers }))
}

/// "1 GB · 7 days", "Unlimited · 30 days".
pub(crate) fn offer_label(data_bytes: Option<i64>, validity_days: i64) -> String {
    let data = data_bytes.map_or_else(|| "Unlimited".to_owned(), |b| format_bytes(b.max(0) as u64));
    let days = if validity_days == 1 { "day" } else { "days" };
    format!("{data} · {validity_days} {days}")
}

type PlanWithOffer = (CataloguePlan, Option<i64>, i64, String);

async fn plans_of_country(
    db: &Db,
    margins: &Margins,
    code: &str,
) -> anyhow::Result<Vec<PlanWithOffer>> {
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.provider, p.provider_product_id, p.wholesale_minor, p.retail_minor, p.currency,
           p.home_country, {ADVERTISED_BYTES} AS data_bytes, p.validity_days,
           COALESCE(p.offer_key, p.id) AS offer_key,
           CAST(CASE WHEN p.listed THEN 1 ELSE 0 END AS BIGINT) AS listed,
           CAST(CASE WHEN p.enabled THEN 1 ELSE 0 END AS BIGINT) AS enabled
         FROM plans p WHERE p.home_country = $1 AND p.active = TRUE"
    ))
    .bind(code)
    .fetch_all(db.pool())
    .await
    .context("Failed to load the country's plans")?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let provider: String = row.try_get("provider")?;
            let currency = Currency::parse(&row.try_get::<String, _>("currency")?)
                .with_context(|| format!("Plan {id} has an invalid currency"))?;
            let (margin, margin_scope) = margins.for_plan(PlanKey {
                id: &id,
                provider: &provider,
                home_country: Some(code),
            });
            Ok((
                CataloguePlan {
                    product_id: row.try_get("provider_product_id")?,
                    wholesale: Money::new(row.try_get("wholesale_minor")?, currency),
                    retail: Money::new(row.try_get("retail_minor")?, currency),
                    margin,
                    margin_scope,
                    listed: row.try_get::<i64, _>("listed")? == 1,
                    enabled: row.try_get::<i64, _>("enabled")? == 1,
                    id,
                    provider,
                },
                row.try_get("data_bytes")?,
                row.try_get("validity_days")?,
                row.try_get("offer_key")?,
            ))
        })
        .collect()
}

/// Puts a country on sale or takes it off: its page, search entry and single-country plans.
pub async fn set_country_enabled(
    db: &Db,
    admin: &Admin,
    code: &str,
    enabled: bool,
) -> Result<(), CatalogueError> {
    let code = code.trim().to_uppercase();
    let Some(name) = country_name(db, &code).await? else {
        return Err(CatalogueError::UnknownCountry);
    };
    sqlx::query("UPDATE countries SET enabled = $1 WHERE code = $2")
        .bind(enabled)
        .bind(&code)
        .execute(db.pool())
        .await
        .context("Failed to change the country")?;
    routing::relist(db).await?;
    // The destination list filters countries itself, so it changes even when no plan did.
    db.cache().invalidate();
    let action = if enabled {
        audit::ENABLED_COUNTRY
    } else {
        audit::DISABLED_COUNTRY
    };
    audit::record(db, admin, action, &code, &name).await?;
    Ok(())
}

/// Puts one provider's plan on sale or takes it off; another provider's plan may then serve
/// its offer.
pub async fn set_plan_enabled(
    db: &Db,
    admin: &Admin,
    plan_id: &str,
    enabled: bool,
) -> Result<(), CatalogueError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT p.provider, p.provider_product_id, {ADVERTISED_BYTES} AS data_bytes, p.validity_days,
           COALESCE(c.name, p.name) AS place
         FROM plans p LEFT JOIN countries c ON c.code = p.home_country WHERE p.id = $1"
    ))
    .bind(plan_id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the plan")?
    else {
        return Err(CatalogueError::UnknownPlan);
    };
    sqlx::query("UPDATE plans SET enabled = $1 WHERE id = $2")
        .bind(enabled)
        .bind(plan_id)
        .execute(db.pool())
        .await
        .context("Failed to change the plan")?;
    routing::relist(db).await?;
    db.cache().invalidate();
    let describe = || -> Result<String, sqlx::Error> {
        Ok(format!(
            "{} · {} ({} {})",
            row.try_get::<String, _>("place")?,
            offer_label(row.try_get("data_bytes")?, row.try_get("validity_days")?),
            row.try_get::<String, _>("provider")?,
            row.try_get::<String, _>("provider_product_id")?,
        ))
    };
    let detail = describe().context("Failed to read the plan")?;
    let action = if enabled {
        audit::ENABLED_PLAN
    } else {
        audit::DISABLED_PLAN
    };
    audit::record(db, admin, action, plan_id, &detail).await?;
    Ok(())
}

/// Features a country at `position` (1 = first on the home page), moving the others down, or
/// stops featuring it (`None`). At most [`MAX_FEATURED`] stay featured.
pub async fn set_featured(
    db: &Db,
    admin: &Admin,
    code: &str,
    position: Option<u32>,
) -> Result<(), CatalogueError> {
    let code = code.trim().to_uppercase();
    let Some(name) = country_name(db, &code).await? else {
        return Err(CatalogueError::UnknownCountry);
    };
    if position.is_some_and(|p| p == 0 || p > MAX_FEATURED) {
        return Err(CatalogueError::BadPosition);
    }
    let mut order: Vec<String> = featured_codes(db)
        .await?
        .into_iter()
        .filter(|c| *c != code)
        .collect();
    if let Some(position) = position {
        let at = (position as usize - 1).min(order.len());
        order.insert(at, code.clone());
    }
    order.truncate(MAX_FEATURED as usize);
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to begin changing the featured destinations")?;
    sqlx::query("UPDATE countries SET popularity = NULL WHERE popularity IS NOT NULL")
        .execute(&mut *tx)
        .await
        .context("Failed to clear the featured destinations")?;
    for (rank, featured) in order.iter().enumerate() {
        sqlx::query("UPDATE countries SET popularity = $1 WHERE code = $2")
            .bind(rank as i64)
            .bind(featured)
            .execute(&mut *tx)
            .await
            .context("Failed to feature a destination")?;
    }
    tx.commit()
        .await
        .context("Failed to commit the featured destinations")?;
    let detail = match position {
        Some(p) => format!(
            "{name} featured at position {}",
            (p as usize).min(order.len())
        ),
        None => format!("{name} no longer featured"),
    };
    audit::record(db, admin, audit::CHANGED_FEATURED, &code, &detail).await?;
    Ok(())
}

async fn country_name(db: &Db, code: &str) -> anyhow::Result<Option<String>> {
    sqlx::query("SELECT name FROM countries WHERE code = $1")
        .bind(code)
        .fetch_optional(db.pool())
        .await
        .context("Failed to look up the country")?
        .map(|row| row.try_get("name").context("name"))
        .transpose()
}

/// What the margin of `scope` is called on the admin's pages.
pub(crate) async fn scope_label(db: &Db, scope: &MarginScope) -> anyhow::Result<Option<String>> {
    Ok(match scope {
        MarginScope::Global => Some("Every plan (global)".to_owned()),
        MarginScope::Provider(id) => Some(format!("Provider {id}")),
        MarginScope::Country(code) => country_name(db, code)
            .await?
            .map(|name| format!("{name} ({code})")),
        MarginScope::Plan(id) => plan_label(db, id).await?,
    })
}

async fn plan_label(db: &Db, plan_id: &str) -> anyhow::Result<Option<String>> {
    let Some(row) = sqlx::query(&format!(
        "SELECT p.provider, {ADVERTISED_BYTES} AS data_bytes, p.validity_days,
           COALESCE(c.name, r.name, p.name) AS place
         FROM plans p LEFT JOIN countries c ON c.code = p.home_country
           LEFT JOIN regions r ON r.slug = p.region_slug
         WHERE p.id = $1"
    ))
    .bind(plan_id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the plan")?
    else {
        return Ok(None);
    };
    Ok(Some(format!(
        "{} · {} ({})",
        row.try_get::<String, _>("place")?,
        offer_label(row.try_get("data_bytes")?, row.try_get("validity_days")?),
        row.try_get::<String, _>("provider")?
    )))
}
