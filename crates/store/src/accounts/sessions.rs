//! Sessions: a random secret in an HttpOnly cookie, its hash in the database.

use super::{hash_secret, Account};
use crate::clock::now_millis;
use crate::{ids, Db};
use anyhow::Context;
use sqlx::Row;

/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i64 = 30;
const DAY: i64 = 86_400_000;

pub(super) async fn open(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account_id: &str,
) -> anyhow::Result<String> {
    let secret = ids::new_secret();
    let now = now_millis();
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(hash_secret(&secret))
    .bind(account_id)
    .bind(now)
    .bind(now + SESSION_DAYS * DAY)
    .execute(&mut **tx)
    .await
    .context("Failed to open a session")?;
    Ok(secret)
}

/// The account a session cookie belongs to, if the session is open.
pub async fn session_account(db: &Db, secret: &str) -> anyhow::Result<Option<Account>> {
    let row = sqlx::query(
        "SELECT a.id, a.email FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(hash_secret(secret))
    .bind(now_millis())
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the session")?;
    row.map(|row| {
        Ok(Account {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
        })
    })
    .transpose()
}

/// Ends a session; signing out twice is harmless.
pub async fn sign_out(db: &Db, secret: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash_secret(secret))
        .execute(db.pool())
        .await
        .context("Failed to end the session")?;
    Ok(())
}
