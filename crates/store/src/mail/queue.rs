//! Email that is not tied to an order's own jobs (sign-in links, usage alerts, top-up receipts):
//! stored first, then sent by the durable `send_email` job, so a crash or an SMTP outage loses nothing.
//! The stored copy keeps its links' secrets only until it is sent (or given up on).

use super::redact::redact_text;
use super::{InlineImage, Mailer, OutgoingEmail, Rendered};
use crate::clock::now_millis;
use crate::jobs::{self, ClaimedJob};
use crate::{ids, Db};
use anyhow::Context;
use sqlx::Row;
use std::time::Duration;

/// The job kind that sends one stored email; its subject is the email id.
pub const SEND_EMAIL_JOB: &str = "send_email";

/// Stores a message and queues its delivery in the caller's transaction. With an `order_id`, a
/// message of the same `kind` is stored only once per order; the id of the stored one is returned.
pub async fn queue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    order_id: Option<&str>,
    kind: &str,
    recipient: &str,
    message: &Rendered,
) -> anyhow::Result<Option<String>> {
    let id = ids::new_id("eml");
    let inserted = sqlx::query(
        "INSERT INTO emails (id, order_id, kind, recipient, subject, text_body, html_body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(order_id)
    .bind(kind)
    .bind(recipient)
    .bind(&message.subject)
    .bind(&message.text)
    .bind(&message.html)
    .bind(now_millis())
    .execute(&mut **tx)
    .await
    .context("Failed to store an email")?
    .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    jobs::enqueue(&mut **tx, SEND_EMAIL_JOB, &id, Duration::ZERO).await?;
    Ok(Some(id))
}

/// Runs a `send_email` job: sends the stored message unless it was sent already.
pub async fn deliver(
    db: &Db,
    mailer: &dyn Mailer,
    job: &ClaimedJob,
    retry_base: Duration,
) -> anyhow::Result<()> {
    let row = sqlx::query(
        "SELECT id, order_id, recipient, subject, text_body, html_body, sent_at FROM emails WHERE id = $1",
    )
    .bind(&job.subject)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load an email")?;
    let Some(row) = row else {
        return jobs::give_up(db, job, "email not found").await;
    };
    if row.try_get::<Option<i64>, _>("sent_at")?.is_some() {
        return jobs::complete(db, job).await;
    }
    let html_body: String = row.try_get("html_body")?;
    let order_id: Option<String> = row.try_get("order_id")?;
    let inline_images = match order_id {
        Some(order_id) if html_body.contains(&format!("cid:{}", super::QR_CONTENT_ID)) => {
            install_qr(db, &order_id).await?
        }
        _ => Vec::new(),
    };
    let email = OutgoingEmail {
        id: row.try_get("id")?,
        recipient: row.try_get("recipient")?,
        subject: row.try_get("subject")?,
        text_body: row.try_get("text_body")?,
        html_body,
        inline_images,
    };
    match mailer.send(&email).await {
        Ok(()) => {
            sqlx::query(
                "UPDATE emails SET sent_at = $1, text_body = $2, html_body = $3 WHERE id = $4",
            )
            .bind(now_millis())
            .bind(redact_text(&email.text_body))
            .bind(redact_text(&email.html_body))
            .bind(&email.id)
            .execute(db.pool())
            .await
            .context("Failed to mark an email sent")?;
            jobs::complete(db, job).await
        }
        Err(error) if job.attempts < 12 => {
            jobs::retry_later(
                db,
                job,
                &error.to_string(),
                jobs::backoff(retry_base, job.attempts),
            )
            .await
        }
        Err(error) => {
            sqlx::query("UPDATE emails SET text_body = $1, html_body = $2 WHERE id = $3")
                .bind(redact_text(&email.text_body))
                .bind(redact_text(&email.html_body))
                .bind(&email.id)
                .execute(db.pool())
                .await
                .context("Failed to remove an unsent email's links")?;
            jobs::give_up(db, job, &error.to_string()).await
        }
    }
}

/// The install QR of an order's eSIM, for a stored message that shows it (a resent eSIM email).
async fn install_qr(db: &Db, order_id: &str) -> anyhow::Result<Vec<InlineImage>> {
    let Some(code) = crate::orders::load(db, order_id)
        .await?
        .and_then(|order| order.activation)
    else {
        return Ok(Vec::new());
    };
    Ok(vec![InlineImage {
        content_id: super::QR_CONTENT_ID.into(),
        png: crate::qr::png(&code.lpa(), 8)?,
    }])
}
