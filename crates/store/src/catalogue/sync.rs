//! Catalogue sync: fetch a provider's whole catalogue, then apply only what changed, in one transaction.
//!
//! A sync that fails while fetching changes nothing, so the shop keeps its last good catalogue.

use super::plan_id;
use crate::clock::now_millis;
use crate::pricing::{Margins, PlanKey};
use crate::{Db, PricingPolicy};
use anyhow::Context;
use domain::{CountryCode, DataAllowance, Network};
use providers::{EsimProvider, PageCursor, Product, ProviderError};
use serde::Serialize;
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// A provider that pages forever is broken; stop rather than loop.
const MAX_PAGES: usize = 1_000;
/// Transient failures of one page are retried this many times before the sync gives up.
const PAGE_ATTEMPTS: u32 = 4;

/// What one sync changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub fetched: usize,
    pub inserted: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub rejected: usize,
}

/// Why a sync did not complete; the catalogue is unchanged in every case.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("fetching the {provider} catalogue failed")]
    Provider {
        provider: &'static str,
        #[source]
        source: ProviderError,
    },
    #[error("the {provider} catalogue did not stop paging after {pages} pages")]
    EndlessPaging {
        provider: &'static str,
        pages: usize,
    },
    #[error("the {provider} catalogue came back empty; keeping the current one")]
    Empty { provider: &'static str },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Syncs one provider's catalogue into the database and records the attempt.
#[tracing::instrument(skip_all, fields(provider = %provider.id()))]
pub async fn sync_provider(
    db: &Db,
    provider: &dyn EsimProvider,
    pricing: PricingPolicy,
) -> Result<SyncReport, SyncError> {
    let started_at = now_millis();
    let result: Result<SyncReport, SyncError> = async {
        let (products, rejected) = fetch_all(provider).await?;
        let mut report = apply(db, provider.id().as_str(), &products, pricing).await?;
        if report.inserted + report.updated + report.deactivated > 0 {
            db.cache().invalidate();
            // Another provider may now be cheaper for some offers, or the only one left.
            crate::routing::relist(db).await?;
        }
        report.rejected += rejected;
        Ok(report)
    }
    .await;
    let error = result
        .as_ref()
        .err()
        .map(|e| error_chain(e as &dyn std::error::Error));
    record(
        db,
        provider.id().as_str(),
        started_at,
        result.as_ref().ok(),
        error.as_deref(),
    )
    .await?;
    match &result {
        Ok(report) => tracing::info!(?report, "catalogue sync finished"),
        Err(e) => {
            tracing::warn!(error = ?error, "catalogue sync failed; keeping the last good catalogue: {e}")
        }
    }
    result
}

/// "outer: cause: root cause", for the sync log and the admin.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

async fn fetch_all(provider: &dyn EsimProvider) -> Result<(Vec<Product>, usize), SyncError> {
    let name = provider.id().as_str();
    let mut products = Vec::new();
    let mut rejected = 0;
    let mut cursor: Option<PageCursor> = None;
    let mut seen_cursors = HashSet::new();
    for _ in 0..MAX_PAGES {
        let page = fetch_page(provider, cursor.clone())
            .await
            .map_err(|source| SyncError::Provider {
                provider: name,
                source,
            })?;
        for reason in &page.rejected {
            tracing::warn!(
                provider = name,
                "skipping a product that failed validation: {reason}"
            );
        }
        rejected += page.rejected.len();
        products.extend(page.items);
        match page.next {
            None => {
                if products.is_empty() {
                    return Err(SyncError::Empty { provider: name });
                }
                return Ok((products, rejected));
            }
            Some(next) => {
                // A cursor handed out twice means the provider would page in a circle.
                if !seen_cursors.insert(format!("{next:?}")) {
                    break;
                }
                cursor = Some(next);
            }
        }
    }
    Err(SyncError::EndlessPaging {
        provider: name,
        pages: seen_cursors.len() + 1,
    })
}

async fn fetch_page(
    provider: &dyn EsimProvider,
    cursor: Option<PageCursor>,
) -> Result<providers::Page<Product>, ProviderError> {
    let mut delay = Duration::from_millis(200);
    let mut attempt = 1;
    loop {
        match provider.list_products(cursor.clone()).await {
            Err(e) if e.is_retryable() && attempt < PAGE_ATTEMPTS => {
                let wait = match &e {
                    ProviderError::RateLimited {
                        retry_after: Some(after),
                    } => (*after).min(Duration::from_secs(30)),
                    _ => delay,
                };
                tracing::info!(attempt, "catalogue page failed ({e}); retrying in {wait:?}");
                tokio::time::sleep(wait).await;
                delay *= 2;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Reference data a sync needs to place products: which countries exist, their region and MCCs.
struct Geography {
    countries: HashMap<CountryCode, CountryInfo>,
    region_slugs: Vec<String>,
    mcc_to_country: HashMap<String, CountryCode>,
}

struct CountryInfo {
    slug: String,
    region: String,
}

async fn geography(db: &Db) -> anyhow::Result<Geography> {
    let rows = sqlx::query("SELECT code, slug, region_slug, mccs FROM countries")
        .fetch_all(db.pool())
        .await
        .context("Failed to load countries")?;
    let mut countries = HashMap::new();
    let mut mcc_to_country = HashMap::new();
    for row in rows {
        let code = CountryCode::parse(&row.try_get::<String, _>("code")?)
            .context("A stored country code is invalid")?;
        for mcc in row
            .try_get::<String, _>("mccs")?
            .split('|')
            .filter(|m| !m.is_empty())
        {
            mcc_to_country.entry(mcc.to_owned()).or_insert(code);
        }
        countries.insert(
            code,
            CountryInfo {
                slug: row.try_get("slug")?,
                region: row.try_get("region_slug")?,
            },
        );
    }
    let region_slugs = sqlx::query("SELECT slug FROM regions")
        .fetch_all(db.pool())
        .await
        .context("Failed to load regions")?
        .into_iter()
        .map(|row| row.try_get::<String, _>("slug"))
        .collect::<Result<_, _>>()?;
    Ok(Geography {
        countries,
        region_slugs,
        mcc_to_country,
    })
}

/// A product placed on Tern's map, ready to store.
#[derive(Serialize)]
struct PlacedPlan<'a> {
    name: &'a str,
    coverage: Vec<CountryCode>,
    home_country: Option<CountryCode>,
    region: Option<String>,
    data: DataAllowance,
    validity_days: u32,
    wholesale_minor: i64,
    currency: &'a str,
    topup_class: Option<&'a str>,
    networks: Vec<Network>,
    /// Plans of any provider with the same key are one offer to travellers.
    offer_key: String,
    data_mb: Option<i64>,
}

impl Geography {
    fn place<'a>(&self, product: &'a Product) -> Option<PlacedPlan<'a>> {
        let mut coverage: Vec<CountryCode> = product
            .coverage
            .iter()
            .copied()
            .filter(|c| self.countries.contains_key(c))
            .collect();
        coverage.sort();
        coverage.dedup();
        if coverage.len() < product.coverage.len() {
            tracing::debug!(product = %product.product.0, "coverage names countries Tern does not list");
        }
        let (home_country, region) = match coverage.as_slice() {
            [] => return None,
            [only] => (Some(*only), None),
            many => (None, Some(self.region_of(&product.name, many))),
        };
        let networks = product
            .networks
            .iter()
            .map(|n| Network {
                name: n.name.clone(),
                speed: n.speed.clone().unwrap_or_else(|| "4G".into()),
                country: n
                    .mccmnc
                    .as_deref()
                    .and_then(|m| m.get(..3))
                    .and_then(|mcc| self.mcc_to_country.get(mcc).copied())
                    .or(home_country),
            })
            .collect();
        let data_mb = product
            .data
            .bytes()
            .map(|bytes| product.data_convention.advertised_mb(bytes) as i64);
        let offer_key = offer_key(&coverage, data_mb, product.validity_days);
        Some(PlacedPlan {
            offer_key,
            data_mb,
            name: &product.name,
            coverage,
            home_country,
            region,
            data: product.data,
            validity_days: product.validity_days,
            wholesale_minor: product.wholesale.minor,
            currency: product.wholesale.currency.as_str(),
            topup_class: product.topup_class.as_deref(),
            networks,
        })
    }

    /// The provider's name says the region ("europe_10GB_30Day"); otherwise one shared region, else Global.
    fn region_of(&self, name: &str, coverage: &[CountryCode]) -> String {
        let lower = name.to_ascii_lowercase();
        if let Some(slug) = self
            .region_slugs
            .iter()
            .find(|slug| lower.starts_with(&format!("{}_", slug.replace('-', "_"))))
        {
            return slug.clone();
        }
        let regions: HashSet<&str> = coverage
            .iter()
            .filter_map(|c| self.countries.get(c))
            .map(|c| c.region.as_str())
            .collect();
        match regions.into_iter().collect::<Vec<_>>().as_slice() {
            [one] => (*one).to_owned(),
            _ => "global".to_owned(),
        }
    }

    fn label_slug(&self, plan: &PlacedPlan<'_>) -> String {
        match (&plan.home_country, &plan.region) {
            (Some(code), _) => self
                .countries
                .get(code)
                .map(|c| c.slug.clone())
                .unwrap_or_else(|| code.as_str().to_lowercase()),
            (None, Some(region)) => region.clone(),
            (None, None) => "plan".into(),
        }
    }
}

/// `JP:1024mb:7d`; multi-country plans by a hash of their sorted coverage.
fn offer_key(coverage: &[CountryCode], data_mb: Option<i64>, validity_days: u32) -> String {
    let place = match coverage {
        [only] => only.as_str().to_owned(),
        many => {
            let codes: Vec<&str> = many.iter().map(CountryCode::as_str).collect();
            format!(
                "multi-{:012x}",
                plan_id::fnv1a(codes.join(",").as_bytes()) & 0xffff_ffff_ffff
            )
        }
    };
    let data = data_mb.map_or_else(|| "unlimited".to_owned(), |mb| format!("{mb}mb"));
    format!("{place}:{data}:{validity_days}d")
}

struct Existing {
    id: String,
    content_hash: String,
    retail_minor: i64,
    active: bool,
}

async fn apply(
    db: &Db,
    provider: &'static str,
    products: &[Product],
    pricing: PricingPolicy,
) -> Result<SyncReport, SyncError> {
    let geography = geography(db).await?;
    // Prices written here must come from the margins in force when they are committed.
    let _one_price_writer = db.pricing().await;
    let margins = Margins::load(db, pricing).await?;
    let mut existing: HashMap<String, Existing> = HashMap::new();
    for row in sqlx::query(
        "SELECT id, provider_product_id, content_hash, retail_minor,
           CAST(CASE WHEN active THEN 1 ELSE 0 END AS BIGINT) AS active
         FROM plans WHERE provider = $1",
    )
    .bind(provider)
    .fetch_all(db.pool())
    .await
    .context("Failed to load existing plans")?
    {
        existing.insert(
            row.try_get("provider_product_id")
                .context("provider_product_id")?,
            Existing {
                id: row.try_get("id").context("id")?,
                content_hash: row.try_get("content_hash").context("content_hash")?,
                retail_minor: row.try_get("retail_minor").context("retail_minor")?,
                // sqlx's Any driver cannot decode SQLite booleans, so the flag is read as an integer.
                active: row.try_get::<i64, _>("active").context("active")? == 1,
            },
        );
    }

    let now = now_millis();
    let mut report = SyncReport {
        fetched: products.len(),
        ..SyncReport::default()
    };
    let mut seen = HashSet::new();
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to begin the catalogue transaction")?;
    for product in products {
        let product_id = product.product.0.as_str();
        if !seen.insert(product_id) {
            continue;
        }
        let Some(plan) = geography.place(product) else {
            tracing::warn!(
                product = product_id,
                "skipping a product that covers no country Tern lists"
            );
            report.rejected += 1;
            continue;
        };
        let hash = format!(
            "{:016x}",
            plan_id::fnv1a(&serde_json::to_vec(&plan).context("Failed to hash a plan")?)
        );
        match existing.get(product_id) {
            None => {
                let id = plan_id::generate(
                    &geography.label_slug(&plan),
                    plan.data,
                    plan.validity_days,
                    provider,
                    product_id,
                );
                let retail = retail_of(&margins, &id, provider, &plan, product);
                insert_plan(
                    &mut tx, &id, provider, product_id, &plan, retail, &hash, now,
                )
                .await?;
                report.inserted += 1;
            }
            Some(old) => {
                let retail = retail_of(&margins, &old.id, provider, &plan, product);
                if old.content_hash == hash && old.active && old.retail_minor == retail {
                    continue;
                }
                update_plan(
                    &mut tx,
                    &old.id,
                    &plan,
                    retail,
                    &hash,
                    now,
                    old.content_hash != hash,
                )
                .await?;
                report.updated += 1;
            }
        }
    }
    for (product_id, old) in &existing {
        if old.active && !seen.contains(product_id.as_str()) {
            sqlx::query("UPDATE plans SET active = $1, updated_at = $2 WHERE id = $3")
                .bind(false)
                .bind(now)
                .bind(&old.id)
                .execute(&mut *tx)
                .await
                .context("Failed to deactivate a plan")?;
            report.deactivated += 1;
        }
    }
    tx.commit()
        .await
        .context("Failed to commit the catalogue")?;
    Ok(report)
}

/// The traveller's price for a product about to be stored as plan `id`.
fn retail_of(
    margins: &Margins,
    id: &str,
    provider: &str,
    plan: &PlacedPlan<'_>,
    product: &Product,
) -> i64 {
    let key = PlanKey {
        id,
        provider,
        home_country: plan.home_country.as_ref().map(CountryCode::as_str),
    };
    margins.retail(key, product.wholesale).minor
}

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

#[expect(clippy::too_many_arguments)]
async fn insert_plan(
    tx: &mut Tx<'_>,
    id: &str,
    provider: &str,
    product_id: &str,
    plan: &PlacedPlan<'_>,
    retail: i64,
    hash: &str,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO plans (id, provider, provider_product_id, name, home_country, region_slug, coverage_count,
           data_bytes, validity_days, currency, wholesale_minor, retail_minor, topup_class, networks, content_hash,
           active, created_at, updated_at, offer_key, data_mb)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19)",
    )
    .bind(id)
    .bind(provider)
    .bind(product_id)
    .bind(plan.name)
    .bind(plan.home_country.map(|c| c.as_str().to_owned()))
    .bind(plan.region.clone())
    .bind(plan.coverage.len() as i64)
    .bind(plan.data.bytes().map(|b| b as i64))
    .bind(i64::from(plan.validity_days))
    .bind(plan.currency)
    .bind(plan.wholesale_minor)
    .bind(retail)
    .bind(plan.topup_class)
    .bind(serde_json::to_string(&plan.networks).context("Failed to encode networks")?)
    .bind(hash)
    .bind(true)
    .bind(now)
    .bind(&plan.offer_key)
    .bind(plan.data_mb)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("Failed to insert plan {id}"))?;
    insert_coverage(tx, id, &plan.coverage).await
}

async fn update_plan(
    tx: &mut Tx<'_>,
    id: &str,
    plan: &PlacedPlan<'_>,
    retail: i64,
    hash: &str,
    now: i64,
    content_changed: bool,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE plans SET name = $1, home_country = $2, region_slug = $3, coverage_count = $4, data_bytes = $5,
           validity_days = $6, currency = $7, wholesale_minor = $8, retail_minor = $9, topup_class = $10,
           networks = $11, content_hash = $12, active = $13, updated_at = $14, offer_key = $16, data_mb = $17
         WHERE id = $15",
    )
    .bind(plan.name)
    .bind(plan.home_country.map(|c| c.as_str().to_owned()))
    .bind(plan.region.clone())
    .bind(plan.coverage.len() as i64)
    .bind(plan.data.bytes().map(|b| b as i64))
    .bind(i64::from(plan.validity_days))
    .bind(plan.currency)
    .bind(plan.wholesale_minor)
    .bind(retail)
    .bind(plan.topup_class)
    .bind(serde_json::to_string(&plan.networks).context("Failed to encode networks")?)
    .bind(hash)
    .bind(true)
    .bind(now)
    .bind(id)
    .bind(&plan.offer_key)
    .bind(plan.data_mb)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("Failed to update plan {id}"))?;
    if content_changed {
        sqlx::query("DELETE FROM plan_coverage WHERE plan_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await
            .context("Failed to clear coverage")?;
        insert_coverage(tx, id, &plan.coverage).await?;
    }
    Ok(())
}

async fn insert_coverage(
    tx: &mut Tx<'_>,
    plan_id: &str,
    coverage: &[CountryCode],
) -> anyhow::Result<()> {
    for code in coverage {
        sqlx::query("INSERT INTO plan_coverage (plan_id, country_code) VALUES ($1, $2)")
            .bind(plan_id)
            .bind(code.as_str())
            .execute(&mut **tx)
            .await
            .with_context(|| format!("Failed to insert coverage {code} for {plan_id}"))?;
    }
    Ok(())
}

async fn record(
    db: &Db,
    provider: &str,
    started_at: i64,
    report: Option<&SyncReport>,
    error: Option<&str>,
) -> anyhow::Result<()> {
    let report = report.cloned().unwrap_or_default();
    sqlx::query(
        "INSERT INTO catalogue_syncs (id, provider, started_at, finished_at, succeeded, fetched, inserted, updated,
           deactivated, rejected, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(provider)
    .bind(started_at)
    .bind(now_millis())
    .bind(error.is_none())
    .bind(report.fetched as i64)
    .bind(report.inserted as i64)
    .bind(report.updated as i64)
    .bind(report.deactivated as i64)
    .bind(report.rejected as i64)
    .bind(error)
    .execute(db.pool())
    .await
    .context("Failed to record the catalogue sync")?;
    Ok(())
}
