//! Provider usage webhooks (eSIMfx: ACTIVATION, EXPIRATION, DATA_USAGE), applied once each.

use super::alerts;
use super::policy::CarePolicy;
use crate::clock::now_millis;
use crate::Db;
use anyhow::Context;
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageEventKind {
    Activation,
    Expiration,
    DataUsage,
    Other,
}

/// A provider's event, already authenticated and parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageEvent {
    pub provider: String,
    /// Same key, same event: a repeat delivery changes nothing.
    pub dedupe_key: String,
    pub kind: UsageEventKind,
    /// The provider's own name for the event type, kept for the record.
    pub name: String,
    pub iccid: Option<String>,
    /// The provider's order id of the package.
    pub package_id: Option<String>,
    pub threshold: Option<u8>,
    pub used_bytes: Option<u64>,
    pub limit_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventOutcome {
    /// Stored and applied; the eSIM is due a full refresh. Holds its ICCID.
    Applied {
        iccid: String,
    },
    Duplicate,
    /// About an eSIM Tern does not know; recorded and otherwise ignored.
    Unknown,
}

pub async fn handle_usage_event(
    db: &Db,
    policy: &CarePolicy,
    event: &UsageEvent,
) -> anyhow::Result<EventOutcome> {
    let now = now_millis();
    let mut tx = db.pool().begin().await.context("Failed to begin")?;
    let fresh = sqlx::query(
        "INSERT INTO provider_events (provider, dedupe_key, event_type, iccid, received_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, dedupe_key) DO NOTHING",
    )
    .bind(&event.provider)
    .bind(&event.dedupe_key)
    .bind(&event.name)
    .bind(event.iccid.as_deref())
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("Failed to record a provider event")?
    .rows_affected();
    if fresh == 0 {
        return Ok(EventOutcome::Duplicate);
    }
    let package = match &event.package_id {
        Some(id) => sqlx::query("SELECT iccid FROM esim_packages WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .context("Failed to find the package")?
            .map(|row| row.try_get::<String, _>("iccid"))
            .transpose()?,
        None => None,
    };
    let iccid = match package.or_else(|| event.iccid.clone()) {
        Some(iccid) => sqlx::query("SELECT iccid FROM esims WHERE iccid = $1 AND provider = $2")
            .bind(&iccid)
            .bind(&event.provider)
            .fetch_optional(&mut *tx)
            .await
            .context("Failed to find the eSIM")?
            .map(|row| row.try_get::<String, _>("iccid"))
            .transpose()?,
        None => None,
    };
    let Some(iccid) = iccid else {
        tx.commit().await.context("Failed to record the event")?;
        return Ok(EventOutcome::Unknown);
    };
    let package_id = event.package_id.as_deref().unwrap_or_default();
    match event.kind {
        UsageEventKind::DataUsage => {
            if let Some(used) = event.used_bytes {
                // Deliveries can arrive out of order: usage only ever grows.
                sqlx::query(
                    "UPDATE esim_packages SET used_bytes = CASE WHEN used_bytes < $1 THEN $1 ELSE used_bytes END,
                       limit_bytes = COALESCE($2, limit_bytes), updated_at = $3
                     WHERE id = $4 AND iccid = $5 AND limit_bytes IS NOT NULL",
                )
                .bind(used as i64)
                .bind(event.limit_bytes.map(|b| b as i64))
                .bind(now)
                .bind(package_id)
                .bind(&iccid)
                .execute(&mut *tx)
                .await
                .context("Failed to store usage")?;
            }
        }
        UsageEventKind::Activation => {
            sqlx::query("UPDATE esims SET state = 'ACTIVE' WHERE iccid = $1 AND state IN ('PROVISIONED', 'INSTALLED')")
                .bind(&iccid)
                .execute(&mut *tx)
                .await
                .context("Failed to store the activation")?;
            sqlx::query("UPDATE esim_packages SET state = 'ACTIVE', activated_at = COALESCE(activated_at, $1), updated_at = $1
                         WHERE id = $2 AND iccid = $3 AND state = 'PENDING'")
                .bind(now)
                .bind(package_id)
                .bind(&iccid)
                .execute(&mut *tx)
                .await
                .context("Failed to store the activation")?;
        }
        UsageEventKind::Expiration => {
            sqlx::query(
                "UPDATE esim_packages SET state = 'EXPIRED', updated_at = $1
                         WHERE id = $2 AND iccid = $3 AND state IN ('PENDING', 'ACTIVE')",
            )
            .bind(now)
            .bind(package_id)
            .bind(&iccid)
            .execute(&mut *tx)
            .await
            .context("Failed to store the expiry")?;
        }
        UsageEventKind::Other => {}
    }
    // The event says something changed; the provider's full picture follows at once.
    sqlx::query("UPDATE esims SET next_sync_at = $1 WHERE iccid = $2")
        .bind(now)
        .bind(&iccid)
        .execute(&mut *tx)
        .await
        .context("Failed to schedule a refresh")?;
    tx.commit().await.context("Failed to apply the event")?;
    let percent = match (event.kind, event.used_bytes, event.limit_bytes) {
        (UsageEventKind::DataUsage, Some(used), Some(limit)) if limit > 0 => {
            Some((used.saturating_mul(100) / limit).min(100) as u8)
        }
        (UsageEventKind::DataUsage, _, _) => event.threshold,
        _ => None,
    };
    if let (Some(percent), Some(package_id)) = (percent, &event.package_id) {
        alerts::maybe_alert(db, policy, package_id, percent).await?;
    }
    Ok(EventOutcome::Applied { iccid })
}
