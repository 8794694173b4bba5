//! Staff passwords: argon2id PHC strings, hashed off the async runtime. An unknown address is
//! checked against a dummy hash, so it takes as long as a wrong password.

use anyhow::Context;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

/// The shortest password an admin account accepts.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Whether `password` is long enough (counted in characters, not bytes).
pub(super) fn long_enough(password: &str) -> bool {
    password.chars().count() >= MIN_PASSWORD_LEN
}

/// An argon2id PHC string (`$argon2id$v=19$…`) for `password` with a fresh salt.
pub(super) async fn hash(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .context("Failed to run the password hasher")?
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("Failed to hash a password")
}

/// Whether `password` matches the stored PHC string; `None` checks against a dummy hash (and
/// answers false), so unknown accounts cost the same time as known ones.
pub(super) async fn verify(password: &str, stored: Option<String>) -> anyhow::Result<bool> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = match stored {
            Some(stored) => stored,
            None => dummy_hash()?.to_owned(),
        };
        Ok(verify_now(&password, &stored)? && known)
    })
    .await
    .context("Failed to run the password verifier")?
}

fn verify_now(password: &str, stored: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("Failed to parse a stored password hash")?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

fn dummy_hash() -> anyhow::Result<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let hash = hash_now(&crate::ids::new_secret())?;
    Ok(DUMMY.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_only() {
        let stored = hash("correct horse battery").await.unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("correct horse"));
        assert!(verify("correct horse battery", Some(stored.clone()))
            .await
            .unwrap());
        assert!(!verify("correct horse batterY", Some(stored.clone()))
            .await
            .unwrap());
        assert_ne!(
            stored,
            hash("correct horse battery").await.unwrap(),
            "salted"
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify("anything at all", None).await.unwrap());
    }

    #[test]
    fn passwords_need_twelve_characters() {
        assert!(!long_enough("elevenchars"));
        assert!(long_enough("twelve chars"));
        assert!(long_enough("ééééééééééé1"));
    }
}
