//! Reading back the emails the shop stored, for the development outbox page.

use crate::Db;
use anyhow::Context;
use sqlx::Row;

/// An email as stored when it was queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEmail {
    pub id: String,
    pub order_id: Option<String>,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub html_body: String,
    pub text_body: String,
    pub sent: bool,
}

/// The most recent emails, newest first.
pub async fn recent(db: &Db, limit: i64) -> anyhow::Result<Vec<StoredEmail>> {
    let rows = sqlx::query(
        "SELECT id, order_id, kind, recipient, subject, html_body, text_body, sent_at FROM emails
         ORDER BY created_at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await
    .context("Failed to list emails")?;
    rows.iter()
        .map(|row| {
            Ok(StoredEmail {
                id: row.try_get("id")?,
                order_id: row.try_get("order_id")?,
                kind: row.try_get("kind")?,
                recipient: row.try_get("recipient")?,
                subject: row.try_get("subject")?,
                html_body: row.try_get("html_body")?,
                text_body: row.try_get("text_body")?,
                sent: row.try_get::<Option<i64>, _>("sent_at")?.is_some(),
            })
        })
        .collect()
}

/// The install code (LPA) of the order an email belongs to, if it has one.
pub async fn lpa_of(db: &Db, email_id: &str) -> anyhow::Result<Option<String>> {
    let row = sqlx::query("SELECT o.smdp_address, o.matching_id FROM emails e JOIN orders o ON o.id = e.order_id WHERE e.id = $1")
        .bind(email_id)
        .fetch_optional(db.pool())
        .await
        .context("Failed to find an email's order")?;
    let Some(row) = row else { return Ok(None) };
    match (
        row.try_get::<Option<String>, _>("smdp_address")?,
        row.try_get::<Option<String>, _>("matching_id")?,
    ) {
        (Some(smdp), Some(matching)) => {
            Ok(Some(domain::ActivationCode::new(&smdp, &matching)?.lpa()))
        }
        _ => Ok(None),
    }
}
