//! The admin dashboard's figures: paid orders and revenue today (UTC) and over the last 7 days,
//! orders by status, the orders that need a person, and each provider's health and balance.

use crate::orders::LateEsim;
use crate::routing::{health, Providers};
use crate::Db;
use anyhow::Context;
use domain::admin::{
    AttentionOrder, Balance, Dashboard, ProviderStatus, SalesFigures, StatusCount,
};
use domain::{Currency, Money};
use sqlx::Row;
use std::collections::BTreeMap;
use std::time::Duration;

/// A paid order without its eSIM this long after payment needs a look.
pub const STUCK_AFTER_MINUTES: i64 = 10;
/// How long the dashboard waits for a provider's balance before showing it as unavailable.
pub const BALANCE_TIMEOUT: Duration = Duration::from_secs(3);
/// At most this many orders are listed as needing attention, oldest first.
const ATTENTION_LIMIT: i64 = 100;

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// Statuses an order only reaches once it has been paid.
const PAID_STATUSES: &str = "('paid', 'provisioning', 'ready', 'failed', 'refunding', 'refunded')";

/// Everything the dashboard shows, as of `now` (unix ms).
pub async fn load(db: &Db, providers: &Providers, now: i64) -> anyhow::Result<Dashboard> {
    let today = start_of_utc_day(now);
    Ok(Dashboard {
        today: sales_since(db, today).await?,
        last_7_days: sales_since(db, today - 6 * DAY).await?,
        by_status: by_status(db).await?,
        attention: attention(db, now).await?,
        providers: provider_statuses(db, providers).await?,
        generated_at: now,
    })
}

/// Midnight UTC of the day `now` falls in.
pub fn start_of_utc_day(now: i64) -> i64 {
    now - now.rem_euclid(DAY)
}

/// Orders paid since `since` (by when the payment was confirmed), what they brought, and what was
/// refunded of them.
async fn sales_since(db: &Db, since: i64) -> anyhow::Result<SalesFigures> {
    let sql = format!(
        "SELECT o.currency AS currency, COUNT(*) AS orders,
           CAST(COALESCE(SUM(o.amount_minor), 0) AS BIGINT) AS gross,
           CAST(COALESCE(SUM(CASE WHEN o.status = 'refunded'
                                  THEN COALESCE(o.refund_minor, o.amount_minor) ELSE 0 END), 0) AS BIGINT) AS refunded
         FROM orders o JOIN order_events e ON e.order_id = o.id AND e.to_status = 'paid'
         WHERE e.at >= $1 AND o.status IN {PAID_STATUSES}
         GROUP BY o.currency ORDER BY o.currency"
    );
    let rows = sqlx::query(&sql)
        .bind(since)
        .fetch_all(db.pool())
        .await
        .context("Failed to sum paid orders")?;
    let mut figures = SalesFigures {
        orders: 0,
        revenue: Vec::new(),
        refunded: Vec::new(),
    };
    for row in &rows {
        let currency: String = row.try_get("currency").context("Failed to read currency")?;
        let currency = Currency::parse(&currency)
            .with_context(|| format!("Failed to read the currency {currency:?}"))?;
        let gross: i64 = row.try_get("gross").context("Failed to read gross")?;
        let refunded: i64 = row.try_get("refunded").context("Failed to read refunded")?;
        figures.orders += row
            .try_get::<i64, _>("orders")
            .context("Failed to read orders")?;
        figures.revenue.push(Money::new(gross - refunded, currency));
        if refunded > 0 {
            figures.refunded.push(Money::new(refunded, currency));
        }
    }
    Ok(figures)
}

async fn by_status(db: &Db) -> anyhow::Result<Vec<StatusCount>> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM orders GROUP BY status ORDER BY COUNT(*) DESC, status",
    )
    .fetch_all(db.pool())
    .await
    .context("Failed to count orders by status")?;
    rows.iter()
        .map(|row| {
            Ok(StatusCount {
                status: row.try_get("status").context("Failed to read status")?,
                count: row.try_get("n").context("Failed to read the count")?,
            })
        })
        .collect()
}

/// Failed and refunding orders, paid orders still without an eSIM after
/// [`STUCK_AFTER_MINUTES`], orders whose background job gave up, and refunded orders whose eSIM
/// arrived after the refund and could not be terminated; not those an admin marked resolved.
async fn attention(db: &Db, now: i64) -> anyhow::Result<Vec<AttentionOrder>> {
    let rows = sqlx::query(
        "SELECT o.id, o.email, o.plan_title, o.provider, o.status, o.currency, o.amount_minor, o.updated_at,
           o.late_esim,
           (SELECT MIN(j.kind) FROM jobs j WHERE j.subject = o.id AND j.state = 'dead') AS dead_job
         FROM orders o
         WHERE o.resolved_at IS NULL AND (o.status IN ('failed', 'refunding')
            OR (o.status IN ('paid', 'provisioning') AND EXISTS (
                  SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.to_status = 'paid' AND e.at < $1))
            OR EXISTS (SELECT 1 FROM jobs j WHERE j.subject = o.id AND j.state = 'dead')
            OR o.late_esim = $3)
         ORDER BY o.updated_at LIMIT $2",
    )
    .bind(now - STUCK_AFTER_MINUTES * MINUTE)
    .bind(ATTENTION_LIMIT)
    .bind(LateEsim::NotTerminated.as_str())
    .fetch_all(db.pool())
    .await
    .context("Failed to find orders needing attention")?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            let currency: String = row.try_get("currency")?;
            let currency = Currency::parse(&currency)
                .with_context(|| format!("Failed to read the currency {currency:?}"))?;
            let dead_job: Option<String> = row.try_get("dead_job")?;
            let late_esim: Option<String> = row.try_get("late_esim")?;
            let not_terminated =
                late_esim.as_deref().and_then(LateEsim::parse) == Some(LateEsim::NotTerminated);
            Ok(AttentionOrder {
                id: row.try_get("id")?,
                email: row.try_get("email")?,
                plan_title: row.try_get("plan_title")?,
                provider: row.try_get("provider")?,
                amount: Money::new(row.try_get("amount_minor")?, currency),
                updated_at: row.try_get("updated_at")?,
                reason: attention_reason(&status, dead_job.as_deref(), not_terminated),
                status,
            })
        })
        .collect()
}

fn attention_reason(status: &str, dead_job: Option<&str>, not_terminated: bool) -> String {
    let by_status = match status {
        "failed" => Some("Fulfilment failed and no refund has started".to_owned()),
        "refunding" => Some("Refund not confirmed yet".to_owned()),
        "paid" | "provisioning" => Some(format!(
            "Paid over {STUCK_AFTER_MINUTES} minutes ago, no eSIM yet"
        )),
        _ => None,
    };
    let by_job = dead_job.map(|kind| format!("Background job {kind} gave up"));
    let by_late_esim = not_terminated.then(|| {
        "An eSIM arrived after the refund and could not be terminated at the provider".to_owned()
    });
    [by_status, by_job, by_late_esim]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every configured provider (and any with recorded calls), with its balance where it has one.
async fn provider_statuses(db: &Db, providers: &Providers) -> anyhow::Result<Vec<ProviderStatus>> {
    let mut statuses: BTreeMap<String, ProviderStatus> = providers
        .keys()
        .map(|id| ((*id).to_owned(), empty_status(id)))
        .collect();
    for figures in health::all(db).await? {
        let status = statuses
            .entry(figures.provider.clone())
            .or_insert_with(|| empty_status(&figures.provider));
        status.calls = figures.calls;
        status.failures = figures.failures;
        status.error_rate_percent = error_rate_percent(figures.calls, figures.failures);
        status.average_latency_ms = figures.average_latency_ms;
        status.last_success_at = figures.last_success_at;
        status.last_failure_at = figures.last_failure_at;
        status.healthy = figures.healthy();
    }
    let mut balances = tokio::task::JoinSet::new();
    for (id, provider) in providers {
        if provider.capabilities().balance {
            let (id, provider) = (*id, provider.clone());
            balances.spawn(async move {
                let balance = match tokio::time::timeout(BALANCE_TIMEOUT, provider.balance()).await
                {
                    Ok(Ok(money)) => Balance::Known(money),
                    Ok(Err(error)) => {
                        tracing::warn!(provider = id, %error, "could not read the balance");
                        Balance::Unavailable
                    }
                    Err(_) => {
                        tracing::warn!(provider = id, "reading the balance timed out");
                        Balance::Unavailable
                    }
                };
                (id, balance)
            });
        }
    }
    while let Some(joined) = balances.join_next().await {
        let (id, balance) = joined.context("Failed to read a provider balance")?;
        if let Some(status) = statuses.get_mut(id) {
            status.balance = balance;
        }
    }
    Ok(statuses.into_values().collect())
}

fn empty_status(provider: &str) -> ProviderStatus {
    ProviderStatus {
        provider: provider.to_owned(),
        calls: 0,
        failures: 0,
        error_rate_percent: 0,
        average_latency_ms: 0,
        last_success_at: None,
        last_failure_at: None,
        healthy: true,
        balance: Balance::NotApplicable,
    }
}

fn error_rate_percent(calls: i64, failures: i64) -> u32 {
    if calls <= 0 {
        return 0;
    }
    u32::try_from((failures.clamp(0, calls) * 100 + calls / 2) / calls).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_start_at_midnight_utc() {
        // 2027-01-14T13:40:00Z
        let now = 1_799_934_000_000;
        assert_eq!(start_of_utc_day(now), 1_799_884_800_000);
        assert_eq!(start_of_utc_day(1_799_884_800_000), 1_799_884_800_000);
    }

    #[test]
    fn error_rates_round_to_whole_percent() {
        assert_eq!(error_rate_percent(0, 0), 0);
        assert_eq!(error_rate_percent(3, 1), 33);
        assert_eq!(error_rate_percent(3, 2), 67);
        assert_eq!(error_rate_percent(4, 4), 100);
    }

    #[test]
    fn reasons_name_every_problem() {
        assert!(attention_reason("paid", None, false).contains("no eSIM yet"));
        assert_eq!(
            attention_reason("ready", Some("email_esim_delivery"), false),
            "Background job email_esim_delivery gave up"
        );
        assert!(attention_reason("failed", Some("refund_order"), false).contains("; "));
        assert!(attention_reason("refunded", None, true).contains("could not be terminated"));
    }

    #[tokio::test]
    async fn an_empty_shop_lists_its_providers() {
        let db = crate::admin::test_db::fresh().await;
        let dashboard = load(&db, &Providers::new(), 1_799_934_000_000)
            .await
            .unwrap();
        assert_eq!(dashboard.today.orders, 0);
        assert!(dashboard.today.revenue.is_empty());
        assert!(dashboard.attention.is_empty() && dashboard.providers.is_empty());
    }

    #[tokio::test]
    async fn resolved_orders_leave_the_attention_list() {
        let db = crate::admin::test_db::fresh().await;
        let now = crate::clock::now_millis();
        let failed = crate::admin::test_db::order(&db, "failed", now).await;
        let stuck = crate::admin::test_db::order(&db, "provisioning", now).await;
        crate::admin::test_db::order(&db, "ready", now).await;
        let listed = |dashboard: Dashboard| {
            let mut ids: Vec<String> = dashboard.attention.into_iter().map(|o| o.id).collect();
            ids.sort();
            ids
        };
        let mut both = vec![failed.clone(), stuck.clone()];
        both.sort();
        let before = load(&db, &Providers::new(), now).await.unwrap();
        assert_eq!(listed(before), both);

        sqlx::query("UPDATE orders SET resolved_at = $1, resolved_by = 'Ada', resolved_note = 'Refunded by hand' WHERE id = $2")
            .bind(now)
            .bind(&failed)
            .execute(db.pool())
            .await
            .unwrap();
        let after = load(&db, &Providers::new(), now).await.unwrap();
        assert_eq!(listed(after), [stuck]);
    }
}
