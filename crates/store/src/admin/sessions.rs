//! Signing admins in and out. A password sign-in is rate limited per address; a session is a
//! random secret in the `tern_admin` cookie with only its SHA-256 stored. Sessions slide: each use
//! extends one to 8 hours from then, but never past 7 days from sign-in.

use super::accounts::{self, Admin};
use super::{audit, password};
use crate::accounts::{hash_secret, normalise_email};
use crate::{ids, Db};
use anyhow::Context;
use sqlx::Row;

/// The admin session cookie's name; travellers' `tern_session` opens nothing here.
pub const ADMIN_COOKIE: &str = "tern_admin";
/// A session unused this long ends.
pub const SESSION_IDLE_HOURS: i64 = 8;
/// No session lasts longer than this after signing in, however often it is used.
pub const SESSION_MAX_DAYS: i64 = 7;
/// Failed sign-ins per address within [`ATTEMPT_WINDOW_MINUTES`] before every attempt is refused.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;
pub const ATTEMPT_WINDOW_MINUTES: i64 = 15;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Why a sign-in failed; each message is safe to show and says nothing about which part was wrong.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("That email address and password do not match an admin account.")]
    InvalidCredentials,
    #[error("Too many failed sign-ins for this address. Please wait 15 minutes and try again.")]
    TooManyAttempts,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A new session: who signed in and the secret to set as the cookie.
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub admin: Admin,
    pub secret: String,
    pub expires_at: i64,
}

/// Checks the password (at most [`MAX_FAILED_ATTEMPTS`] failures per address per
/// [`ATTEMPT_WINDOW_MINUTES`], after which even the right password is refused until the window
/// passes), opens a session and writes the sign-in to the audit log.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    now: i64,
) -> Result<AdminSession, SignInError> {
    let email = normalise_email(email);
    let attempt = claim_attempt(db, &email, now)
        .await?
        .ok_or(SignInError::TooManyAttempts)?;
    let account = accounts::for_sign_in(db, &email).await?;
    let (admin, stored) = match account {
        Some((admin, stored)) => (Some(admin), Some(stored)),
        None => (None, None),
    };
    let matches = password::verify(password, stored).await?;
    if matches {
        mark_succeeded(db, &attempt).await?;
    }
    let Some(admin) = admin.filter(|_| matches) else {
        return Err(SignInError::InvalidCredentials);
    };
    let secret = ids::new_secret();
    let expires_at = now + SESSION_IDLE_HOURS * HOUR;
    sqlx::query(
        "INSERT INTO admin_sessions (token_hash, admin_id, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $3)",
    )
    .bind(hash_secret(&secret))
    .bind(&admin.id)
    .bind(now)
    .bind(expires_at)
    .execute(db.pool())
    .await
    .context("Failed to open an admin session")?;
    audit::record(db, &admin, audit::SIGNED_IN, &admin.id, "").await?;
    Ok(AdminSession {
        admin,
        secret,
        expires_at,
    })
}

/// Records a failed attempt at `email` unless [`MAX_FAILED_ATTEMPTS`] failures are already
/// recorded in the window, answering its id (`None`: locked). An attempt counts as failed until
/// its password is found right, so guesses in flight count too; the address's gate row, locked
/// for the transaction, makes parallel guesses count one after another on SQLite and PostgreSQL.
pub(super) async fn claim_attempt(
    db: &Db,
    email: &str,
    now: i64,
) -> anyhow::Result<Option<String>> {
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to start counting a sign-in attempt")?;
    // The first statement writes, so SQLite takes its write lock before anything is read.
    sqlx::query(
        "INSERT INTO admin_sign_in_gates (email) VALUES ($1)
         ON CONFLICT (email) DO UPDATE SET email = excluded.email",
    )
    .bind(email)
    .execute(&mut *tx)
    .await
    .context("Failed to lock the address's sign-in gate")?;
    let failures: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM admin_login_attempts WHERE email = $1 AND at > $2 AND succeeded = $3",
    )
    .bind(email)
    .bind(now - ATTEMPT_WINDOW_MINUTES * MINUTE)
    .bind(false)
    .fetch_one(&mut *tx)
    .await
    .context("Failed to count sign-in attempts")?
    .try_get("n")
    .context("Failed to read the attempt count")?;
    if failures >= MAX_FAILED_ATTEMPTS {
        tx.rollback()
            .await
            .context("Failed to release the sign-in gate")?;
        return Ok(None);
    }
    let id = ids::new_id("att");
    sqlx::query(
        "INSERT INTO admin_login_attempts (id, email, at, succeeded) VALUES ($1, $2, $3, $4)",
    )
    .bind(&id)
    .bind(email)
    .bind(now)
    .bind(false)
    .execute(&mut *tx)
    .await
    .context("Failed to record a sign-in attempt")?;
    // Attempts older than a day no longer count for anything.
    sqlx::query("DELETE FROM admin_login_attempts WHERE at < $1")
        .bind(now - DAY)
        .execute(&mut *tx)
        .await
        .context("Failed to forget old sign-in attempts")?;
    tx.commit()
        .await
        .context("Failed to record a sign-in attempt")?;
    Ok(Some(id))
}

pub(super) async fn mark_succeeded(db: &Db, attempt: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE admin_login_attempts SET succeeded = $1 WHERE id = $2")
        .bind(true)
        .bind(attempt)
        .execute(db.pool())
        .await
        .context("Failed to record a successful sign-in")?;
    Ok(())
}

/// The admin whose session `secret` is, if it is open and the account enabled; using a session
/// extends it (see the module's rule).
pub async fn session_admin(db: &Db, secret: &str, now: i64) -> anyhow::Result<Option<Admin>> {
    let row = sqlx::query(
        "UPDATE admin_sessions SET last_seen_at = $1,
           expires_at = CASE WHEN created_at + $3 < $1 + $4 THEN created_at + $3 ELSE $1 + $4 END
         WHERE token_hash = $2 AND expires_at > $1
         RETURNING admin_id",
    )
    .bind(now)
    .bind(hash_secret(secret))
    .bind(SESSION_MAX_DAYS * DAY)
    .bind(SESSION_IDLE_HOURS * HOUR)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the admin session")?;
    let Some(row) = row else { return Ok(None) };
    let admin_id: String = row.try_get("admin_id").context("Failed to read admin_id")?;
    let admin = sqlx::query(
        "SELECT id, email, name, role FROM admins WHERE id = $1 AND disabled_at IS NULL",
    )
    .bind(&admin_id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the session's admin")?;
    admin.as_ref().map(Admin::from_row).transpose()
}

/// Ends a session and writes it to the audit log; an unknown or ended session is harmless.
pub async fn sign_out(db: &Db, secret: &str, now: i64) -> anyhow::Result<()> {
    let admin = session_admin(db, secret, now).await?;
    sqlx::query("DELETE FROM admin_sessions WHERE token_hash = $1")
        .bind(hash_secret(secret))
        .execute(db.pool())
        .await
        .context("Failed to end the admin session")?;
    if let Some(admin) = admin {
        audit::record(db, &admin, audit::SIGNED_OUT, &admin.id, "").await?;
    }
    Ok(())
}

/// The admin session secret in a `Cookie` request header, if there is one.
pub fn session_from_cookies(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == ADMIN_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::{create_admin, test_db, AdminRole};

    const PASSWORD: &str = "a long password";

    async fn with_owner() -> Db {
        let db = test_db::fresh().await;
        create_admin(&db, "ada@tern.test", "Ada", AdminRole::Owner, PASSWORD)
            .await
            .unwrap();
        db
    }

    #[tokio::test]
    async fn the_right_password_opens_a_session_and_is_audited() {
        let db = with_owner().await;
        let now = 1_800_000_000_000;
        let session = sign_in(&db, "ADA@tern.test", PASSWORD, now).await.unwrap();
        assert_eq!(session.admin.role, AdminRole::Owner);
        let found = session_admin(&db, &session.secret, now + 1).await.unwrap();
        assert_eq!(found.map(|a| a.name), Some("Ada".to_owned()));
        let stored: String = sqlx::query("SELECT token_hash FROM admin_sessions")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .get("token_hash");
        assert_ne!(stored, session.secret, "only a hash is stored");
        sign_out(&db, &session.secret, now + 2).await.unwrap();
        assert_eq!(
            session_admin(&db, &session.secret, now + 3).await.unwrap(),
            None
        );
        let actions: Vec<String> = sqlx::query("SELECT action FROM audit_log ORDER BY at")
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|row| row.get("action"))
            .collect();
        assert_eq!(actions, ["signed_in", "signed_out"]);
    }

    #[tokio::test]
    async fn wrong_passwords_and_unknown_addresses_are_refused_alike() {
        let db = with_owner().await;
        let now = 1_800_000_000_000;
        let wrong = sign_in(&db, "ada@tern.test", "not the password", now).await;
        let unknown = sign_in(&db, "bo@tern.test", PASSWORD, now).await;
        assert!(matches!(wrong, Err(SignInError::InvalidCredentials)));
        assert!(matches!(unknown, Err(SignInError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn five_failures_lock_the_address_for_fifteen_minutes() {
        let db = with_owner().await;
        let now = 1_800_000_000_000;
        for attempt in 0..MAX_FAILED_ATTEMPTS {
            let result = sign_in(&db, "ada@tern.test", "wrong password!", now + attempt).await;
            assert!(matches!(result, Err(SignInError::InvalidCredentials)));
        }
        let locked = sign_in(&db, "ada@tern.test", PASSWORD, now + 10).await;
        assert!(matches!(locked, Err(SignInError::TooManyAttempts)));
        // Another address is not affected.
        assert!(matches!(
            sign_in(&db, "bo@tern.test", "wrong password!", now + 10).await,
            Err(SignInError::InvalidCredentials)
        ));
        let later = now + ATTEMPT_WINDOW_MINUTES * MINUTE + MAX_FAILED_ATTEMPTS;
        assert!(sign_in(&db, "ada@tern.test", PASSWORD, later).await.is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn parallel_guesses_get_five_tries_and_no_more() {
        let db = with_owner().await;
        let now = 1_800_000_000_000;
        let guesses: Vec<_> = (0..20)
            .map(|guess| {
                let db = db.clone();
                tokio::spawn(async move {
                    sign_in(&db, "ada@tern.test", &format!("wrong guess {guess}"), now).await
                })
            })
            .collect();
        let (mut evaluated, mut refused) = (0, 0);
        for guess in guesses {
            match guess.await.unwrap() {
                Err(SignInError::InvalidCredentials) => evaluated += 1,
                Err(SignInError::TooManyAttempts) => refused += 1,
                other => panic!("unexpected outcome {other:?}"),
            }
        }
        assert_eq!(
            (evaluated, refused),
            (MAX_FAILED_ATTEMPTS, 20 - MAX_FAILED_ATTEMPTS),
            "only five passwords were checked"
        );
        let recorded: i64 = sqlx::query("SELECT COUNT(*) AS n FROM admin_login_attempts")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .get("n");
        assert_eq!(recorded, MAX_FAILED_ATTEMPTS);
        assert!(matches!(
            sign_in(&db, "ada@tern.test", PASSWORD, now + 1).await,
            Err(SignInError::TooManyAttempts)
        ));
    }

    #[tokio::test]
    async fn a_successful_sign_in_does_not_count_as_a_failure() {
        let db = with_owner().await;
        let now = 1_800_000_000_000;
        for attempt in 0..2 * MAX_FAILED_ATTEMPTS {
            assert!(sign_in(&db, "ada@tern.test", PASSWORD, now + attempt)
                .await
                .is_ok());
        }
    }

    #[tokio::test]
    async fn sessions_slide_for_eight_hours_up_to_seven_days() {
        let db = with_owner().await;
        let start = 1_800_000_000_000;
        let session = sign_in(&db, "ada@tern.test", PASSWORD, start)
            .await
            .unwrap();
        assert_eq!(session.expires_at, start + 8 * HOUR);
        // Unused for longer than 8 hours: ended.
        let idle = sign_in(&db, "ada@tern.test", PASSWORD, start)
            .await
            .unwrap();
        assert_eq!(
            session_admin(&db, &idle.secret, start + 8 * HOUR)
                .await
                .unwrap(),
            None
        );
        // Used every 7 hours: kept open, but not past 7 days.
        let mut at = start;
        while at + 7 * HOUR < start + SESSION_MAX_DAYS * DAY {
            at += 7 * HOUR;
            assert!(
                session_admin(&db, &session.secret, at)
                    .await
                    .unwrap()
                    .is_some(),
                "open at {}",
                (at - start) / HOUR
            );
        }
        at += 7 * HOUR;
        assert_eq!(session_admin(&db, &session.secret, at).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_disabled_admin_loses_their_sessions() {
        let db = with_owner().await;
        let now = 1_800_000_000_000;
        let session = sign_in(&db, "ada@tern.test", PASSWORD, now).await.unwrap();
        sqlx::query("UPDATE admins SET disabled_at = $1")
            .bind(now)
            .execute(db.pool())
            .await
            .unwrap();
        assert_eq!(
            session_admin(&db, &session.secret, now + 1).await.unwrap(),
            None
        );
        assert!(matches!(
            sign_in(&db, "ada@tern.test", PASSWORD, now + 2).await,
            Err(SignInError::InvalidCredentials)
        ));
    }

    #[test]
    fn finds_the_admin_cookie_only() {
        assert_eq!(
            session_from_cookies("tern_session=a; tern_admin=b"),
            Some("b")
        );
        assert_eq!(session_from_cookies("tern_session=a"), None);
        assert_eq!(session_from_cookies("tern_admin="), None);
    }
}
