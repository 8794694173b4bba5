//! Refreshing an eSIM from its provider: its state, its QR details and every package's usage.

use super::alerts;
use super::policy::{interval_for, CarePolicy};
use crate::clock::now_millis;
use crate::jobs::backoff;
use crate::Db;
use anyhow::Context;
use domain::{EsimState, Iccid};
use providers::{EsimProvider, PackageReport, ProviderError};
use sqlx::Row;
use std::time::Duration;

/// What a refresh achieved.
#[derive(Debug)]
pub enum RefreshOutcome {
    Fresh,
    /// The stored figures stay; the next attempt is scheduled with backoff.
    ProviderFailed(ProviderError),
    /// The provider reports no usage; nothing to refresh.
    Unsupported,
}

/// eSIMs whose next refresh is due, oldest first: (ICCID, provider).
pub async fn due_for_refresh(db: &Db, limit: i64) -> anyhow::Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT iccid, provider FROM esims WHERE next_sync_at <= $1 ORDER BY next_sync_at LIMIT $2",
    )
    .bind(now_millis())
    .bind(limit)
    .fetch_all(db.pool())
    .await
    .context("Failed to list eSIMs due a refresh")?;
    rows.iter()
        .map(|row| Ok((row.try_get("iccid")?, row.try_get("provider")?)))
        .collect()
}

/// Fetches the eSIM's state and packages from `provider` and stores them; provider failures are
/// recorded (and retried later), never raised.
#[tracing::instrument(skip(db, provider, policy))]
pub async fn refresh(
    db: &Db,
    provider: &dyn EsimProvider,
    policy: &CarePolicy,
    iccid: &str,
) -> anyhow::Result<RefreshOutcome> {
    let now = now_millis();
    let parsed = Iccid::parse(iccid).context("stored ICCID")?;
    if !provider.capabilities().usage {
        schedule(db, iccid, now + 86_400_000).await?;
        return Ok(RefreshOutcome::Unsupported);
    }
    let fetched = async {
        let status = provider.esim_status(&parsed).await?;
        let packages = provider.esim_packages(&parsed).await?;
        Ok::<_, ProviderError>((status, packages))
    }
    .await;
    let (status, packages) = match fetched {
        Ok(fetched) => fetched,
        Err(error) => {
            record_failure(db, iccid, &error, now).await?;
            return Ok(RefreshOutcome::ProviderFailed(error));
        }
    };
    let mut tx = db.pool().begin().await.context("Failed to begin")?;
    let next = now + interval_for(policy, status.state).as_millis() as i64;
    sqlx::query(
        "UPDATE esims SET state = $1, synced_at = $2, next_sync_at = $3, sync_failures = 0, last_sync_error = NULL,
           smdp_address = COALESCE($4, smdp_address), matching_id = COALESCE($5, matching_id)
         WHERE iccid = $6",
    )
    .bind(status.state.as_str())
    .bind(now)
    .bind(next)
    .bind(status.activation.as_ref().map(|a| a.smdp_address.clone()))
    .bind(status.activation.as_ref().map(|a| a.matching_id.clone()))
    .bind(iccid)
    .execute(&mut *tx)
    .await
    .context("Failed to store the eSIM's state")?;
    for package in &packages {
        store_package(&mut tx, iccid, package, now).await?;
    }
    tx.commit().await.context("Failed to store the refresh")?;
    for package in &packages {
        if let Some(percent) = package.usage.used_percent() {
            alerts::maybe_alert(db, policy, &package.provider_order_id, percent).await?;
        }
    }
    Ok(RefreshOutcome::Fresh)
}

async fn store_package(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    iccid: &str,
    package: &PackageReport,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO esim_packages (id, iccid, product_id, name, state, limit_bytes, used_bytes, bought_at,
           activated_at, expires_at, alerted_percent, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, limit_bytes = excluded.limit_bytes,
           used_bytes = excluded.used_bytes, bought_at = COALESCE(esim_packages.bought_at, excluded.bought_at),
           activated_at = excluded.activated_at, expires_at = excluded.expires_at, updated_at = excluded.updated_at",
    )
    .bind(&package.provider_order_id)
    .bind(iccid)
    .bind(&package.product.0)
    .bind(&package.product_name)
    .bind(package.state.as_str())
    .bind(package.usage.limit_bytes.map(|b| b as i64))
    .bind(package.usage.used_bytes as i64)
    .bind(package.created_at)
    .bind(package.activated_at)
    .bind(package.expires_at)
    .bind(now)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("Failed to store package {}", package.provider_order_id))?;
    Ok(())
}

/// Counts the failure and schedules the next attempt with backoff, in one statement, so the
/// count and the schedule are never seen apart. A failure of a refresh that began before the
/// last successful one is stale and changes nothing.
async fn record_failure(
    db: &Db,
    iccid: &str,
    error: &ProviderError,
    started: i64,
) -> anyhow::Result<()> {
    let failures: i64 = sqlx::query("SELECT sync_failures FROM esims WHERE iccid = $1")
        .bind(iccid)
        .fetch_one(db.pool())
        .await
        .context("Failed to read the refresh failures")?
        .try_get("sync_failures")?;
    let delay = backoff(Duration::from_secs(30), (failures + 1) as u32);
    sqlx::query(
        "UPDATE esims SET sync_failures = sync_failures + 1, last_sync_error = $1, next_sync_at = $2
         WHERE iccid = $3 AND COALESCE(synced_at, 0) <= $4",
    )
    .bind(error.to_string())
    .bind(now_millis() + delay.as_millis() as i64)
    .bind(iccid)
    .bind(started)
    .execute(db.pool())
    .await
    .context("Failed to record a refresh failure")?;
    tracing::warn!(iccid, %error, failures = failures + 1, "usage refresh failed; retrying in {delay:?}");
    Ok(())
}

async fn schedule(db: &Db, iccid: &str, at: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE esims SET next_sync_at = $1 WHERE iccid = $2")
        .bind(at)
        .bind(iccid)
        .execute(db.pool())
        .await
        .context("Failed to schedule a refresh")?;
    Ok(())
}

/// Parses a stored eSIM state, falling back to PROVISIONED for anything unknown.
pub(super) fn state_of(stored: &str) -> EsimState {
    EsimState::parse(stored).unwrap_or(EsimState::Provisioned)
}

/// The account's eSIMs whose figures are older than `stale_after` (or never fetched): (ICCID, provider).
pub async fn stale_for_account(
    db: &Db,
    account_id: &str,
    stale_after: Duration,
) -> anyhow::Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT iccid, provider FROM esims
         WHERE account_id = $1 AND (synced_at IS NULL OR synced_at < $2)",
    )
    .bind(account_id)
    .bind(now_millis() - stale_after.as_millis() as i64)
    .fetch_all(db.pool())
    .await
    .context("Failed to list stale eSIMs")?;
    rows.iter()
        .map(|row| Ok((row.try_get("iccid")?, row.try_get("provider")?)))
        .collect()
}
