//! Cancelling an unused package for a refund (seed 004 §5): the provider terminates it and
//! confirms the refund first; only then is the traveller's payment refunded, through the order's
//! durable refund job.

use super::policy::CarePolicy;
use super::view::refundable;
use crate::clock::now_millis;
use crate::orders;
use crate::Db;
use anyhow::Context;
use domain::usage::PackageState;
use domain::{Money, OrderStatus};
use providers::{EsimProvider, ProviderError};
use sqlx::Row;

/// The package is cancelled and `refund` is on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled {
    pub refund: Money,
}

/// Why a package was not cancelled; each message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    #[error("Package not found.")]
    NotFound,
    #[error("This package cannot be cancelled: {0}")]
    NotRefundable(&'static str),
    #[error("We could not reach the network operator, so nothing was cancelled. Please try again in a few minutes.")]
    Provider(ProviderError),
    #[error("The package was cancelled, but the network operator did not confirm a refund. Our support team has been told and will sort it out.")]
    RefundDeclined,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for CancelError {
    fn from(error: sqlx::Error) -> Self {
        CancelError::Unexpected(error.into())
    }
}

pub async fn cancel_package(
    db: &Db,
    provider: &dyn EsimProvider,
    policy: &CarePolicy,
    account_id: &str,
    iccid: &str,
    package_id: &str,
) -> Result<Cancelled, CancelError> {
    let row = sqlx::query(
        "SELECT p.state, p.name, o.id AS order_id, o.kind, o.status AS order_status, o.amount_minor, o.currency,
                o.created_at AS ordered_at
         FROM esim_packages p JOIN esims e ON e.iccid = p.iccid LEFT JOIN orders o ON o.id = p.order_id
         WHERE p.id = $1 AND p.iccid = $2 AND e.account_id = $3",
    )
    .bind(package_id)
    .bind(iccid)
    .bind(account_id)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the package")?
    .ok_or(CancelError::NotFound)?;
    if !provider.capabilities().terminate {
        return Err(CancelError::NotRefundable("this network does not allow it"));
    }
    let state = PackageState::parse(&row.try_get::<String, _>("state")?)
        .unwrap_or(PackageState::Terminated);
    let is_top_up = row.try_get::<Option<String>, _>("kind")?.as_deref() == Some("topup");
    let refund = refundable(&row, policy, state, is_top_up, now_millis())?.ok_or(
        CancelError::NotRefundable(
            "only unused packages bought here in the last 60 days can be cancelled",
        ),
    )?;
    let order_id: String = row
        .try_get::<Option<String>, _>("order_id")?
        .context("order")?;

    // The stored state may be minutes old; the provider decides.
    let live = provider
        .package(package_id)
        .await
        .map_err(CancelError::Provider)?;
    if live.state != PackageState::Pending {
        mark(db, package_id, live.state).await?;
        return Err(CancelError::NotRefundable("it has already started"));
    }
    let outcome = provider
        .terminate_package(package_id)
        .await
        .map_err(CancelError::Provider)?;
    mark(db, package_id, PackageState::Terminated).await?;
    if !outcome.refunded {
        crate::orders::note(
            db,
            &order_id,
            "provider",
            &format!("Traveller cancelled package {package_id}; the provider did not refund it. Needs attention."),
        )
        .await?;
        return Err(CancelError::RefundDeclined);
    }
    crate::orders::note(
        db,
        &order_id,
        "provider",
        &format!(
            "Traveller cancelled unused package {package_id}; the provider confirmed the refund"
        ),
    )
    .await?;
    orders::begin_refund(
        db,
        &order_id,
        OrderStatus::Ready,
        refund.minor,
        &format!("Refunding {refund} for the cancelled package"),
    )
    .await?;
    Ok(Cancelled { refund })
}

async fn mark(db: &Db, package_id: &str, state: PackageState) -> anyhow::Result<()> {
    sqlx::query("UPDATE esim_packages SET state = $1, updated_at = $2 WHERE id = $3")
        .bind(state.as_str())
        .bind(now_millis())
        .bind(package_id)
        .execute(db.pool())
        .await
        .context("Failed to store the package state")?;
    Ok(())
}
