//! How long Tern keeps what signing in and email leave behind, and the purge that enforces it.
//!
//! - Sign-in links: deleted one day after they were used or expired (the hourly limit on new
//!   links only looks one hour back).
//! - Sessions, travellers' and staff's: deleted one day after they expired; signing out deletes
//!   a session at once.
//! - Emails: their bodies are replaced with a note 30 days after they were written; who got
//!   which email, when, and its subject stay with the order. Links' secrets were already removed
//!   when each email was sent.

use crate::Db;
use anyhow::Context;

const DAY: i64 = 86_400_000;
/// Used or expired sign-in links are kept this long.
pub const SIGN_IN_LINK_DAYS: i64 = 1;
/// Expired sessions are kept this long.
pub const SESSION_DAYS: i64 = 1;
/// Email bodies are kept this long.
pub const EMAIL_BODY_DAYS: i64 = 30;
/// What a purged email body reads.
pub const PURGED_BODY: &str = "(removed after 30 days)";

/// How many rows one purge removed or emptied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub sign_in_links: u64,
    pub sessions: u64,
    pub email_bodies: u64,
}

/// Removes everything older than its retention, as of `now` (unix milliseconds).
pub async fn purge(db: &Db, now: i64) -> anyhow::Result<Purged> {
    let link_cutoff = now - SIGN_IN_LINK_DAYS * DAY;
    let sign_in_links =
        sqlx::query("DELETE FROM sign_in_links WHERE used_at < $1 OR expires_at < $1")
            .bind(link_cutoff)
            .execute(db.pool())
            .await
            .context("Failed to purge sign-in links")?
            .rows_affected();
    let session_cutoff = now - SESSION_DAYS * DAY;
    let mut sessions = 0;
    for table in ["sessions", "admin_sessions"] {
        sessions += sqlx::query(&format!("DELETE FROM {table} WHERE expires_at < $1"))
            .bind(session_cutoff)
            .execute(db.pool())
            .await
            .with_context(|| format!("Failed to purge {table}"))?
            .rows_affected();
    }
    let email_bodies = sqlx::query(
        "UPDATE emails SET text_body = $1, html_body = $1 WHERE created_at < $2 AND text_body <> $1",
    )
    .bind(PURGED_BODY)
    .bind(now - EMAIL_BODY_DAYS * DAY)
    .execute(db.pool())
    .await
    .context("Failed to purge email bodies")?
    .rows_affected();
    Ok(Purged {
        sign_in_links,
        sessions,
        email_bodies,
    })
}
