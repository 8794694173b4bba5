//! Staff passwords: argon2id PHC strings, hashed off the async runtime, at most one hash per core
//! at a time. An unknown address is checked against a dummy hash, so it takes as long as a wrong
//! password.

use anyhow::Context;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};
use tokio::sync::Semaphore;

/// The shortest password an admin account accepts.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Whether `password` is long enough (counted in characters, not bytes).
pub(super) fn long_enough(password: &str) -> bool {
    password.chars().count() >= MIN_PASSWORD_LEN
}

/// An argon2id PHC string (`$argon2id$v=19$…`) for `password` with a fresh salt.
pub(super) async fn hash(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    bounded(move || hash_now(&password))
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

/// Each argon2 hash takes a core and 19 MiB for its duration, so a burst of sign-ins waits here
/// for a permit (one per core, for the whole process) instead of starving every other request.
struct Hashing {
    permits: Arc<Semaphore>,
    size: usize,
    running: AtomicUsize,
    waiting: AtomicUsize,
    peak: AtomicUsize,
}

static HASHING: LazyLock<Hashing> = LazyLock::new(|| {
    let size = std::thread::available_parallelism().map_or(1, usize::from);
    Hashing {
        permits: Arc::new(Semaphore::new(size)),
        size,
        running: AtomicUsize::new(0),
        waiting: AtomicUsize::new(0),
        peak: AtomicUsize::new(0),
    }
});

/// How busy password hashing is in this process; read by tests and for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingLoad {
    /// How many hashes may run at once (the number of cores).
    pub permits: usize,
    /// Hashes running now.
    pub running: usize,
    /// Hashes waiting for a permit now.
    pub waiting: usize,
    /// The most hashes that ever ran at once.
    pub peak: usize,
}

/// The current [`HashingLoad`].
pub fn hashing_load() -> HashingLoad {
    HashingLoad {
        permits: HASHING.size,
        running: HASHING.running.load(Ordering::SeqCst),
        waiting: HASHING.waiting.load(Ordering::SeqCst),
        peak: HASHING.peak.load(Ordering::SeqCst),
    }
}

/// Runs `work` on the blocking pool once a hashing permit is free. The permit goes with the work,
/// so a request dropped mid-hash (a client that hangs up) keeps its core until the hash ends.
async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let permit = {
        let _waiting = Counted::enter(&HASHING.waiting);
        HASHING.permits.clone().acquire_owned().await
    }
    .context("The password hashing permits were closed")?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let _running = Counted::enter(&HASHING.running);
        HASHING
            .peak
            .fetch_max(HASHING.running.load(Ordering::SeqCst), Ordering::SeqCst);
        work()
    })
    .await
    .context("The password hashing task failed")
}

/// One in a gauge while alive: counted in on creation, out on drop (cancelled futures included).
struct Counted(&'static AtomicUsize);

impl Counted {
    fn enter(gauge: &'static AtomicUsize) -> Counted {
        gauge.fetch_add(1, Ordering::SeqCst);
        Counted(gauge)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether `password` matches the stored PHC string; `None` checks against a dummy hash (and
/// answers false), so unknown accounts cost the same time as known ones.
pub(super) async fn verify(password: &str, stored: Option<String>) -> anyhow::Result<bool> {
    let password = password.to_owned();
    bounded(move || {
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
