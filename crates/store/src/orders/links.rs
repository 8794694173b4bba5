//! Order links, `/order/{id}?token=…`: each one handed out (the return from payment, each email)
//! has its own secret, and any of them opens the order. Only the SHA-256 of each secret is
//! stored, so neither a copy of the database nor the emails table opens an order.

use crate::clock::now_millis;
use crate::ids::{hash_secret, new_secret};
use crate::Db;
use anyhow::Context;
use sqlx::Row;

/// Marks a secret stored by the migration that moved order links out of `orders`, not hashed yet.
const PLAIN: &str = "plain:";

/// Creates a new link secret for the order and returns it; it is never stored.
pub async fn issue<'e, E>(executor: E, order_id: &str) -> anyhow::Result<String>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let secret = new_secret();
    sqlx::query("INSERT INTO order_links (token_hash, order_id, created_at) VALUES ($1, $2, $3)")
        .bind(hash_secret(&secret))
        .bind(order_id)
        .bind(now_millis())
        .execute(executor)
        .await
        .with_context(|| format!("Failed to store a link to order {order_id}"))?;
    Ok(secret)
}

/// The address of the order page with a link secret.
pub fn url(public_url: &str, order_id: &str, secret: &str) -> String {
    format!(
        "{}/order/{order_id}?token={secret}",
        public_url.trim_end_matches('/')
    )
}

/// Whether `secret` is one of the order's links.
pub async fn opens(db: &Db, order_id: &str, secret: &str) -> anyhow::Result<bool> {
    let found =
        sqlx::query("SELECT 1 AS found FROM order_links WHERE token_hash = $1 AND order_id = $2")
            .bind(hash_secret(secret))
            .bind(order_id)
            .fetch_optional(db.pool())
            .await
            .context("Failed to check an order link")?;
    Ok(found.is_some())
}

/// Replaces the secrets the migration moved here in plain text with their hashes, so links sent
/// before still work. Runs after every migration; does nothing once they are all hashed.
pub(crate) async fn hash_migrated(db: &Db) -> anyhow::Result<()> {
    let rows = sqlx::query("SELECT token_hash FROM order_links WHERE token_hash LIKE $1")
        .bind(format!("{PLAIN}%"))
        .fetch_all(db.pool())
        .await
        .context("Failed to find order links to hash")?;
    for row in rows {
        let stored: String = row.try_get("token_hash")?;
        let secret = stored.strip_prefix(PLAIN).unwrap_or(&stored);
        sqlx::query("UPDATE order_links SET token_hash = $1 WHERE token_hash = $2")
            .bind(hash_secret(secret))
            .bind(&stored)
            .execute(db.pool())
            .await
            .context("Failed to hash an order link")?;
    }
    Ok(())
}
