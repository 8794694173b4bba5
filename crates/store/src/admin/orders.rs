//! Orders as the admin panel reads them: a search by order id, email or ICCID with filters (status,
//! provider, created between two dates), paged newest first, and one order in full — its facts,
//! the whole timeline (routing and provider notes included), its background jobs and its emails.

use crate::Db;
use anyhow::Context;
use domain::admin::{
    OrderDetail, OrderEmail, OrderEvent, OrderJob, OrderRow, OrdersPage, Resolution,
};
use domain::{Currency, Money, OrderStatus};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Orders per page of [`search`].
pub const PAGE_SIZE: u32 = 25;
/// The longest search text accepted.
pub const MAX_QUERY_LEN: usize = 200;

const DAY: i64 = 24 * 60 * 60 * 1000;

/// Which orders to list; `None` everywhere lists them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    /// An order id (exactly, or its beginning), part of an email address (any case), or an ICCID
    /// (the eSIM delivered, or the eSIM topped up).
    pub query: Option<String>,
    pub status: Option<OrderStatus>,
    pub provider: Option<String>,
    /// Created at or after (unix ms).
    pub from: Option<i64>,
    /// Created before (unix ms).
    pub to: Option<i64>,
}

/// A filter the orders page sent that means nothing; the message is safe to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidOrderFilter {
    #[error("There is no order status called “{0}”.")]
    UnknownStatus(String),
    #[error("Dates are written as YYYY-MM-DD; “{0}” is not one.")]
    BadDate(String),
    #[error("Search for at most {MAX_QUERY_LEN} characters.")]
    QueryTooLong,
}

/// What the orders page's form sends, as typed: every field may be missing or blank.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilterForm<'a> {
    pub query: Option<&'a str>,
    /// A stored status (`ready`, `failed`, …).
    pub status: Option<&'a str>,
    pub provider: Option<&'a str>,
    /// The first day (UTC, `YYYY-MM-DD`) to include.
    pub from: Option<&'a str>,
    /// The last day (UTC, `YYYY-MM-DD`) to include.
    pub to: Option<&'a str>,
}

impl OrderFilter {
    /// Reads the form: blanks are ignored, `to` includes its whole day.
    pub fn parse(form: FilterForm<'_>) -> Result<OrderFilter, InvalidOrderFilter> {
        let present = |value: Option<&str>| {
            value
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let query = present(form.query);
        if query
            .as_ref()
            .is_some_and(|query| query.chars().count() > MAX_QUERY_LEN)
        {
            return Err(InvalidOrderFilter::QueryTooLong);
        }
        let status = present(form.status)
            .map(|status| {
                OrderStatus::parse(&status).ok_or(InvalidOrderFilter::UnknownStatus(status))
            })
            .transpose()?;
        let day = |value: Option<&str>| {
            present(value)
                .map(|text| parse_day(&text).ok_or(InvalidOrderFilter::BadDate(text)))
                .transpose()
        };
        Ok(OrderFilter {
            query,
            status,
            provider: present(form.provider),
            from: day(form.from)?,
            to: day(form.to)?.map(|start| start + DAY),
        })
    }
}

/// Midnight UTC (unix ms) of a `YYYY-MM-DD` day, or `None` if it is not a real date.
pub fn parse_day(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |part: &str, len: usize| {
        part.len() == len && part.bytes().all(|byte| byte.is_ascii_digit())
    };
    if parts.next().is_some() || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return None;
    }
    let (year, month, day): (i64, i64, i64) =
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Count from 0000-03-01 so that leap days fall at the end of each year; 400-year eras repeat.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A value bound to a placeholder of a built query.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bind {
    Text(String),
    Int(i64),
}

/// The `WHERE` clause for `filter` (empty for no filter), with `$n` placeholders for its values:
/// what the admin typed is only ever bound, never written into the SQL.
fn conditions(filter: &OrderFilter) -> (String, Vec<Bind>) {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    let mut bind = |value: Bind| {
        binds.push(value);
        format!("${}", binds.len())
    };
    if let Some(query) = &filter.query {
        let exact = bind(Bind::Text(query.clone()));
        let prefix = bind(Bind::Text(format!("{}%", escape_like(query))));
        let within = bind(Bind::Text(format!(
            "%{}%",
            escape_like(&query.to_lowercase())
        )));
        clauses.push(format!(
            "(o.id = {exact} OR o.id LIKE {prefix} ESCAPE '!' OR LOWER(o.email) LIKE {within} ESCAPE '!' \
             OR o.iccid = {exact} OR o.topup_iccid = {exact})"
        ));
    }
    if let Some(status) = filter.status {
        let status = bind(Bind::Text(status.as_str().to_owned()));
        clauses.push(format!("o.status = {status}"));
    }
    if let Some(provider) = &filter.provider {
        let provider = bind(Bind::Text(provider.clone()));
        clauses.push(format!("o.provider = {provider}"));
    }
    if let Some(from) = filter.from {
        let from = bind(Bind::Int(from));
        clauses.push(format!("o.created_at >= {from}"));
    }
    if let Some(to) = filter.to {
        let to = bind(Bind::Int(to));
        clauses.push(format!("o.created_at < {to}"));
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (sql, binds)
}

/// `text` with `LIKE`'s wildcards (and the escape character `!`) taken literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '!' | '%' | '_') {
            escaped.push('!');
        }
        escaped.push(c);
    }
    escaped
}

fn bound<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &[Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for value in binds {
        query = match value {
            Bind::Text(text) => query.bind(text.clone()),
            Bind::Int(number) => query.bind(*number),
        };
    }
    query
}

/// One page (from 1) of the orders matching `filter`, newest first, and how many match in all.
pub async fn search(db: &Db, filter: &OrderFilter, page: u32) -> anyhow::Result<OrdersPage> {
    let page = page.max(1);
    let (clause, binds) = conditions(filter);
    let total: i64 = bound(
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM orders o{clause}")),
        &binds,
    )
    .fetch_one(db.pool())
    .await
    .context("Failed to count the matching orders")?
    .try_get("n")
    .context("Failed to read the count of orders")?;
    let (limit, offset) = (binds.len() + 1, binds.len() + 2);
    let sql = format!(
        "SELECT o.id, o.created_at, o.email, o.plan_title, o.provider, o.status, o.currency,
           o.amount_minor, COALESCE(o.iccid, o.topup_iccid) AS iccid
         FROM orders o{clause}
         ORDER BY o.created_at DESC, o.id DESC LIMIT ${limit} OFFSET ${offset}"
    );
    let rows = bound(sqlx::query(&sql), &binds)
        .bind(i64::from(PAGE_SIZE))
        .bind(i64::from(page - 1) * i64::from(PAGE_SIZE))
        .fetch_all(db.pool())
        .await
        .context("Failed to search the orders")?;
    let orders = rows
        .iter()
        .map(order_row)
        .collect::<anyhow::Result<Vec<_>>>()
        .context("Failed to read an order of the search")?;
    Ok(OrdersPage {
        orders,
        page,
        page_size: PAGE_SIZE,
        total,
    })
}

/// One row of an order list; the query must select the columns read here.
pub(crate) fn order_row(row: &AnyRow) -> anyhow::Result<OrderRow> {
    let status: String = row.try_get("status")?;
    let currency: String = row.try_get("currency")?;
    Ok(OrderRow {
        id: row.try_get("id")?,
        created_at: row.try_get("created_at")?,
        email: row.try_get("email")?,
        plan_title: row.try_get("plan_title")?,
        provider: row.try_get("provider")?,
        status: OrderStatus::parse(&status)
            .with_context(|| format!("Failed to read the order status {status:?}"))?,
        amount: Money::new(
            row.try_get("amount_minor")?,
            Currency::parse(&currency)
                .with_context(|| format!("Failed to read the currency {currency:?}"))?,
        ),
        iccid: row.try_get("iccid")?,
    })
}

/// Every provider that has served an order, for the filter.
pub async fn providers(db: &Db) -> anyhow::Result<Vec<String>> {
    let rows = sqlx::query("SELECT DISTINCT provider FROM orders ORDER BY provider")
        .fetch_all(db.pool())
        .await
        .context("Failed to list the providers of orders")?;
    rows.iter()
        .map(|row| row.try_get("provider").context("Failed to read a provider"))
        .collect()
}

/// The order with its timeline, jobs and emails, or `None` for an unknown id.
pub async fn detail(db: &Db, order_id: &str) -> anyhow::Result<Option<OrderDetail>> {
    let Some(order) = crate::orders::load(db, order_id)
        .await
        .context("Failed to load the order")?
    else {
        return Ok(None);
    };
    let account_email = match &order.account_id {
        Some(account) => sqlx::query("SELECT email FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_optional(db.pool())
            .await
            .context("Failed to load the order's account")?
            .map(|row| row.try_get("email"))
            .transpose()
            .context("Failed to read the account's email")?,
        None => None,
    };
    let timeline = crate::orders::timeline_entries(db, &order.id)
        .await
        .context("Failed to load the order's timeline")?
        .into_iter()
        .map(|entry| OrderEvent {
            at: entry.at,
            kind: entry.kind,
            from: entry.from,
            to: entry.to,
            message: entry.message,
        })
        .collect();
    let resolved = sqlx::query(
        "SELECT resolved_at, resolved_by, resolved_note FROM orders WHERE id = $1 AND resolved_at IS NOT NULL",
    )
    .bind(&order.id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the order's resolution")?
    .map(|row| {
        Ok::<_, sqlx::Error>(Resolution {
            at: row.try_get("resolved_at")?,
            by: row.try_get::<Option<String>, _>("resolved_by")?.unwrap_or_default(),
            note: row.try_get::<Option<String>, _>("resolved_note")?.unwrap_or_default(),
        })
    })
    .transpose()
    .context("Failed to read the order's resolution")?;
    let currency = order.currency;
    Ok(Some(OrderDetail {
        resolved,
        timeline,
        jobs: jobs(db, &order.id).await?,
        emails: emails(db, &order.id).await?,
        account_email,
        amount: order.amount(),
        wholesale: Money::new(order.wholesale_minor, currency),
        margin: Money::new(order.amount_minor - order.wholesale_minor, currency),
        refund: order.refund_minor.map(|minor| Money::new(minor, currency)),
        id: order.id,
        status: order.status,
        created_at: order.created_at,
        updated_at: order.updated_at,
        email: order.email,
        plan_id: order.plan_id,
        plan_title: order.plan_title,
        country_code: order.country_code,
        provider: order.provider,
        provider_product_id: order.provider_product_id,
        provider_order_id: order.provider_order_id,
        provider_status: order.provider_status,
        provider_checks: order.provider_checks,
        failed_providers: order.failed_providers,
        failure_reason: order.failure_reason,
        checkout_session_id: order.checkout_session_id,
        payment_intent: order.payment_intent,
        late_esim: order.late_esim.map(|state| domain::admin::LateEsim {
            iccid: order.iccid.clone().unwrap_or_default(),
            state: state.as_str().to_owned(),
        }),
        iccid: order.iccid,
        topup_iccid: order.topup_iccid,
    }))
}

async fn jobs(db: &Db, order_id: &str) -> anyhow::Result<Vec<OrderJob>> {
    let rows = sqlx::query(
        "SELECT kind, state, attempts, run_at, last_error FROM jobs WHERE subject = $1
         ORDER BY created_at, kind",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await
    .context("Failed to load the order's jobs")?;
    rows.iter()
        .map(|row| {
            Ok(OrderJob {
                kind: row.try_get("kind")?,
                state: row.try_get("state")?,
                attempts: row.try_get("attempts")?,
                run_at: row.try_get("run_at")?,
                last_error: row.try_get("last_error")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .context("Failed to read a job of the order")
}

async fn emails(db: &Db, order_id: &str) -> anyhow::Result<Vec<OrderEmail>> {
    let rows = sqlx::query(
        "SELECT kind, recipient, subject, created_at, sent_at FROM emails WHERE order_id = $1
         ORDER BY created_at, kind",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await
    .context("Failed to load the order's emails")?;
    rows.iter()
        .map(|row| {
            Ok(OrderEmail {
                kind: row.try_get("kind")?,
                recipient: row.try_get("recipient")?,
                subject: row.try_get("subject")?,
                created_at: row.try_get("created_at")?,
                sent_at: row.try_get("sent_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .context("Failed to read an email of the order")
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::admin::Paged;

    fn form(status: &'static str, from: &'static str, to: &'static str) -> FilterForm<'static> {
        FilterForm {
            query: None,
            status: Some(status),
            provider: None,
            from: Some(from),
            to: Some(to),
        }
    }

    #[test]
    fn days_are_midnight_utc() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        // 2027-01-14T00:00:00Z
        assert_eq!(parse_day("2027-01-14"), Some(1_799_884_800_000));
        assert_eq!(parse_day("2000-03-01"), Some(951_868_800_000));
        assert!(parse_day("2024-02-29").is_some());
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-1-05",
            "+026-01-05",
            "2026-01-05-01",
            "yesterday",
            "",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn blanks_mean_no_filter_and_the_last_day_counts_whole() {
        assert_eq!(
            OrderFilter::parse(FilterForm::default()),
            Ok(OrderFilter::default())
        );
        let blank = FilterForm {
            query: Some("  "),
            status: Some(""),
            provider: Some(""),
            from: Some(""),
            to: Some(""),
        };
        assert_eq!(OrderFilter::parse(blank), Ok(OrderFilter::default()));
        let filter = OrderFilter::parse(FilterForm {
            query: Some(" Sarah@Example.com "),
            provider: Some("esimfx"),
            ..form("ready", "2027-01-14", "2027-01-14")
        })
        .unwrap();
        assert_eq!(filter.query.as_deref(), Some("Sarah@Example.com"));
        assert_eq!(filter.status, Some(OrderStatus::Ready));
        assert_eq!(filter.provider.as_deref(), Some("esimfx"));
        assert_eq!(filter.from, Some(1_799_884_800_000));
        assert_eq!(filter.to, Some(1_799_884_800_000 + DAY));
    }

    #[test]
    fn nonsense_is_refused_in_words() {
        assert_eq!(
            OrderFilter::parse(form("shipped", "", "")),
            Err(InvalidOrderFilter::UnknownStatus("shipped".into()))
        );
        assert_eq!(
            OrderFilter::parse(form("", "14/01/2027", "")),
            Err(InvalidOrderFilter::BadDate("14/01/2027".into()))
        );
        let long = "x".repeat(MAX_QUERY_LEN + 1);
        assert_eq!(
            OrderFilter::parse(FilterForm {
                query: Some(&long),
                ..FilterForm::default()
            }),
            Err(InvalidOrderFilter::QueryTooLong)
        );
    }

    #[test]
    fn search_text_is_bound_and_its_wildcards_are_literal() {
        let filter = OrderFilter {
            query: Some("ord_1%'; DROP TABLE orders; --".into()),
            status: Some(OrderStatus::Failed),
            provider: None,
            from: Some(5),
            to: None,
        };
        let (sql, binds) = conditions(&filter);
        assert!(!sql.contains("DROP"), "{sql}");
        assert_eq!(sql.matches("$1").count(), 3, "{sql}");
        assert!(sql.contains("o.status = $4") && sql.contains("o.created_at >= $5"));
        assert_eq!(
            binds[1],
            Bind::Text("ord!_1!%'; DROP TABLE orders; --%".into())
        );
        assert_eq!(binds[4], Bind::Int(5));
        assert_eq!(conditions(&OrderFilter::default()), (String::new(), vec![]));
    }

    #[tokio::test]
    async fn an_empty_shop_has_one_empty_page_and_no_such_order() {
        let db = crate::admin::test_db::fresh().await;
        let page = search(&db, &OrderFilter::default(), 3).await.unwrap();
        assert_eq!((page.orders.len(), page.total, page.page), (0, 0, 3));
        assert!(!page.has_next());
        assert_eq!(page.page_count(), 1);
        assert!(providers(&db).await.unwrap().is_empty());
        assert_eq!(detail(&db, "ord_missing").await.unwrap(), None);
    }
}
