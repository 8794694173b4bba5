//! The low-data email: once per package, when usage crosses the alert level, with a link that
//! signs the traveller in on the eSIM's top-up page.

use super::policy::CarePolicy;
use crate::accounts::sign_in_link;
use crate::mail::{self, queue, UsageAlert};
use crate::Db;
use anyhow::Context;
use domain::data::format_bytes;
use sqlx::Row;

/// How long the one-click top-up link in the email works.
const TOP_UP_LINK_MINUTES: i64 = 72 * 60;

/// Queues the alert if `percent` reached the alert level and this package was not warned yet.
pub(super) async fn maybe_alert(
    db: &Db,
    policy: &CarePolicy,
    package_id: &str,
    percent: u8,
) -> anyhow::Result<bool> {
    let level = policy.alert_percent;
    if percent < level || level == 0 {
        return Ok(false);
    }
    let mut tx = db.pool().begin().await.context("Failed to begin")?;
    // The conditional update is the guard: a webhook and a refresh racing send one email.
    let claimed = sqlx::query(
        "UPDATE esim_packages SET alerted_percent = $1
         WHERE id = $2 AND alerted_percent < $1 AND limit_bytes IS NOT NULL",
    )
    .bind(i64::from(level))
    .bind(package_id)
    .execute(&mut *tx)
    .await
    .context("Failed to claim a usage alert")?
    .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    let row = sqlx::query(
        "SELECT p.name, p.limit_bytes, p.used_bytes, e.iccid, e.label, e.email
         FROM esim_packages p JOIN esims e ON e.iccid = p.iccid WHERE p.id = $1",
    )
    .bind(package_id)
    .fetch_one(&mut *tx)
    .await
    .context("Failed to load the package to alert")?;
    let iccid: String = row.try_get("iccid")?;
    let email: String = row.try_get("email")?;
    let limit: i64 = row.try_get::<Option<i64>, _>("limit_bytes")?.unwrap_or(0);
    let used: i64 = row.try_get("used_bytes")?;
    let link = sign_in_link(
        &mut tx,
        &email,
        Some(&format!("/my-esims/{iccid}/top-up")),
        &policy.public_url,
        TOP_UP_LINK_MINUTES,
    )
    .await?;
    let label: String = row.try_get("label")?;
    let package: String = row.try_get("name")?;
    let remaining = format_bytes((limit - used).max(0) as u64);
    let message = mail::usage_alert(&UsageAlert {
        label: &label,
        package: &package,
        percent: percent.min(100),
        remaining: &remaining,
        top_up_link: &link,
    });
    queue::queue(&mut tx, None, "usage_alert", &email, &message).await?;
    tx.commit()
        .await
        .context("Failed to queue the usage alert")?;
    tracing::info!(package_id, percent, "usage alert queued");
    Ok(true)
}
