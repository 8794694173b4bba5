//! A refund asked for while the order's eSIM is still being obtained (by an admin, or seen in a
//! `charge.refunded` webhook) never races the provider call in flight: the request is stored on
//! the order, and the fulfilment job acts on it at its next resting point. Before asking the
//! provider, it stops and refunds; when the provider answers with an eSIM after the request, the
//! delivery is refused in the same conditional UPDATE that would have made the order ready, the
//! eSIM is recorded as arrived after the refund, and a durable job terminates it at the provider
//! before the refund runs. A provider that cannot terminate leaves the order flagged for a person.

use super::fulfilment::{note_and_retry, FulfilmentContext, JobKind, Retry};
use super::record::{self, Changes, LateEsim, OrderRecord, RefundRequest};
use super::timeline;
use crate::clock::now_millis;
use crate::jobs::{self, ClaimedJob};
use crate::Db;
use anyhow::Context;
use domain::OrderStatus;
use providers::ProvisionedEsim;
use sqlx::Row;

/// What a refund request found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// Stored; `in_flight` when fulfilment is under way (a provider call or a pending provider
    /// order), so the refund follows its answer.
    Stored { in_flight: bool },
    /// A refund was already asked for.
    AlreadyRequested,
    /// The order is no longer waiting for its eSIM.
    NotFulfilling,
}

/// Asks for a refund of a `paid` or `provisioning` order, in one transaction with the check:
/// the request, a timeline line (`cause`) and a wake-up of the fulfilment job, which carries it out.
pub async fn request(
    db: &Db,
    order: &OrderRecord,
    kind: RefundRequest,
    cause: &str,
) -> anyhow::Result<Requested> {
    let now = now_millis();
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to begin a refund request")?;
    let stored = sqlx::query(
        "UPDATE orders SET refund_requested_at = $1, refund_request = $2,
           failure_reason = COALESCE(failure_reason, $3), updated_at = $1
         WHERE id = $4 AND status IN ($5, $6) AND refund_requested_at IS NULL",
    )
    .bind(now)
    .bind(kind.as_str())
    .bind(cause)
    .bind(&order.id)
    .bind(OrderStatus::Paid.as_str())
    .bind(OrderStatus::Provisioning.as_str())
    .execute(&mut *tx)
    .await
    .context("Failed to store a refund request")?
    .rows_affected();
    if stored == 0 {
        let current = sqlx::query("SELECT status, refund_requested_at FROM orders WHERE id = $1")
            .bind(&order.id)
            .fetch_one(&mut *tx)
            .await
            .context("Failed to reload the order")?;
        let requested: Option<i64> = current.try_get("refund_requested_at")?;
        return Ok(match requested {
            Some(_) => Requested::AlreadyRequested,
            None => Requested::NotFulfilling,
        });
    }
    timeline::record(&mut *tx, &order.id, "payment", None, None, cause).await?;
    // The job may be waiting for a retry or a poll: it runs now. A running job is left alone; it
    // reads the request when its provider call returns.
    let fulfil = JobKind::Fulfil.as_str();
    let woken = sqlx::query(
        "UPDATE jobs SET state = 'queued', run_at = $1, updated_at = $1 WHERE kind = $2 AND subject = $3",
    )
    .bind(now)
    .bind(fulfil)
    .bind(&order.id)
    .execute(&mut *tx)
    .await
    .context("Failed to wake the fulfilment job")?
    .rows_affected();
    if woken == 0 {
        jobs::enqueue(&mut *tx, fulfil, &order.id, std::time::Duration::ZERO).await?;
    }
    let claimed: Option<i64> =
        sqlx::query("SELECT locked_until FROM jobs WHERE kind = $1 AND subject = $2")
            .bind(fulfil)
            .bind(&order.id)
            .fetch_one(&mut *tx)
            .await
            .context("Failed to read the fulfilment job")?
            .try_get("locked_until")?;
    tx.commit()
        .await
        .context("Failed to commit a refund request")?;
    let pending_at_provider = order.provider_order_id.is_some() && order.reserved_until.is_none();
    Ok(Requested::Stored {
        in_flight: claimed.is_some() || pending_at_provider,
    })
}

/// Whether a refund has been asked for, as stored now (not when the job started).
pub(super) async fn is_requested(db: &Db, order_id: &str) -> anyhow::Result<bool> {
    let requested: Option<i64> =
        sqlx::query("SELECT refund_requested_at FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(db.pool())
            .await
            .context("Failed to read the refund request")?
            .try_get("refund_requested_at")?;
    Ok(requested.is_some())
}

/// Fulfilment stops for the refund asked for: nothing (more) is asked of the provider.
pub(super) async fn stop(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: &OrderRecord,
    why: &str,
) -> anyhow::Result<()> {
    let changes = Changes {
        jobs: &[JobKind::Refund.as_str()],
        ..Default::default()
    };
    record::transition(
        &ctx.db,
        &order.id,
        OrderStatus::Provisioning,
        OrderStatus::Failed,
        changes,
        &format!("Fulfilment stopped for the refund asked for ({why})"),
    )
    .await?;
    jobs::complete(&ctx.db, job).await
}

/// The provider delivered `esim` after the refund was asked for: it is kept on the order for
/// staff (never shown to the traveller) and terminated by a durable job before the refund.
pub(super) async fn arrived_after_refund(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: &OrderRecord,
    esim: &ProvisionedEsim,
) -> anyhow::Result<()> {
    let mut tx = ctx
        .db
        .pool()
        .begin()
        .await
        .context("Failed to begin recording a late eSIM")?;
    sqlx::query(
        "UPDATE orders SET iccid = $1, provider_order_id = $2, reserved_until = NULL, late_esim = $3 WHERE id = $4",
    )
    .bind(esim.iccid.as_str())
    .bind(&esim.provider_order_id)
    .bind(LateEsim::Terminating.as_str())
    .bind(&order.id)
    .execute(&mut *tx)
    .await
    .context("Failed to record the late eSIM")?;
    let changes = Changes {
        jobs: &[JobKind::TerminateLateEsim.as_str()],
        ..Default::default()
    };
    let cause = format!(
        "eSIM {} arrived after the refund was asked for; terminating it at {} before refunding",
        esim.iccid, order.provider
    );
    record::transition_in(
        &mut tx,
        &order.id,
        OrderStatus::Provisioning,
        OrderStatus::Failed,
        changes,
        &cause,
    )
    .await?;
    tx.commit()
        .await
        .context("Failed to commit the late eSIM")?;
    jobs::complete(&ctx.db, job).await
}

/// The job that ends a late eSIM at its provider, then starts the refund. Retryable errors are
/// retried; a provider without termination, or one that refuses, flags the order for a person
/// and the refund goes ahead (the traveller asked for their money back).
pub(super) async fn terminate_late(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: OrderRecord,
) -> anyhow::Result<()> {
    let (Some(LateEsim::Terminating), Some(package)) =
        (order.late_esim, order.provider_order_id.as_deref())
    else {
        return jobs::complete(&ctx.db, job).await;
    };
    let iccid = order.iccid.clone().unwrap_or_default();
    let provider = ctx
        .providers
        .get(order.provider.as_str())
        .filter(|provider| provider.capabilities().terminate);
    let Some(provider) = provider else {
        let note = format!(
            "eSIM {iccid} cannot be terminated at {}; needs a person to end it with the provider",
            order.provider
        );
        return settle(ctx, job, &order, LateEsim::NotTerminated, &note).await;
    };
    match provider.terminate_package(package).await {
        Ok(outcome) => {
            let fee = match outcome.refunded {
                true => "the provider refunds its fee",
                false => "the provider keeps its fee",
            };
            let note = format!(
                "eSIM {iccid} terminated at {} (package {package}); {fee}",
                order.provider
            );
            settle(ctx, job, &order, LateEsim::Terminated, &note).await
        }
        Err(error) if error.is_retryable() && job.attempts < ctx.max_attempts => {
            let note = format!("Could not terminate eSIM {iccid} yet ({error}); retrying");
            let retry = Retry::backoff(ctx, job, error.to_string());
            note_and_retry(ctx, job, &order.id, "provider", &note, retry).await
        }
        Err(error) => {
            let note = format!(
                "eSIM {iccid} cannot be terminated at {}; needs a person ({error})",
                order.provider
            );
            settle(ctx, job, &order, LateEsim::NotTerminated, &note).await
        }
    }
}

/// Records what became of the late eSIM and starts the refund, together.
async fn settle(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: &OrderRecord,
    state: LateEsim,
    note: &str,
) -> anyhow::Result<()> {
    let mut tx = ctx
        .db
        .pool()
        .begin()
        .await
        .context("Failed to begin settling a late eSIM")?;
    sqlx::query("UPDATE orders SET late_esim = $1 WHERE id = $2")
        .bind(state.as_str())
        .bind(&order.id)
        .execute(&mut *tx)
        .await
        .context("Failed to store what became of the late eSIM")?;
    timeline::record(&mut *tx, &order.id, "provider", None, None, note).await?;
    jobs::enqueue(
        &mut *tx,
        JobKind::Refund.as_str(),
        &order.id,
        std::time::Duration::ZERO,
    )
    .await?;
    tx.commit()
        .await
        .context("Failed to commit what became of the late eSIM")?;
    if state == LateEsim::NotTerminated {
        tracing::warn!(order = %order.id, "an eSIM delivered after its refund could not be terminated");
    }
    jobs::complete(&ctx.db, job).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::now_millis;

    #[tokio::test]
    async fn of_a_delivery_and_a_refund_request_only_one_wins() {
        let db = crate::admin::test_db::fresh().await;
        let id = crate::admin::test_db::order(&db, "provisioning", now_millis()).await;
        let order = record::load(&db, &id).await.unwrap().unwrap();
        let cause = "Refunded by Ada: asked";
        assert_eq!(
            request(&db, &order, RefundRequest::Refund, cause)
                .await
                .unwrap(),
            Requested::Stored { in_flight: false }
        );
        assert_eq!(
            request(&db, &order, RefundRequest::Refund, cause)
                .await
                .unwrap(),
            Requested::AlreadyRequested
        );
        let delivery = Changes {
            iccid: Some("8944000000000000001"),
            unless_refund_requested: true,
            ..Default::default()
        };
        let delivered = record::transition(
            &db,
            &id,
            OrderStatus::Provisioning,
            OrderStatus::Ready,
            delivery,
            "eSIM ready",
        )
        .await
        .unwrap();
        assert!(!delivered, "the request came first");
        let order = record::load(&db, &id).await.unwrap().unwrap();
        assert_eq!(order.status, OrderStatus::Provisioning);
        assert_eq!(order.refund_request, Some(RefundRequest::Refund));
        assert_eq!(order.failure_reason.as_deref(), Some(cause));
    }

    #[tokio::test]
    async fn a_delivered_order_takes_no_refund_request() {
        let db = crate::admin::test_db::fresh().await;
        let id = crate::admin::test_db::order(&db, "ready", now_millis()).await;
        let order = record::load(&db, &id).await.unwrap().unwrap();
        assert_eq!(
            request(&db, &order, RefundRequest::AlreadyRefunded, "refunded")
                .await
                .unwrap(),
            Requested::NotFulfilling
        );
    }

    #[test]
    fn stored_names_round_trip() {
        for request in [RefundRequest::Refund, RefundRequest::AlreadyRefunded] {
            assert_eq!(RefundRequest::parse(request.as_str()), Some(request));
        }
        for state in [
            LateEsim::Terminating,
            LateEsim::Terminated,
            LateEsim::NotTerminated,
        ] {
            assert_eq!(LateEsim::parse(state.as_str()), Some(state));
        }
    }
}
