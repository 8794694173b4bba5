//! Connecting to SQLite or PostgreSQL through one sqlx `Any` pool, and running the migrations.

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

/// Which database engine is behind the pool; a few statements differ (row locking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The shop's database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    cache: std::sync::Arc<crate::catalogue::ReadCache>,
    /// Held while the listed plans are recomputed: syncs of several providers finish side by
    /// side, and each relisting must see the last one's result.
    relisting: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Held while retail prices are written (a sync's changes, a margin change), so a sync that
    /// read the margins before a change cannot write prices computed from the old ones after it.
    pricing: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Db {
    /// Connects to `sqlite://…` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            create_sqlite_parent(url)?;
            Backend::Sqlite
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:");
        };
        let options = AnyConnectOptions::from_str(url).context("Failed to parse DATABASE_URL")?;
        let pool = AnyPoolOptions::new()
            // SQLite has one writer; a small pool avoids lock contention, WAL lets readers run alongside.
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("Failed to connect to the database")?;
        Ok(Db {
            pool,
            backend,
            cache: Default::default(),
            relisting: Default::default(),
            pricing: Default::default(),
        })
    }

    /// Brings the schema up to date; safe to run at every start.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        sqlx::migrate!("../../migrations")
            .run(&self.pool)
            .await
            .context("Failed to run database migrations")?;
        crate::orders::links::hash_migrated(self).await
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// One relisting at a time on this database; see [`crate::routing::relist`].
    pub(crate) async fn relisting(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.relisting.lock().await
    }

    /// One writer of retail prices at a time on this database; see [`crate::pricing`].
    pub(crate) async fn pricing(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.pricing.lock().await
    }

    /// In-memory copies of catalogue reads, shared by every clone of this `Db`.
    pub fn cache(&self) -> &crate::catalogue::ReadCache {
        &self.cache
    }
}

fn create_sqlite_parent(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("Failed to create {}", parent.display()))?;
    }
    Ok(())
}

/// A round trip to the database, for health checks.
pub async fn ping(db: &Db) -> anyhow::Result<()> {
    sqlx::query("SELECT 1")
        .execute(db.pool())
        .await
        .context("Failed to reach the database")?;
    Ok(())
}
