//! The order timeline: every status change, payment event, provider call and email, with its time and cause.

use crate::clock::now_millis;
use crate::Db;
use anyhow::Context;
use domain::OrderStatus;
use sqlx::Row;

/// One line of an order's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub at: i64,
    pub kind: String,
    pub from: Option<OrderStatus>,
    pub to: Option<OrderStatus>,
    pub message: String,
}

pub async fn record<'e, E>(
    executor: E,
    order_id: &str,
    kind: &str,
    from: Option<OrderStatus>,
    to: Option<OrderStatus>,
    message: &str,
) -> anyhow::Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO order_events (id, order_id, at, kind, from_status, to_status, message) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(crate::ids::new_id("oev"))
    .bind(order_id)
    .bind(now_millis())
    .bind(kind)
    .bind(from.map(|s| s.as_str()))
    .bind(to.map(|s| s.as_str()))
    .bind(message)
    .execute(executor)
    .await
    .with_context(|| format!("Failed to record a timeline entry for {order_id}"))?;
    Ok(())
}

/// Notes something that happened without a status change.
pub async fn note(db: &Db, order_id: &str, kind: &str, message: &str) -> anyhow::Result<()> {
    record(db.pool(), order_id, kind, None, None, message).await
}

pub async fn entries(db: &Db, order_id: &str) -> anyhow::Result<Vec<TimelineEntry>> {
    let rows = sqlx::query("SELECT at, kind, from_status, to_status, message FROM order_events WHERE order_id = $1 ORDER BY at, id")
        .bind(order_id)
        .fetch_all(db.pool())
        .await
        .context("Failed to load the timeline")?;
    rows.iter()
        .map(|row| {
            Ok(TimelineEntry {
                at: row.try_get("at")?,
                kind: row.try_get("kind")?,
                from: row
                    .try_get::<Option<String>, _>("from_status")?
                    .as_deref()
                    .and_then(OrderStatus::parse),
                to: row
                    .try_get::<Option<String>, _>("to_status")?
                    .as_deref()
                    .and_then(OrderStatus::parse),
                message: row.try_get("message")?,
            })
        })
        .collect()
}
