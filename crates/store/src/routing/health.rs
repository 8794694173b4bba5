//! Provider health from the calls Tern makes: a provider that failed this many times in a row is
//! unhealthy, so "cheapest healthy" routing passes it over until a call succeeds again.

use crate::clock::now_millis;
use crate::Db;
use anyhow::Context;
use providers::ProviderError;
use sqlx::Row;
use std::collections::HashSet;
use std::time::Duration;

/// Consecutive failures that make a provider unhealthy.
pub const UNHEALTHY_AFTER: i64 = 3;

/// Whether an error says the provider itself is in trouble, rather than refusing one request.
pub fn counts_against(error: &ProviderError) -> bool {
    error.is_retryable() || matches!(error, ProviderError::Unauthorized)
}

/// Records one call; answers whether the provider's health flipped, so routing must be redone.
pub async fn record(
    db: &Db,
    provider: &str,
    latency: Duration,
    error: Option<&str>,
) -> anyhow::Result<bool> {
    let now = now_millis();
    let before = consecutive_failures(db, provider).await?;
    let failed = i64::from(error.is_some());
    sqlx::query(
        "INSERT INTO provider_health (provider, calls, failures, consecutive_failures, total_latency_ms,
           last_success_at, last_failure_at, last_error, updated_at)
         VALUES ($1, 1, $2, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (provider) DO UPDATE SET
           calls = provider_health.calls + 1,
           failures = provider_health.failures + $2,
           consecutive_failures = CASE WHEN $2 = 1 THEN provider_health.consecutive_failures + 1 ELSE 0 END,
           total_latency_ms = provider_health.total_latency_ms + $3,
           last_success_at = COALESCE($4, provider_health.last_success_at),
           last_failure_at = COALESCE($5, provider_health.last_failure_at),
           last_error = COALESCE($6, provider_health.last_error),
           updated_at = $7",
    )
    .bind(provider)
    .bind(failed)
    .bind(latency.as_millis() as i64)
    .bind((failed == 0).then_some(now))
    .bind((failed == 1).then_some(now))
    .bind(error)
    .bind(now)
    .execute(db.pool())
    .await
    .context("Failed to record provider health")?;
    let after = if failed == 1 { before + 1 } else { 0 };
    Ok((before >= UNHEALTHY_AFTER) != (after >= UNHEALTHY_AFTER))
}

async fn consecutive_failures(db: &Db, provider: &str) -> anyhow::Result<i64> {
    Ok(
        sqlx::query("SELECT consecutive_failures FROM provider_health WHERE provider = $1")
            .bind(provider)
            .fetch_optional(db.pool())
            .await
            .context("Failed to read provider health")?
            .map(|row| row.try_get::<i64, _>("consecutive_failures"))
            .transpose()?
            .unwrap_or(0),
    )
}

/// Providers routing should pass over right now.
pub async fn unhealthy(db: &Db) -> anyhow::Result<HashSet<String>> {
    let rows = sqlx::query("SELECT provider FROM provider_health WHERE consecutive_failures >= $1")
        .bind(UNHEALTHY_AFTER)
        .fetch_all(db.pool())
        .await
        .context("Failed to load provider health")?;
    rows.iter()
        .map(|row| row.try_get::<String, _>("provider").map_err(Into::into))
        .collect()
}

/// One provider's figures, for the admin and the health endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderHealth {
    pub provider: String,
    pub calls: i64,
    pub failures: i64,
    pub consecutive_failures: i64,
    pub average_latency_ms: i64,
    pub last_success_at: Option<i64>,
    pub last_failure_at: Option<i64>,
    pub last_error: Option<String>,
}

impl ProviderHealth {
    pub fn healthy(&self) -> bool {
        self.consecutive_failures < UNHEALTHY_AFTER
    }
}

pub async fn all(db: &Db) -> anyhow::Result<Vec<ProviderHealth>> {
    let rows = sqlx::query("SELECT * FROM provider_health ORDER BY provider")
        .fetch_all(db.pool())
        .await
        .context("Failed to load provider health")?;
    rows.iter()
        .map(|row| {
            let calls: i64 = row.try_get("calls")?;
            Ok(ProviderHealth {
                provider: row.try_get("provider")?,
                calls,
                failures: row.try_get("failures")?,
                consecutive_failures: row.try_get("consecutive_failures")?,
                average_latency_ms: row.try_get::<i64, _>("total_latency_ms")? / calls.max(1),
                last_success_at: row.try_get("last_success_at")?,
                last_failure_at: row.try_get("last_failure_at")?,
                last_error: row.try_get("last_error")?,
            })
        })
        .collect()
}

/// Awaits a provider call, records how it went, and relists plans if the provider's health
/// flipped; the call's own result is handed back unchanged (a provider error becomes an anyhow
/// error only where the caller asked for `?`).
pub async fn observe<T>(
    db: &Db,
    provider: &str,
    call: impl std::future::Future<Output = Result<T, ProviderError>>,
) -> anyhow::Result<T> {
    let result = timed(db, provider, call).await?;
    result.map_err(anyhow::Error::from)
}

/// Like [`observe`], but keeps the typed provider error for callers that decide on it.
pub async fn timed<T>(
    db: &Db,
    provider: &str,
    call: impl std::future::Future<Output = Result<T, ProviderError>>,
) -> anyhow::Result<Result<T, ProviderError>> {
    let started = std::time::Instant::now();
    let result = call.await;
    let error = match &result {
        Err(error) if counts_against(error) => Some(error.to_string()),
        _ => None,
    };
    if record(db, provider, started.elapsed(), error.as_deref()).await? {
        super::relist(db).await?;
    }
    Ok(result)
}
