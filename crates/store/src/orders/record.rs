//! An order row and the guarded status change every use case goes through.

use super::timeline;
use crate::clock::now_millis;
use crate::Db;
use anyhow::{bail, Context};
use domain::{ActivationCode, Currency, Money, OrderStatus};
use sqlx::any::AnyRow;
use sqlx::Row;

/// An order as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRecord {
    pub id: String,
    pub email: String,
    pub plan_id: String,
    pub plan_title: String,
    pub provider: String,
    pub provider_product_id: String,
    pub topup_iccid: Option<String>,
    pub currency: Currency,
    pub amount_minor: i64,
    pub status: OrderStatus,
    pub checkout_session_id: Option<String>,
    pub checkout_url: Option<String>,
    pub payment_intent: Option<String>,
    pub provider_order_id: Option<String>,
    pub iccid: Option<String>,
    pub activation: Option<ActivationCode>,
    pub failure_reason: Option<String>,
    pub account_id: Option<String>,
    /// Set when only part of the payment is to be given back (a cancelled first package keeps the eSIM fee).
    pub refund_minor: Option<i64>,
    /// What Tern pays the serving provider, in the plan's currency (the same as the order's).
    pub wholesale_minor: i64,
    /// The destination of a single-country plan.
    pub country_code: Option<String>,
    pub offer_key: Option<String>,
    /// When fulfilment first asked the current provider.
    pub first_attempt_at: Option<i64>,
    /// Set while `provider_order_id` is a reservation not yet paid for (FMS pre-order).
    pub reserved_until: Option<i64>,
    /// Providers that already failed this order permanently.
    pub failed_providers: Vec<String>,
    /// The provider's word for a pending order, and how often Tern asked.
    pub provider_status: Option<String>,
    pub provider_checks: i64,
    /// Set when a refund was asked for while the eSIM was still being obtained; fulfilment
    /// stops (or terminates what arrives) before the refund runs.
    pub refund_request: Option<RefundRequest>,
    /// An eSIM the provider delivered after that request, and what became of it.
    pub late_esim: Option<LateEsim>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Who returns the money of a refund asked for during fulfilment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundRequest {
    /// Tern refunds, once fulfilment has stopped.
    Refund,
    /// The payment was already refunded outside Tern (the Stripe dashboard).
    AlreadyRefunded,
}

impl RefundRequest {
    pub const fn as_str(&self) -> &'static str {
        match self {
            RefundRequest::Refund => "refund",
            RefundRequest::AlreadyRefunded => "refunded",
        }
    }

    pub fn parse(value: &str) -> Option<RefundRequest> {
        [RefundRequest::Refund, RefundRequest::AlreadyRefunded]
            .into_iter()
            .find(|request| request.as_str() == value)
    }
}

/// What became of an eSIM delivered after its refund was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateEsim {
    /// A durable job is ending it at the provider; the refund follows.
    Terminating,
    Terminated,
    /// The provider cannot or would not end it: a person must.
    NotTerminated,
}

impl LateEsim {
    pub const fn as_str(&self) -> &'static str {
        match self {
            LateEsim::Terminating => "terminating",
            LateEsim::Terminated => "terminated",
            LateEsim::NotTerminated => "not_terminated",
        }
    }

    pub fn parse(value: &str) -> Option<LateEsim> {
        [
            LateEsim::Terminating,
            LateEsim::Terminated,
            LateEsim::NotTerminated,
        ]
        .into_iter()
        .find(|state| state.as_str() == value)
    }
}

impl OrderRecord {
    pub fn amount(&self) -> Money {
        Money::new(self.amount_minor, self.currency)
    }

    /// What a refund gives back: the whole payment, unless only part was agreed.
    pub fn refund_amount(&self) -> Money {
        Money::new(
            self.refund_minor.unwrap_or(self.amount_minor),
            self.currency,
        )
    }

    fn from_row(row: &AnyRow) -> anyhow::Result<Self> {
        let status: String = row.try_get("status")?;
        let smdp: Option<String> = row.try_get("smdp_address")?;
        let matching: Option<String> = row.try_get("matching_id")?;
        Ok(OrderRecord {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            plan_id: row.try_get("plan_id")?,
            plan_title: row.try_get("plan_title")?,
            provider: row.try_get("provider")?,
            provider_product_id: row.try_get("provider_product_id")?,
            topup_iccid: row.try_get("topup_iccid")?,
            currency: Currency::parse(&row.try_get::<String, _>("currency")?)?,
            amount_minor: row.try_get("amount_minor")?,
            status: OrderStatus::parse(&status)
                .with_context(|| format!("unknown order status {status}"))?,
            checkout_session_id: row.try_get("checkout_session_id")?,
            checkout_url: row.try_get("checkout_url")?,
            payment_intent: row.try_get("payment_intent")?,
            provider_order_id: row.try_get("provider_order_id")?,
            iccid: row.try_get("iccid")?,
            activation: match (smdp, matching) {
                (Some(smdp), Some(matching)) => Some(ActivationCode::new(&smdp, &matching)?),
                _ => None,
            },
            failure_reason: row.try_get("failure_reason")?,
            account_id: row.try_get("account_id")?,
            refund_minor: row.try_get("refund_minor")?,
            wholesale_minor: row.try_get("wholesale_minor")?,
            country_code: row.try_get("country_code")?,
            offer_key: row.try_get("offer_key")?,
            first_attempt_at: row.try_get("first_attempt_at")?,
            reserved_until: row.try_get("reserved_until")?,
            failed_providers: row
                .try_get::<String, _>("failed_providers")?
                .split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            provider_status: row.try_get("provider_status")?,
            provider_checks: row.try_get("provider_checks")?,
            refund_request: row
                .try_get::<Option<String>, _>("refund_request")?
                .as_deref()
                .and_then(RefundRequest::parse),
            late_esim: row
                .try_get::<Option<String>, _>("late_esim")?
                .as_deref()
                .and_then(LateEsim::parse),
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

/// Loads one order.
pub async fn load(db: &Db, id: &str) -> anyhow::Result<Option<OrderRecord>> {
    sqlx::query("SELECT * FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .context("Failed to load an order")?
        .map(|row| OrderRecord::from_row(&row))
        .transpose()
}

/// Finds the order a checkout session belongs to.
pub async fn by_checkout_session(db: &Db, session_id: &str) -> anyhow::Result<Option<OrderRecord>> {
    sqlx::query("SELECT * FROM orders WHERE checkout_session_id = $1")
        .bind(session_id)
        .fetch_optional(db.pool())
        .await
        .context("Failed to find the order of a checkout session")?
        .map(|row| OrderRecord::from_row(&row))
        .transpose()
}

/// Extra columns written together with a status change.
#[derive(Debug, Default)]
pub struct Changes<'a> {
    pub payment_intent: Option<&'a str>,
    pub provider_order_id: Option<&'a str>,
    pub iccid: Option<&'a str>,
    pub activation: Option<&'a ActivationCode>,
    pub failure_reason: Option<&'a str>,
    pub refund_minor: Option<i64>,
    /// Jobs (kind names) queued for this order in the same transaction, so a change never loses its follow-up.
    pub jobs: &'a [&'a str],
    /// The change happens only if no refund was asked for meanwhile (a delivery).
    pub unless_refund_requested: bool,
}

/// Moves an order from `from` to `to` if it is still in `from`; returns whether this call made the change.
///
/// The conditional UPDATE is the lock: of two concurrent callers (webhook and success page) exactly one wins.
pub async fn transition(
    db: &Db,
    id: &str,
    from: OrderStatus,
    to: OrderStatus,
    changes: Changes<'_>,
    cause: &str,
) -> anyhow::Result<bool> {
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to begin a status change")?;
    if !transition_in(&mut tx, id, from, to, changes, cause).await? {
        return Ok(false);
    }
    tx.commit()
        .await
        .context("Failed to commit a status change")?;
    tracing::info!(order = id, %from, %to, cause, "order status changed");
    Ok(true)
}

/// [`transition`] inside the caller's transaction, so other writes commit (or not) with it.
pub async fn transition_in(
    tx: &mut sqlx::AnyConnection,
    id: &str,
    from: OrderStatus,
    to: OrderStatus,
    changes: Changes<'_>,
    cause: &str,
) -> anyhow::Result<bool> {
    if !from.can_become(to) {
        bail!("order {id}: {}", from.transition(to).unwrap_err());
    }
    let now = now_millis();
    let guard = match changes.unless_refund_requested {
        true => " AND refund_requested_at IS NULL",
        false => "",
    };
    let updated = sqlx::query(&format!(
        "UPDATE orders SET status = $1, updated_at = $2,
           payment_intent = COALESCE($3, payment_intent),
           provider_order_id = COALESCE($4, provider_order_id),
           iccid = COALESCE($5, iccid),
           smdp_address = COALESCE($6, smdp_address),
           matching_id = COALESCE($7, matching_id),
           failure_reason = COALESCE($8, failure_reason),
           refund_minor = COALESCE($9, refund_minor)
         WHERE id = $10 AND status = $11{guard}"
    ))
    .bind(to.as_str())
    .bind(now)
    .bind(changes.payment_intent)
    .bind(changes.provider_order_id)
    .bind(changes.iccid)
    .bind(changes.activation.map(|a| a.smdp_address.clone()))
    .bind(changes.activation.map(|a| a.matching_id.clone()))
    .bind(changes.failure_reason)
    .bind(changes.refund_minor)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *tx)
    .await
    .with_context(|| format!("Failed to move order {id} to {to}"))?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    timeline::record(&mut *tx, id, "status", Some(from), Some(to), cause).await?;
    for kind in changes.jobs {
        crate::jobs::enqueue(&mut *tx, kind, id, std::time::Duration::ZERO).await?;
    }
    Ok(true)
}
