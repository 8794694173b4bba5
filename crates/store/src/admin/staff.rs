//! What owners do to staff accounts (disable and enable them, end their sessions, set a new
//! password) and what every admin may do to their own (change their password). Each change is
//! written to the audit log, and the shop always keeps at least one active owner.

use super::accounts::Admin;
use super::sessions::{claim_attempt, mark_succeeded};
use super::{audit, password};
use crate::accounts::{hash_secret, normalise_email};
use crate::Db;
use anyhow::Context;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use sqlx::Row;

/// Who makes a change: a signed-in admin (an owner, for another account), or someone with the
/// server's command line (`tern admin …`).
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Admin(&'a Admin),
    CommandLine,
}

/// Why a change to an account was refused; each message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("There is no such admin account.")]
    NotFound,
    #[error("The shop needs at least one active owner: enable or add another owner first.")]
    LastOwner,
    #[error(
        "The password must be at least {} characters long.",
        password::MIN_PASSWORD_LEN
    )]
    PasswordTooShort,
    #[error("Your current password is not right.")]
    WrongPassword,
    #[error("Too many failed attempts for this account. Please wait 15 minutes and try again.")]
    TooManyAttempts,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The new password of a reset: one the owner typed, or one generated and shown once.
#[derive(Debug, Clone)]
pub enum NewPassword {
    Typed(String),
    Generated,
}

impl NewPassword {
    /// A typed password, or a generated one when nothing was typed.
    pub fn typed_or_generated(typed: Option<&str>) -> NewPassword {
        match typed.filter(|typed| !typed.is_empty()) {
            Some(typed) => NewPassword::Typed(typed.to_owned()),
            None => NewPassword::Generated,
        }
    }
}

/// A staff account and whether it is disabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub admin: Admin,
    pub disabled: bool,
}

/// The account with this id.
pub async fn find_by_id(db: &Db, id: &str) -> anyhow::Result<Option<StaffAccount>> {
    find(db, "id", id.trim()).await
}

/// The account with this email address (in any case).
pub async fn find_by_email(db: &Db, email: &str) -> anyhow::Result<Option<StaffAccount>> {
    find(db, "email", &normalise_email(email)).await
}

async fn find(db: &Db, column: &str, value: &str) -> anyhow::Result<Option<StaffAccount>> {
    let sql = format!("SELECT id, email, name, role, disabled_at FROM admins WHERE {column} = $1");
    let row = sqlx::query(&sql)
        .bind(value)
        .fetch_optional(db.pool())
        .await
        .context("Failed to load the admin account")?;
    row.map(|row| {
        Ok(StaffAccount {
            admin: Admin::from_row(&row)?,
            disabled: row
                .try_get::<Option<i64>, _>("disabled_at")
                .context("Failed to read disabled_at")?
                .is_some(),
        })
    })
    .transpose()
}

/// Disables (`enabled: false`) or enables an account. A disabled admin cannot sign in and every
/// session of theirs ends at once; the last active owner cannot be disabled. Nothing is written
/// when the account already is as asked.
pub async fn set_enabled(
    db: &Db,
    actor: Actor<'_>,
    id: &str,
    enabled: bool,
    now: i64,
) -> Result<StaffAccount, StaffError> {
    let account = find_by_id(db, id).await?.ok_or(StaffError::NotFound)?;
    if account.disabled != enabled {
        return Ok(account);
    }
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to begin changing an admin account")?;
    if !enabled {
        // Locks every active owner's row first, so two owners disabling each other at the same
        // moment run one after the other and the second sees the first's change.
        sqlx::query("UPDATE admins SET role = role WHERE role = $1 AND disabled_at IS NULL")
            .bind(super::AdminRole::Owner.as_str())
            .execute(&mut *tx)
            .await
            .context("Failed to lock the owners")?;
        let other_owners: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM admins WHERE role = $1 AND disabled_at IS NULL AND id <> $2",
        )
        .bind(super::AdminRole::Owner.as_str())
        .bind(&account.admin.id)
        .fetch_one(&mut *tx)
        .await
        .context("Failed to count the active owners")?
        .try_get("n")
        .context("Failed to read the owner count")?;
        if account.admin.role == super::AdminRole::Owner && other_owners == 0 {
            return Err(StaffError::LastOwner);
        }
    }
    let changed = sqlx::query(
        "UPDATE admins SET disabled_at = $1 WHERE id = $2 AND (disabled_at IS NULL) = $3",
    )
    .bind((!enabled).then_some(now))
    .bind(&account.admin.id)
    .bind(!enabled)
    .execute(&mut *tx)
    .await
    .context("Failed to change the admin account")?
    .rows_affected();
    if !enabled {
        sqlx::query("DELETE FROM admin_sessions WHERE admin_id = $1")
            .bind(&account.admin.id)
            .execute(&mut *tx)
            .await
            .context("Failed to end the disabled admin's sessions")?;
    }
    tx.commit()
        .await
        .context("Failed to commit the admin account change")?;
    if changed > 0 {
        let action = if enabled {
            audit::ENABLED_ADMIN
        } else {
            audit::DISABLED_ADMIN
        };
        record(db, actor, action, &account.admin, &describe(&account.admin)).await?;
    }
    Ok(StaffAccount {
        disabled: !enabled,
        ..account
    })
}

/// Ends every session of the account (its admin must sign in again); how many there were.
pub async fn revoke_sessions(db: &Db, actor: Actor<'_>, id: &str) -> Result<u64, StaffError> {
    let account = find_by_id(db, id).await?.ok_or(StaffError::NotFound)?;
    let ended = end_sessions(db, &account.admin.id, None).await?;
    let detail = format!("{}: {ended} sessions ended", describe(&account.admin));
    record(db, actor, audit::REVOKED_SESSIONS, &account.admin, &detail).await?;
    Ok(ended)
}

/// Sets a new password for the account and ends its sessions; also lifts a sign-in lockout, so
/// the admin can use the new password at once. Answers the password when it was generated, to
/// be shown once; a typed one is never given back.
pub async fn reset_password(
    db: &Db,
    actor: Actor<'_>,
    id: &str,
    new_password: NewPassword,
) -> Result<Option<String>, StaffError> {
    let account = find_by_id(db, id).await?.ok_or(StaffError::NotFound)?;
    let (password, generated) = match new_password {
        NewPassword::Typed(typed) => (typed, false),
        NewPassword::Generated => (generate_password(), true),
    };
    if !password::long_enough(&password) {
        return Err(StaffError::PasswordTooShort);
    }
    store_password(db, &account.admin.id, &password).await?;
    end_sessions(db, &account.admin.id, None).await?;
    sqlx::query("DELETE FROM admin_login_attempts WHERE email = $1")
        .bind(&account.admin.email)
        .execute(db.pool())
        .await
        .context("Failed to lift the sign-in lockout")?;
    let how = if generated { "generated" } else { "typed" };
    let detail = format!("{}: new password {how}", describe(&account.admin));
    record(db, actor, audit::RESET_PASSWORD, &account.admin, &detail).await?;
    Ok(generated.then_some(password))
}

/// An admin changes their own password: the current one must be right (wrong ones count towards
/// the sign-in lockout), every other session of theirs ends and `current_session` stays.
pub async fn change_own_password(
    db: &Db,
    admin: &Admin,
    current_session: &str,
    current_password: &str,
    new_password: &str,
    now: i64,
) -> Result<(), StaffError> {
    // Counted as a failure until the password proves right, like a sign-in.
    let attempt = claim_attempt(db, &admin.email, now)
        .await?
        .ok_or(StaffError::TooManyAttempts)?;
    let stored: String = sqlx::query("SELECT password_hash FROM admins WHERE id = $1")
        .bind(&admin.id)
        .fetch_optional(db.pool())
        .await
        .context("Failed to load the password hash")?
        .ok_or(StaffError::NotFound)?
        .try_get("password_hash")
        .context("Failed to read the password hash")?;
    let matches = password::verify(current_password, Some(stored)).await?;
    if !matches {
        return Err(StaffError::WrongPassword);
    }
    mark_succeeded(db, &attempt).await?;
    if !password::long_enough(new_password) {
        return Err(StaffError::PasswordTooShort);
    }
    store_password(db, &admin.id, new_password).await?;
    end_sessions(db, &admin.id, Some(current_session)).await?;
    audit::record(db, admin, audit::CHANGED_OWN_PASSWORD, &admin.id, "").await?;
    Ok(())
}

async fn store_password(db: &Db, id: &str, password: &str) -> anyhow::Result<()> {
    let hash = password::hash(password).await?;
    sqlx::query("UPDATE admins SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(id)
        .execute(db.pool())
        .await
        .context("Failed to store the new password")?;
    Ok(())
}

/// Deletes the admin's sessions, except the one whose secret is `keep`; how many ended.
async fn end_sessions(db: &Db, admin_id: &str, keep: Option<&str>) -> anyhow::Result<u64> {
    let ended = sqlx::query(
        "DELETE FROM admin_sessions WHERE admin_id = $1 AND ($2 IS NULL OR token_hash <> $2)",
    )
    .bind(admin_id)
    .bind(keep.map(hash_secret))
    .execute(db.pool())
    .await
    .context("Failed to end the admin's sessions")?
    .rows_affected();
    Ok(ended)
}

async fn record(
    db: &Db,
    actor: Actor<'_>,
    action: &str,
    subject: &Admin,
    detail: &str,
) -> anyhow::Result<()> {
    match actor {
        Actor::Admin(admin) => audit::record(db, admin, action, &subject.id, detail).await,
        Actor::CommandLine => audit::record_command_line(db, subject, action, detail).await,
    }
}

fn describe(admin: &Admin) -> String {
    format!("{} <{}>", admin.name, admin.email)
}

/// Five groups of four letters and digits (about 100 bits), with no look-alike characters, so it
/// can be read out or typed from a screen.
fn generate_password() -> String {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .chunks(4)
        .map(|group| {
            group
                .iter()
                .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::{
        create_admin, session_admin, sign_in, test_db, AdminRole, SignInError, MAX_FAILED_ATTEMPTS,
    };

    const PASSWORD: &str = "a long password";
    const NOW: i64 = 1_800_000_000_000;

    async fn team() -> (Db, Admin, Admin) {
        let db = test_db::fresh().await;
        let ada = create_admin(&db, "ada@tern.test", "Ada", AdminRole::Owner, PASSWORD)
            .await
            .unwrap();
        let sam = create_admin(&db, "sam@tern.test", "Sam", AdminRole::Support, PASSWORD)
            .await
            .unwrap();
        (db, ada, sam)
    }

    async fn actions(db: &Db) -> Vec<String> {
        sqlx::query(
            "SELECT action FROM audit_log WHERE action NOT IN ('signed_in') ORDER BY at, id",
        )
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| row.get("action"))
        .collect()
    }

    #[tokio::test]
    async fn disabling_ends_sessions_and_sign_in_until_enabled() {
        let (db, ada, sam) = team().await;
        let session = sign_in(&db, "sam@tern.test", PASSWORD, NOW).await.unwrap();
        let disabled = set_enabled(&db, Actor::Admin(&ada), &sam.id, false, NOW)
            .await
            .unwrap();
        assert!(disabled.disabled);
        assert_eq!(
            session_admin(&db, &session.secret, NOW + 1).await.unwrap(),
            None
        );
        assert!(matches!(
            sign_in(&db, "sam@tern.test", PASSWORD, NOW + 2).await,
            Err(SignInError::InvalidCredentials)
        ));
        // Twice is harmless and written once.
        set_enabled(&db, Actor::Admin(&ada), &sam.id, false, NOW)
            .await
            .unwrap();
        set_enabled(&db, Actor::CommandLine, &sam.id, true, NOW)
            .await
            .unwrap();
        assert!(sign_in(&db, "sam@tern.test", PASSWORD, NOW + 3)
            .await
            .is_ok());
        assert_eq!(actions(&db).await, ["disabled_admin", "enabled_admin"]);
        let by: String =
            sqlx::query("SELECT admin_name FROM audit_log WHERE action = 'enabled_admin'")
                .fetch_one(db.pool())
                .await
                .unwrap()
                .get("admin_name");
        assert_eq!(by, audit::COMMAND_LINE);
    }

    #[tokio::test]
    async fn the_last_active_owner_stays() {
        let (db, ada, _) = team().await;
        for actor in [Actor::Admin(&ada), Actor::CommandLine] {
            assert!(matches!(
                set_enabled(&db, actor, &ada.id, false, NOW).await,
                Err(StaffError::LastOwner)
            ));
        }
        let bo = create_admin(&db, "bo@tern.test", "Bo", AdminRole::Owner, PASSWORD)
            .await
            .unwrap();
        set_enabled(&db, Actor::Admin(&ada), &bo.id, false, NOW)
            .await
            .unwrap();
        assert!(matches!(
            set_enabled(&db, Actor::Admin(&ada), &ada.id, false, NOW).await,
            Err(StaffError::LastOwner)
        ));
        set_enabled(&db, Actor::Admin(&ada), &bo.id, true, NOW)
            .await
            .unwrap();
        // With another active owner, an owner may step down.
        set_enabled(&db, Actor::Admin(&ada), &ada.id, false, NOW)
            .await
            .unwrap();
        assert!(matches!(
            set_enabled(&db, Actor::Admin(&bo), &bo.id, false, NOW).await,
            Err(StaffError::LastOwner)
        ));
    }

    #[tokio::test]
    async fn a_reset_ends_sessions_and_replaces_the_password() {
        let (db, ada, sam) = team().await;
        let session = sign_in(&db, "sam@tern.test", PASSWORD, NOW).await.unwrap();
        let typed = reset_password(
            &db,
            Actor::Admin(&ada),
            &sam.id,
            NewPassword::Typed("a brand new password".into()),
        )
        .await
        .unwrap();
        assert_eq!(typed, None, "a typed password is never given back");
        assert_eq!(
            session_admin(&db, &session.secret, NOW + 1).await.unwrap(),
            None
        );
        assert!(sign_in(&db, "sam@tern.test", PASSWORD, NOW + 2)
            .await
            .is_err());
        assert!(
            sign_in(&db, "sam@tern.test", "a brand new password", NOW + 3)
                .await
                .is_ok()
        );
        let generated = reset_password(&db, Actor::CommandLine, &sam.id, NewPassword::Generated)
            .await
            .unwrap()
            .expect("a generated password");
        assert_eq!(generated.len(), 24, "{generated}");
        assert!(sign_in(&db, "sam@tern.test", &generated, NOW + 4)
            .await
            .is_ok());
        assert!(matches!(
            reset_password(
                &db,
                Actor::Admin(&ada),
                &sam.id,
                NewPassword::Typed("short".into())
            )
            .await,
            Err(StaffError::PasswordTooShort)
        ));
        let details: Vec<String> =
            sqlx::query("SELECT detail FROM audit_log WHERE action = 'reset_password'")
                .fetch_all(db.pool())
                .await
                .unwrap()
                .iter()
                .map(|row| row.get("detail"))
                .collect();
        assert_eq!(details.len(), 2);
        assert!(details
            .iter()
            .all(|d| !d.contains("brand new") && !d.contains(&generated)));
    }

    #[tokio::test]
    async fn changing_ones_own_password_keeps_this_session_only() {
        let (db, _, sam) = team().await;
        let here = sign_in(&db, "sam@tern.test", PASSWORD, NOW).await.unwrap();
        let elsewhere = sign_in(&db, "sam@tern.test", PASSWORD, NOW).await.unwrap();
        assert!(matches!(
            change_own_password(
                &db,
                &sam,
                &here.secret,
                "not my password",
                "another long one",
                NOW
            )
            .await,
            Err(StaffError::WrongPassword)
        ));
        assert!(matches!(
            change_own_password(&db, &sam, &here.secret, PASSWORD, "short", NOW).await,
            Err(StaffError::PasswordTooShort)
        ));
        change_own_password(&db, &sam, &here.secret, PASSWORD, "another long one", NOW)
            .await
            .unwrap();
        assert!(session_admin(&db, &here.secret, NOW + 1)
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            session_admin(&db, &elsewhere.secret, NOW + 1)
                .await
                .unwrap(),
            None
        );
        assert!(sign_in(&db, "sam@tern.test", "another long one", NOW + 2)
            .await
            .is_ok());
        assert_eq!(actions(&db).await, ["changed_own_password"]);
    }

    #[tokio::test]
    async fn guessing_the_current_password_is_limited() {
        let (db, _, sam) = team().await;
        let here = sign_in(&db, "sam@tern.test", PASSWORD, NOW).await.unwrap();
        for _ in 0..MAX_FAILED_ATTEMPTS {
            assert!(matches!(
                change_own_password(
                    &db,
                    &sam,
                    &here.secret,
                    "a wrong guess!",
                    "another long one",
                    NOW
                )
                .await,
                Err(StaffError::WrongPassword)
            ));
        }
        assert!(matches!(
            change_own_password(&db, &sam, &here.secret, PASSWORD, "another long one", NOW).await,
            Err(StaffError::TooManyAttempts)
        ));
    }

    #[test]
    fn generated_passwords_are_long_and_readable() {
        let password = generate_password();
        assert!(password::long_enough(&password));
        assert!(password
            .chars()
            .all(|c| c == '-' || "23456789abcdefghjkmnpqrstuvwxyz".contains(c)));
        assert_ne!(password, generate_password());
    }
}
