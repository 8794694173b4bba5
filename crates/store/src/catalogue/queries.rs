//! Catalogue reads for the shop's pages, returning the domain's view types.

use anyhow::Context;
use domain::{
    CountryCode, CountryPage, CountryRef, CountrySummary, Currency, DataAllowance,
    DestinationIndexEntry, Money, Network, PlanDetail, PlanSort, PlanSummary, RegionDetail,
    RegionSummary,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::Db;

/// eSIMfx asks travellers to activate within 60 days of purchase (seed 004 §5).
const ACTIVATION_WINDOW_DAYS: u32 = 60;

/// `data_bytes` is the advertised size, as in [`super::sql::ADVERTISED_BYTES`] (a const cannot
/// be spliced into another const string).
const PLAN_COLUMNS: &str = "p.id, p.provider, COALESCE(p.data_mb * 1048576, p.data_bytes) AS data_bytes,
    p.validity_days, p.retail_minor, p.currency, p.networks, p.coverage_count, p.topup_class, p.home_country,
    p.region_slug, hc.name AS home_name, hc.slug AS home_slug, r.name AS region_name";
const PLAN_JOINS: &str = super::sql::PLACE_JOINS;

/// Every destination with at least one plan, plus the regions, for instant search.
pub async fn destination_index(db: &Db) -> anyhow::Result<Vec<DestinationIndexEntry>> {
    let mut entries: Vec<DestinationIndexEntry> = country_summaries(db)
        .await?
        .iter()
        .cloned()
        .map(|(summary, aliases)| DestinationIndexEntry {
            flag: Some(summary.country.code.flag()),
            name: summary.country.name,
            aliases,
            href: format!("/esim/{}", summary.country.slug),
            is_region: false,
            from_price: summary.from_price,
        })
        .collect();
    entries.extend(
        regions(db)
            .await?
            .into_iter()
            .map(|region| DestinationIndexEntry {
                aliases: vec![],
                href: format!("/esim/region/{}", region.slug),
                name: region.name,
                flag: None,
                is_region: true,
                from_price: region.from_price,
            }),
    );
    Ok(entries)
}

/// The featured destinations, most popular first.
pub async fn popular_countries(db: &Db, limit: usize) -> anyhow::Result<Vec<CountrySummary>> {
    let mut popular: Vec<(i64, CountrySummary)> = Vec::new();
    let rows = sqlx::query("SELECT code, popularity FROM countries WHERE popularity IS NOT NULL")
        .fetch_all(db.pool())
        .await
        .context("Failed to load popular countries")?;
    let ranks: std::collections::HashMap<String, i64> = rows
        .iter()
        .filter_map(|r| Some((r.try_get("code").ok()?, r.try_get("popularity").ok()?)))
        .collect();
    for (summary, _) in country_summaries(db).await?.iter().cloned() {
        if let Some(rank) = ranks.get(summary.country.code.as_str()) {
            popular.push((*rank, summary));
        }
    }
    popular.sort_by_key(|(rank, _)| *rank);
    Ok(popular.into_iter().take(limit).map(|(_, s)| s).collect())
}

/// Every destination country with its summary and aliases.
pub(super) type CountryRows = Vec<(CountrySummary, Vec<String>)>;

/// Countries that have plans, with their cheapest price and aliases (cached until the catalogue changes).
async fn country_summaries(db: &Db) -> anyhow::Result<std::sync::Arc<CountryRows>> {
    db.cache().countries(load_country_summaries(db)).await
}

async fn load_country_summaries(db: &Db) -> anyhow::Result<CountryRows> {
    let sql = "SELECT c.code, c.slug, c.name, c.aliases, c.region_slug, r.name AS region_name,
                MIN(p.retail_minor) AS from_minor, MIN(p.currency) AS currency, COUNT(p.id) AS plan_count
         FROM countries c
         JOIN regions r ON r.slug = c.region_slug
         JOIN plan_coverage pc ON pc.country_code = c.code
         JOIN plans p ON p.id = pc.plan_id AND p.listed = TRUE
         WHERE c.enabled = TRUE
         GROUP BY c.code, c.slug, c.name, c.aliases, c.region_slug, r.name
         ORDER BY c.name";
    let rows = sqlx::query(sql)
        .fetch_all(db.pool())
        .await
        .context("Failed to load countries")?;
    rows.iter()
        .map(|row| {
            let aliases = row
                .try_get::<String, _>("aliases")?
                .split('|')
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect();
            Ok((
                CountrySummary {
                    country: country_ref(row, "code", "slug", "name")?,
                    region_slug: row.try_get("region_slug")?,
                    region_name: row.try_get("region_name")?,
                    from_price: money(row.try_get("from_minor")?, row.try_get("currency")?)?,
                    plan_count: row.try_get::<i64, _>("plan_count")? as u32,
                },
                aliases,
            ))
        })
        .collect()
}

/// Regions that have plans, in their display order (cached until the catalogue changes).
pub async fn regions(db: &Db) -> anyhow::Result<Vec<RegionSummary>> {
    Ok(db.cache().regions(load_regions(db)).await?.as_ref().clone())
}

async fn load_regions(db: &Db) -> anyhow::Result<Vec<RegionSummary>> {
    let rows = sqlx::query(
        "SELECT r.slug, r.name, COUNT(p.id) AS plan_count, MIN(p.retail_minor) AS from_minor, MIN(p.currency) AS currency,
                (SELECT COUNT(DISTINCT pc.country_code) FROM plan_coverage pc JOIN plans p2 ON p2.id = pc.plan_id
                  WHERE p2.region_slug = r.slug AND p2.listed = TRUE) AS country_count
         FROM regions r JOIN plans p ON p.region_slug = r.slug AND p.listed = TRUE
         GROUP BY r.slug, r.name, r.sort_order
         ORDER BY r.sort_order",
    )
    .fetch_all(db.pool())
    .await
    .context("Failed to load regions")?;
    rows.iter().map(region_summary).collect()
}

fn region_summary(row: &AnyRow) -> anyhow::Result<RegionSummary> {
    Ok(RegionSummary {
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        country_count: row.try_get::<i64, _>("country_count")? as u32,
        plan_count: row.try_get::<i64, _>("plan_count")? as u32,
        from_price: money(row.try_get("from_minor")?, row.try_get("currency")?)?,
    })
}

/// `/esim/{slug}`: the country's own plans and the multi-country plans that include it.
pub async fn country_page(
    db: &Db,
    slug: &str,
    sort: PlanSort,
) -> anyhow::Result<Option<CountryPage>> {
    let page = db
        .cache()
        .country_pages
        .get_or_load(
            db.cache(),
            (slug.to_owned(), sort),
            load_country_page(db, slug, sort),
        )
        .await?;
    Ok(page.map(|page| page.as_ref().clone()))
}

/// The country page as the database has it.
async fn load_country_page(
    db: &Db,
    slug: &str,
    sort: PlanSort,
) -> anyhow::Result<Option<CountryPage>> {
    let Some(code) = sqlx::query("SELECT code FROM countries WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db.pool())
        .await
        .context("Failed to look up the country")?
        .map(|row| row.try_get::<String, _>("code"))
        .transpose()?
    else {
        return Ok(None);
    };
    let code = CountryCode::parse(&code)?;
    let Some(summary) = country_summaries(db)
        .await?
        .iter()
        .find(|(s, _)| s.country.code == code)
        .map(|(s, _)| s.clone())
    else {
        // A known country that no active plan covers is not a destination (yet).
        return Ok(None);
    };
    let sql = format!(
        "SELECT {PLAN_COLUMNS} FROM plans p JOIN plan_coverage pc ON pc.plan_id = p.id {PLAN_JOINS}
         WHERE pc.country_code = $1 AND p.listed = TRUE"
    );
    let rows = sqlx::query(&sql)
        .bind(code.as_str())
        .fetch_all(db.pool())
        .await
        .context("Failed to load the country's plans")?;
    let country = summary.country.code;
    let (mut local_plans, mut regional_plans) = (Vec::new(), Vec::new());
    for row in &rows {
        let mut plan = plan_summary(row)?;
        plan.networks
            .retain(|n| n.country.is_none_or(|c| c == country));
        if row.try_get::<Option<String>, _>("home_country")?.is_some() {
            local_plans.push(plan);
        } else {
            regional_plans.push(plan);
        }
    }
    sort.sort(&mut local_plans);
    sort.sort(&mut regional_plans);
    Ok(Some(CountryPage {
        summary,
        local_plans,
        regional_plans,
    }))
}

/// `/esim/region/{slug}`: the region's plans and every country they cover.
pub async fn region_page(
    db: &Db,
    slug: &str,
    sort: PlanSort,
) -> anyhow::Result<Option<RegionDetail>> {
    let page = db
        .cache()
        .region_pages
        .get_or_load(
            db.cache(),
            (slug.to_owned(), sort),
            load_region_page(db, slug, sort),
        )
        .await?;
    Ok(page.map(|page| page.as_ref().clone()))
}

/// The region page as the database has it.
async fn load_region_page(
    db: &Db,
    slug: &str,
    sort: PlanSort,
) -> anyhow::Result<Option<RegionDetail>> {
    let Some(summary) = regions(db).await?.into_iter().find(|r| r.slug == slug) else {
        return Ok(None);
    };
    let sql = format!("SELECT {PLAN_COLUMNS} FROM plans p {PLAN_JOINS} WHERE p.region_slug = $1 AND p.listed = TRUE");
    let rows = sqlx::query(&sql)
        .bind(slug)
        .fetch_all(db.pool())
        .await
        .context("Failed to load the region's plans")?;
    let mut plans = rows
        .iter()
        .map(plan_summary)
        .collect::<anyhow::Result<Vec<_>>>()?;
    sort.sort(&mut plans);
    let countries = sqlx::query(
        "SELECT DISTINCT c.code, c.slug, c.name FROM countries c
         JOIN plan_coverage pc ON pc.country_code = c.code JOIN plans p ON p.id = pc.plan_id
         WHERE p.region_slug = $1 AND p.listed = TRUE AND c.enabled = TRUE ORDER BY c.name",
    )
    .bind(slug)
    .fetch_all(db.pool())
    .await
    .context("Failed to load the region's countries")?
    .iter()
    .map(|row| country_ref(row, "code", "slug", "name"))
    .collect::<anyhow::Result<_>>()?;
    Ok(Some(RegionDetail {
        summary,
        plans,
        countries,
    }))
}

/// `/plan/{id}`: one plan with its full coverage.
pub async fn plan_detail(db: &Db, id: &str) -> anyhow::Result<Option<PlanDetail>> {
    let page = db
        .cache()
        .plans
        .get_or_load(db.cache(), id.to_owned(), load_plan_detail(db, id))
        .await?;
    Ok(page.map(|page| page.as_ref().clone()))
}

/// The plan as the database has it.
async fn load_plan_detail(db: &Db, id: &str) -> anyhow::Result<Option<PlanDetail>> {
    let sql = format!(
        "SELECT {PLAN_COLUMNS} FROM plans p {PLAN_JOINS} WHERE p.listed = TRUE AND (p.id = $1 OR p.offer_key = (SELECT o.offer_key FROM plans o WHERE o.id = $1))
         ORDER BY CASE WHEN p.id = $1 THEN 0 ELSE 1 END LIMIT 1"
    );
    let Some(row) = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .context("Failed to load the plan")?
    else {
        return Ok(None);
    };
    let plan = plan_summary(&row)?;
    let coverage = sqlx::query(
        "SELECT c.code, c.slug, c.name FROM plan_coverage pc JOIN countries c ON c.code = pc.country_code
         WHERE pc.plan_id = $1 ORDER BY c.name",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await
    .context("Failed to load the plan's coverage")?
    .iter()
    .map(|row| country_ref(row, "code", "slug", "name"))
    .collect::<anyhow::Result<Vec<_>>>()?;
    let region = match row.try_get::<Option<String>, _>("region_slug")? {
        Some(slug) => regions(db).await?.into_iter().find(|r| r.slug == slug),
        None => None,
    };
    let home_country = match row.try_get::<Option<String>, _>("home_country")? {
        Some(_) => Some(country_ref(&row, "home_country", "home_slug", "home_name")?),
        None => None,
    };
    // Top-ups need a compatibility class; eSIMfx lists compatible add-ons by it.
    let topups_available = row.try_get::<Option<String>, _>("topup_class")?.is_some();
    Ok(Some(PlanDetail {
        plan,
        coverage,
        region,
        home_country,
        topups_available,
        activation_window_days: ACTIVATION_WINDOW_DAYS,
    }))
}

/// How many plans are on sale.
pub async fn active_plan_count(db: &Db) -> anyhow::Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS plans FROM plans WHERE listed = TRUE")
        .fetch_one(db.pool())
        .await
        .context("Failed to count plans")?;
    Ok(row.try_get("plans")?)
}

/// What `/sitemap.xml` lists.
#[derive(Debug, Default)]
pub struct Sitemap {
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub plans: Vec<String>,
}

pub async fn sitemap(db: &Db) -> anyhow::Result<Sitemap> {
    let countries = country_summaries(db)
        .await?
        .iter()
        .map(|(s, _)| s.country.slug.clone())
        .collect();
    let regions = regions(db).await?.into_iter().map(|r| r.slug).collect();
    let plans = sqlx::query("SELECT id FROM plans WHERE listed = TRUE ORDER BY id")
        .fetch_all(db.pool())
        .await
        .context("Failed to list plans")?
        .iter()
        .map(|row| row.try_get::<String, _>("id"))
        .collect::<Result<_, _>>()?;
    Ok(Sitemap {
        countries,
        regions,
        plans,
    })
}

fn plan_summary(row: &AnyRow) -> anyhow::Result<PlanSummary> {
    let id: String = row.try_get("id")?;
    let data = match row.try_get::<Option<i64>, _>("data_bytes")? {
        Some(bytes) => DataAllowance::Limited {
            bytes: bytes as u64,
        },
        None => DataAllowance::Unlimited,
    };
    let validity_days = row.try_get::<i64, _>("validity_days")? as u32;
    let price = money(
        Some(row.try_get("retail_minor")?),
        Some(row.try_get("currency")?),
    )?
    .context("a plan without a price")?;
    let networks: Vec<Network> = serde_json::from_str(&row.try_get::<String, _>("networks")?)
        .with_context(|| format!("plan {id} has unreadable networks"))?;
    let coverage_label = match (
        row.try_get::<Option<String>, _>("home_name")?,
        row.try_get::<Option<String>, _>("region_name")?,
    ) {
        (Some(country), _) => country,
        (None, Some(region)) => format!(
            "{region} · {} countries",
            row.try_get::<i64, _>("coverage_count")?
        ),
        (None, None) => "Multiple countries".into(),
    };
    let destination = coverage_label
        .split(" · ")
        .next()
        .unwrap_or_default()
        .to_owned();
    Ok(PlanSummary {
        title: format!("{destination} {data} · {validity_days} days"),
        id,
        coverage_label,
        data,
        validity_days,
        price,
        networks,
    })
}

fn country_ref(row: &AnyRow, code: &str, slug: &str, name: &str) -> anyhow::Result<CountryRef> {
    Ok(CountryRef {
        code: CountryCode::parse(&row.try_get::<String, _>(code)?)?,
        slug: row.try_get(slug)?,
        name: row.try_get(name)?,
    })
}

fn money(minor: Option<i64>, currency: Option<String>) -> anyhow::Result<Option<Money>> {
    match (minor, currency) {
        (Some(minor), Some(currency)) => Ok(Some(Money::new(minor, Currency::parse(&currency)?))),
        _ => Ok(None),
    }
}
