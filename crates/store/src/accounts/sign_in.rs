//! Sign-in links: requested with an email address, emailed, used once. Opening a link only shows
//! what it would do ([`find_sign_in_link`]); the traveller's confirmation uses it
//! ([`confirm_sign_in`]), so a link opened by a mail scanner, or one an attacker sends, signs
//! nobody in by itself.

use super::{hash_secret, normalise_email, safe_next_path, Account};
use crate::clock::now_millis;
use crate::mail::{self, queue};
use crate::{ids, Db};
use anyhow::Context;
use domain::{Email, InvalidEmail};
use sqlx::Row;

/// How long a link from the sign-in form works.
pub const LINK_MINUTES: i64 = 20;
/// At most this many links per address per hour, so the form cannot be used to flood an inbox.
const LINKS_PER_HOUR: i64 = 5;
const MINUTE: i64 = 60_000;

/// Why no link was sent; each message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("{0}")]
    InvalidEmail(#[from] InvalidEmail),
    #[error("We have sent several links to this address in the last hour. Please use the newest one, or try again later.")]
    TooManyRequests,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for SignInError {
    fn from(error: sqlx::Error) -> Self {
        SignInError::Unexpected(error.into())
    }
}

/// Who just signed in, the session secret to set as a cookie, and where to go next.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: Account,
    pub session_secret: String,
    pub next_path: String,
}

/// Emails a sign-in link (durably, through the email job) to `email`.
pub async fn request_sign_in(
    db: &Db,
    email: &str,
    next: Option<&str>,
    public_url: &str,
) -> Result<(), SignInError> {
    let email = normalise_email(Email::parse(email)?.as_str());
    let now = now_millis();
    let recent: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM sign_in_links WHERE email = $1 AND created_at > $2")
            .bind(&email)
            .bind(now - 60 * MINUTE)
            .fetch_one(db.pool())
            .await
            .context("Failed to count sign-in links")?
            .try_get("n")?;
    if recent >= LINKS_PER_HOUR {
        return Err(SignInError::TooManyRequests);
    }
    let mut tx = db.pool().begin().await.context("Failed to begin")?;
    let link = sign_in_link(&mut tx, &email, next, public_url, LINK_MINUTES).await?;
    let message = mail::sign_in_link(&link, LINK_MINUTES);
    queue::queue(&mut tx, None, "sign_in_link", &email, &message).await?;
    tx.commit()
        .await
        .context("Failed to store the sign-in link")?;
    Ok(())
}

/// Creates a single-use link that signs `email` in (once confirmed) and lands on `next`; also
/// used in emails that take the traveller somewhere directly (a low-data alert's top-up link).
pub async fn sign_in_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    email: &str,
    next: Option<&str>,
    public_url: &str,
    valid_minutes: i64,
) -> anyhow::Result<String> {
    let secret = ids::new_secret();
    let now = now_millis();
    sqlx::query(
        "INSERT INTO sign_in_links (token_hash, email, next_path, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_secret(&secret))
    .bind(normalise_email(email))
    .bind(safe_next_path(next))
    .bind(now)
    .bind(now + valid_minutes * MINUTE)
    .execute(&mut **tx)
    .await
    .context("Failed to store a sign-in link")?;
    Ok(format!(
        "{}/auth/verify?token={secret}",
        public_url.trim_end_matches('/')
    ))
}

/// What an unused, unexpired link would do, without using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// The address it signs in (lower-cased).
    pub email: String,
    pub next_path: String,
}

/// The link behind `token` if it can still be used; reads only, so opening a link (or a scanner
/// fetching it) leaves it usable.
pub async fn find_sign_in_link(db: &Db, token: &str) -> anyhow::Result<Option<PendingSignIn>> {
    let row = sqlx::query(
        "SELECT email, next_path FROM sign_in_links
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(hash_secret(token))
    .bind(now_millis())
    .fetch_optional(db.pool())
    .await
    .context("Failed to look up a sign-in link")?;
    row.map(|row| {
        Ok(PendingSignIn {
            email: row.try_get("email")?,
            next_path: row.try_get("next_path")?,
        })
    })
    .transpose()
}

/// Uses a link, once the traveller has confirmed: on success the account exists (created on first sign-in), the traveller's guest
/// orders and eSIMs are attached to it, and a new session is open. `None` for an unknown, used or
/// expired link.
pub async fn confirm_sign_in(db: &Db, token: &str) -> anyhow::Result<Option<SignedIn>> {
    let now = now_millis();
    let mut tx = db.pool().begin().await.context("Failed to begin")?;
    // Marking the link used in the same statement that checks it makes a second use impossible,
    // even when two requests race.
    let row = sqlx::query(
        "UPDATE sign_in_links SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
         RETURNING email, next_path",
    )
    .bind(now)
    .bind(hash_secret(token))
    .fetch_optional(&mut *tx)
    .await
    .context("Failed to check the sign-in link")?;
    let Some(row) = row else { return Ok(None) };
    let email: String = row.try_get("email")?;
    // Checked again on the way out: a link stored under an older, looser rule must not send
    // anyone off the site either.
    let next_path = safe_next_path(Some(&row.try_get::<String, _>("next_path")?));

    sqlx::query(
        "INSERT INTO accounts (id, email, created_at) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING",
    )
    .bind(ids::new_id("acc"))
    .bind(&email)
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("Failed to create the account")?;
    let account_id: String = sqlx::query("SELECT id FROM accounts WHERE email = $1")
        .bind(&email)
        .fetch_one(&mut *tx)
        .await
        .context("Failed to load the account")?
        .try_get("id")?;
    sqlx::query("UPDATE accounts SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&account_id)
        .execute(&mut *tx)
        .await
        .context("Failed to record the sign-in")?;
    attach_guest_purchases(&mut tx, &account_id, &email).await?;
    let session_secret = super::sessions::open(&mut tx, &account_id).await?;
    tx.commit().await.context("Failed to sign in")?;
    Ok(Some(SignedIn {
        account: Account {
            id: account_id,
            email,
        },
        session_secret,
        next_path,
    }))
}

/// Orders and eSIMs bought as a guest with the now-proven address join the account.
pub(crate) async fn attach_guest_purchases(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account_id: &str,
    email: &str,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE orders SET account_id = $1 WHERE account_id IS NULL AND LOWER(email) = $2")
        .bind(account_id)
        .bind(email)
        .execute(&mut **tx)
        .await
        .context("Failed to attach orders")?;
    sqlx::query("UPDATE esims SET account_id = $1 WHERE account_id IS NULL AND LOWER(email) = $2")
        .bind(account_id)
        .bind(email)
        .execute(&mut **tx)
        .await
        .context("Failed to attach eSIMs")?;
    Ok(())
}
