//! What a traveller sees of their own eSIMs; nothing here opens an eSIM of another account.

use super::policy::{CarePolicy, REFUND_WINDOW_MS};
use super::sync::state_of;
use crate::clock::now_millis;
use crate::Db;
use anyhow::Context;
use domain::my_esim::{EsimDetail, EsimSummary, PackageView};
use domain::usage::{PackageState, PackageUsage};
use domain::{ActivationCode, Currency, EsimInstall, Money, OrderStatus};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Every eSIM of the account, newest first.
pub async fn list_for_account(db: &Db, account_id: &str) -> anyhow::Result<Vec<EsimSummary>> {
    let rows = sqlx::query(
        "SELECT iccid, label, destination, state, synced_at FROM esims WHERE account_id = $1 ORDER BY created_at DESC",
    )
    .bind(account_id)
    .fetch_all(db.pool())
    .await
    .context("Failed to list eSIMs")?;
    let mut summaries = Vec::with_capacity(rows.len());
    for row in rows {
        let iccid: String = row.try_get("iccid")?;
        let packages = packages(db, &iccid, None, false).await?;
        summaries.push(summary(&row, &packages)?);
    }
    Ok(summaries)
}

/// One eSIM of the account with its install details and every package; `None` when the account
/// does not own it. `can_top_up` and `can_cancel` say what the eSIM's provider supports.
pub async fn detail_for_account(
    db: &Db,
    policy: &CarePolicy,
    account_id: &str,
    iccid: &str,
    can_top_up: bool,
    can_cancel: bool,
    refresh_error: Option<String>,
) -> anyhow::Result<Option<EsimDetail>> {
    let row = sqlx::query(
        "SELECT iccid, label, destination, state, synced_at, smdp_address, matching_id
         FROM esims WHERE iccid = $1 AND account_id = $2",
    )
    .bind(iccid)
    .bind(account_id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the eSIM")?;
    let Some(row) = row else { return Ok(None) };
    let refund_policy = can_cancel.then_some(policy);
    let packages = packages(db, iccid, refund_policy, true).await?;
    let code = ActivationCode::new(
        &row.try_get::<String, _>("smdp_address")?,
        &row.try_get::<String, _>("matching_id")?,
    )?;
    Ok(Some(EsimDetail {
        summary: summary(&row, &packages)?,
        install: EsimInstall::new(iccid, &code, crate::qr::svg(&code.lpa())?),
        packages,
        can_top_up,
        refresh_error,
    }))
}

/// Why a new label was refused.
#[derive(Debug, thiserror::Error)]
pub enum RenameError {
    #[error("Please give the eSIM a name of 1 to 40 characters.")]
    Invalid,
    #[error("eSIM not found.")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub async fn rename(
    db: &Db,
    account_id: &str,
    iccid: &str,
    label: &str,
) -> Result<String, RenameError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 40 || label.chars().any(char::is_control) {
        return Err(RenameError::Invalid);
    }
    let updated = sqlx::query("UPDATE esims SET label = $1 WHERE iccid = $2 AND account_id = $3")
        .bind(label)
        .bind(iccid)
        .bind(account_id)
        .execute(db.pool())
        .await
        .context("Failed to rename the eSIM")?
        .rows_affected();
    if updated == 0 {
        return Err(RenameError::NotFound);
    }
    Ok(label.to_owned())
}

fn summary(row: &AnyRow, packages: &[PackageView]) -> anyhow::Result<EsimSummary> {
    let current = packages
        .iter()
        .find(|p| p.state == PackageState::Active)
        .or_else(|| {
            // The next to start is the oldest one waiting.
            packages
                .iter()
                .filter(|p| p.state == PackageState::Pending)
                .min_by_key(|p| p.bought_at)
        })
        .cloned();
    let queued = packages
        .iter()
        .filter(|p| {
            p.state == PackageState::Pending && Some(&p.id) != current.as_ref().map(|c| &c.id)
        })
        .count() as u32;
    Ok(EsimSummary {
        iccid: row.try_get("iccid")?,
        label: row.try_get("label")?,
        destination: row.try_get("destination")?,
        state: state_of(&row.try_get::<String, _>("state")?),
        current,
        queued,
        synced_at: row.try_get("synced_at")?,
    })
}

/// The eSIM's packages, newest first; with a policy, each says whether it can be cancelled now.
pub(super) async fn packages(
    db: &Db,
    iccid: &str,
    refund_policy: Option<&CarePolicy>,
    newest_first: bool,
) -> anyhow::Result<Vec<PackageView>> {
    let rows = sqlx::query(
        "SELECT p.id, p.name, p.state, p.limit_bytes, p.used_bytes, p.bought_at, p.activated_at, p.expires_at,
                o.id AS order_id, o.kind, o.status AS order_status, o.amount_minor, o.currency, o.created_at AS ordered_at
         FROM esim_packages p LEFT JOIN orders o ON o.id = p.order_id
         WHERE p.iccid = $1",
    )
    .bind(iccid)
    .fetch_all(db.pool())
    .await
    .context("Failed to load packages")?;
    let now = now_millis();
    let mut views = rows
        .iter()
        .map(|row| package_view(row, refund_policy, now))
        .collect::<anyhow::Result<Vec<_>>>()?;
    views.sort_by_key(|p| std::cmp::Reverse(p.bought_at));
    if !newest_first {
        views.reverse();
    }
    Ok(views)
}

fn package_view(
    row: &AnyRow,
    refund_policy: Option<&CarePolicy>,
    now: i64,
) -> anyhow::Result<PackageView> {
    let state_name: String = row.try_get("state")?;
    let state = PackageState::parse(&state_name)
        .with_context(|| format!("unknown package state {state_name}"))?;
    let kind: Option<String> = row.try_get("kind")?;
    let is_top_up = kind.as_deref() == Some("topup");
    let refund = match refund_policy {
        Some(policy) => refundable(row, policy, state, is_top_up, now)?,
        None => None,
    };
    Ok(PackageView {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        state,
        usage: PackageUsage {
            limit_bytes: row
                .try_get::<Option<i64>, _>("limit_bytes")?
                .map(|b| b.max(0) as u64),
            used_bytes: row.try_get::<i64, _>("used_bytes")?.max(0) as u64,
        },
        bought_at: row.try_get("bought_at")?,
        activated_at: row.try_get("activated_at")?,
        expires_at: row.try_get("expires_at")?,
        refund,
        is_top_up,
    })
}

/// What cancelling the package would refund, if it may be cancelled: unused, paid through Tern,
/// within 60 days; a new eSIM's first package keeps the eSIM fee.
pub(super) fn refundable(
    row: &AnyRow,
    policy: &CarePolicy,
    state: PackageState,
    is_top_up: bool,
    now: i64,
) -> anyhow::Result<Option<Money>> {
    let Some(order_status) = row.try_get::<Option<String>, _>("order_status")? else {
        return Ok(None);
    };
    let ordered_at: i64 = row.try_get::<Option<i64>, _>("ordered_at")?.unwrap_or(0);
    if state != PackageState::Pending
        || OrderStatus::parse(&order_status) != Some(OrderStatus::Ready)
        || now - ordered_at >= REFUND_WINDOW_MS
    {
        return Ok(None);
    }
    let amount: i64 = row.try_get::<Option<i64>, _>("amount_minor")?.unwrap_or(0);
    let currency = Currency::parse(
        &row.try_get::<Option<String>, _>("currency")?
            .unwrap_or_default(),
    )?;
    let fee = if is_top_up { 0 } else { policy.esim_fee_minor };
    let back = amount - fee;
    Ok((back > 0).then(|| Money::new(back, currency)))
}

/// What the downloadable install pack holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsimPack {
    pub iccid: String,
    pub label: String,
    pub destination: String,
    pub install: EsimInstall,
}

/// The install details of the account's eSIM, for the offline install pack.
pub async fn install_pack(
    db: &Db,
    account_id: &str,
    iccid: &str,
) -> anyhow::Result<Option<EsimPack>> {
    let row = sqlx::query(
        "SELECT iccid, label, destination, smdp_address, matching_id FROM esims WHERE iccid = $1 AND account_id = $2",
    )
    .bind(iccid)
    .bind(account_id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the eSIM")?;
    let Some(row) = row else { return Ok(None) };
    let code = ActivationCode::new(
        &row.try_get::<String, _>("smdp_address")?,
        &row.try_get::<String, _>("matching_id")?,
    )?;
    Ok(Some(EsimPack {
        iccid: row.try_get("iccid")?,
        label: row.try_get("label")?,
        destination: row.try_get("destination")?,
        // The pack carries the QR as a PNG, rendered when the ZIP is built.
        install: EsimInstall::new(iccid, &code, String::new()),
    }))
}
