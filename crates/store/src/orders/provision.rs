//! The fulfilment job's main step: get the eSIM from the order's provider, polling providers
//! that complete later, and failing over to an equivalent plan elsewhere when the provider
//! fails for good. Only a paid order ever gets here.

use super::fulfilment::{fail, note_and_retry, retry_delay, FulfilmentContext, JobKind, Retry};
use super::record::{self, Changes, OrderRecord};
use super::{provider_request, refund_request, reservation, timeline};
use crate::clock::now_millis;
use crate::jobs::{self, ClaimedJob};
use crate::routing::{equivalent_plans, health};
use anyhow::Context;
use domain::OrderStatus;
use providers::{EsimProvider, PaymentProof, ProviderError, ProvisionOutcome, ProvisionedEsim};
use sqlx::Row;
use std::collections::HashSet;
use std::time::Duration;

/// Polls back off to this at most, however long a provider takes.
const MAX_POLL_DELAY: Duration = Duration::from_secs(60);

pub(super) async fn fulfil(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: OrderRecord,
) -> anyhow::Result<()> {
    match order.status {
        OrderStatus::Paid => {
            let started = record::transition(
                &ctx.db,
                &order.id,
                OrderStatus::Paid,
                OrderStatus::Provisioning,
                Changes::default(),
                "Fulfilment started",
            )
            .await?;
            if !started {
                // The order moved meanwhile: run again on what it is now.
                return jobs::retry_later(&ctx.db, job, "order changed", Duration::ZERO).await;
            }
        }
        // Resumed after a crash, a retryable error or a pending answer.
        OrderStatus::Provisioning => {}
        _ => return jobs::complete(&ctx.db, job).await,
    }
    // A refund was asked for and the provider holds no order of ours yet: ask it for nothing.
    // A pending provider order is still polled, so an eSIM it completes is terminated.
    let pending_at_provider = order.provider_order_id.is_some() && order.reserved_until.is_none();
    if order.refund_request.is_some() && !pending_at_provider {
        release_reservation(ctx, &order).await;
        return refund_request::stop(ctx, job, &order, "before asking the provider").await;
    }
    let order = mark_first_attempt(ctx, order).await?;
    let Some(provider) = ctx.providers.get(order.provider.as_str()).cloned() else {
        let reason = format!("provider {} is not configured", order.provider);
        return fail_over(ctx, job, &order, &reason).await;
    };
    let started = order.first_attempt_at.unwrap_or(order.updated_at);
    if now_millis() - started > ctx.pending_limit.as_millis() as i64 {
        let reason = format!(
            "{} did not complete the order within {} minutes",
            order.provider,
            ctx.pending_limit.as_secs() / 60
        );
        return fail_over(ctx, job, &order, &reason).await;
    }
    let mut request = provider_request(&order, payment_proof(ctx, &order).await?)?;
    // A provider that holds stock before payment (chosen by failover, say) reserves it now.
    if provider.capabilities().reserve_before_payment && order.provider_order_id.is_none() {
        match health::timed(&ctx.db, &order.provider, provider.reserve(&request)).await? {
            Ok(Some(held)) => {
                reservation::store(&ctx.db, &order.id, &held).await?;
                request.provider_order_id = Some(held.provider_order_id);
            }
            Ok(None) => {}
            Err(error) => return provider_failed(ctx, job, &order, error).await,
        }
    }
    let polling = order.provider_order_id.is_some() && order.reserved_until.is_none();
    let outcome = if let (true, Some(id)) = (polling, order.provider_order_id.as_deref()) {
        health::timed(
            &ctx.db,
            &order.provider,
            provider.order_status(&request, id),
        )
        .await?
    } else {
        timeline::note(
            &ctx.db,
            &order.id,
            "provider",
            &format!(
                "Ordering {} from {} (attempt {}, key {})",
                order.provider_product_id, order.provider, job.attempts, request.idempotency_key
            ),
        )
        .await?;
        health::timed(&ctx.db, &order.provider, provider.place_order(&request)).await?
    };
    match outcome {
        Ok(ProvisionOutcome::Ready(esim)) => deliver(ctx, job, &order, esim).await,
        Ok(ProvisionOutcome::Pending {
            provider_order_id,
            poll_after,
            status,
        }) => {
            sqlx::query(
                "UPDATE orders SET provider_order_id = $1, reserved_until = NULL, provider_status = $2,
                   provider_checks = provider_checks + 1 WHERE id = $3",
            )
                .bind(&provider_order_id)
                .bind(&status)
                .bind(&order.id)
                .execute(ctx.db.pool())
                .await
                .context("Failed to store the provider's order id")?;
            let note = format!(
                "{} order {provider_order_id} is {status} (check {}); checking again shortly",
                order.provider, job.attempts
            );
            let retry = Retry::after(
                poll_delay(poll_after, job.attempts),
                "provider order pending",
            );
            note_and_retry(ctx, job, &order.id, "provider", &note, retry).await
        }
        Err(error) => provider_failed(ctx, job, &order, error).await,
    }
}

/// Retries what may pass; anything else is this provider's final answer.
async fn provider_failed(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: &OrderRecord,
    error: ProviderError,
) -> anyhow::Result<()> {
    // Polls of a pending order are not failures: only the attempts that failed count.
    let failed_attempts = job
        .attempts
        .saturating_sub(u32::try_from(order.provider_checks).unwrap_or(0));
    if error.is_retryable() && failed_attempts < ctx.max_attempts {
        let delay = retry_delay(ctx, job, &error);
        let note = format!(
            "{} failed ({error}); retrying in {}s",
            order.provider,
            delay.as_secs_f32().ceil()
        );
        let retry = Retry::after(delay, error.to_string());
        return note_and_retry(ctx, job, &order.id, "provider", &note, retry).await;
    }
    fail_over(ctx, job, order, &format!("{}: {error}", order.provider)).await
}

/// Polls start at the provider's hint and slow down the longer an order takes.
fn poll_delay(hint: Duration, attempts: u32) -> Duration {
    let factor = 1u32 << (attempts / 5).min(5);
    (hint * factor).min(MAX_POLL_DELAY)
}

/// The first time this provider is asked, so it can find an order already placed.
async fn mark_first_attempt(
    ctx: &FulfilmentContext,
    mut order: OrderRecord,
) -> anyhow::Result<OrderRecord> {
    if order.first_attempt_at.is_none() {
        let now = now_millis();
        sqlx::query(
            "UPDATE orders SET first_attempt_at = COALESCE(first_attempt_at, $1) WHERE id = $2",
        )
        .bind(now)
        .bind(&order.id)
        .execute(ctx.db.pool())
        .await
        .context("Failed to mark the first attempt")?;
        order.first_attempt_at = Some(now);
    }
    Ok(order)
}

/// The confirmed payment, for providers that must be told of it.
async fn payment_proof(
    ctx: &FulfilmentContext,
    order: &OrderRecord,
) -> anyhow::Result<Option<PaymentProof>> {
    let Some(reference) = order.payment_intent.clone() else {
        return Ok(None);
    };
    let paid_at: Option<i64> = sqlx::query(
        "SELECT MIN(at) AS at FROM order_events WHERE order_id = $1 AND to_status = $2",
    )
    .bind(&order.id)
    .bind(OrderStatus::Paid.as_str())
    .fetch_one(ctx.db.pool())
    .await
    .context("Failed to find when the order was paid")?
    .try_get("at")?;
    Ok(Some(PaymentProof {
        reference,
        paid_at: paid_at.unwrap_or(order.updated_at) / 1000,
    }))
}

async fn deliver(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: &OrderRecord,
    esim: ProvisionedEsim,
) -> anyhow::Result<()> {
    timeline::note(
        &ctx.db,
        &order.id,
        "provider",
        &format!(
            "{} delivered eSIM {} (order {})",
            order.provider, esim.iccid, esim.provider_order_id
        ),
    )
    .await?;
    let changes = Changes {
        provider_order_id: Some(&esim.provider_order_id),
        iccid: Some(esim.iccid.as_str()),
        activation: esim.activation.as_ref(),
        jobs: &[JobKind::EmailDelivery.as_str()],
        unless_refund_requested: true,
        ..Default::default()
    };
    // The eSIM is recorded with the status change, which happens only if no refund was asked for
    // during the call: of the delivery and the refund request, exactly one wins.
    let mut tx = ctx
        .db
        .pool()
        .begin()
        .await
        .context("Failed to begin a delivery")?;
    let delivered = record::transition_in(
        &mut tx,
        &order.id,
        OrderStatus::Provisioning,
        OrderStatus::Ready,
        changes,
        "eSIM ready",
    )
    .await?;
    if !delivered {
        drop(tx);
        return match refund_request::is_requested(&ctx.db, &order.id).await? {
            true => refund_request::arrived_after_refund(ctx, job, order, &esim).await,
            false => jobs::complete(&ctx.db, job).await,
        };
    }
    crate::esims::record_delivery(&mut tx, order, &esim).await?;
    sqlx::query("UPDATE orders SET reserved_until = NULL WHERE id = $1")
        .bind(&order.id)
        .execute(&mut *tx)
        .await
        .context("Failed to clear the reservation")?;
    tx.commit().await.context("Failed to commit a delivery")?;
    tracing::info!(order = %order.id, "eSIM ready");
    jobs::complete(&ctx.db, job).await
}

/// The provider failed for good: order an equivalent plan (same countries, at least the data and
/// the validity) from the next provider at the same price to the traveller, or else refund.
async fn fail_over(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: &OrderRecord,
    reason: &str,
) -> anyhow::Result<()> {
    release_reservation(ctx, order).await;
    if refund_request::is_requested(&ctx.db, &order.id).await? {
        return refund_request::stop(ctx, job, order, reason).await;
    }
    if order.topup_iccid.is_some() {
        let reason = format!("{reason} (a top-up can only come from the eSIM's own provider)");
        return fail(ctx, job, order, &reason).await;
    }
    let mut exclude: HashSet<String> = order.failed_providers.iter().cloned().collect();
    exclude.insert(order.provider.clone());
    let next = equivalent_plans(&ctx.db, &order.plan_id, &exclude)
        .await?
        .into_iter()
        .find(|plan| ctx.providers.contains_key(plan.candidate.provider.as_str()));
    let Some(next) = next else {
        let reason = format!("{reason}; no other provider sells an equivalent plan");
        return fail(ctx, job, order, &reason).await;
    };
    let mut failed: Vec<String> = order.failed_providers.clone();
    failed.push(order.provider.clone());
    let moved = sqlx::query(
        "UPDATE orders SET provider = $1, provider_product_id = $2, plan_id = $3, wholesale_minor = $4,
           provider_order_id = NULL, reserved_until = NULL, first_attempt_at = NULL, failed_providers = $5,
           provider_status = NULL, provider_checks = 0,
           updated_at = $6
         WHERE id = $7 AND status = $8 AND provider = $9",
    )
    .bind(&next.candidate.provider)
    .bind(&next.candidate.product_id)
    .bind(&next.candidate.plan_id)
    .bind(next.candidate.wholesale_minor)
    .bind(failed.join(","))
    .bind(now_millis())
    .bind(&order.id)
    .bind(OrderStatus::Provisioning.as_str())
    .bind(&order.provider)
    .execute(ctx.db.pool())
    .await
    .context("Failed to move the order to another provider")?;
    if moved.rows_affected() == 1 {
        let note = format!(
            "Failover: {reason}. Ordering the equivalent {} from {} instead, at no extra cost to the traveller ({})",
            next.candidate.product_id, next.candidate.provider, next.reason
        );
        timeline::note(&ctx.db, &order.id, "routing", &note).await?;
    }
    jobs::retry_later(&ctx.db, job, reason, Duration::ZERO).await
}

/// The release job of an order whose checkout ended unpaid: tell the provider once, retrying a
/// provider outage a few times (the provider also releases the stock when its window ends).
pub(super) async fn release_unpaid(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: OrderRecord,
) -> anyhow::Result<()> {
    let unpaid = matches!(order.status, OrderStatus::Expired | OrderStatus::Cancelled);
    let (Some(id), Some(provider), true, Some(_)) = (
        order.provider_order_id.as_deref(),
        ctx.providers.get(order.provider.as_str()),
        unpaid,
        order.reserved_until,
    ) else {
        return jobs::complete(&ctx.db, job).await;
    };
    let request = provider_request(&order, None)?;
    match health::timed(&ctx.db, &order.provider, provider.release(&request, id)).await? {
        Ok(()) => {
            sqlx::query("UPDATE orders SET reserved_until = NULL WHERE id = $1")
                .bind(&order.id)
                .execute(ctx.db.pool())
                .await
                .context("Failed to clear the reservation")?;
            let note = format!(
                "Told {} the order went unpaid; reservation {id} released",
                order.provider
            );
            timeline::note(&ctx.db, &order.id, "provider", &note).await?;
            jobs::complete(&ctx.db, job).await
        }
        Err(error) if error.is_retryable() && job.attempts < ctx.max_attempts => {
            let note = format!("Could not release reservation {id} yet ({error}); retrying");
            let retry = Retry::backoff(ctx, job, error.to_string());
            note_and_retry(ctx, job, &order.id, "provider", &note, retry).await
        }
        Err(error) => {
            let note = format!(
                "{} did not take the release of {id} ({error}); it lapses by itself",
                order.provider
            );
            timeline::note(&ctx.db, &order.id, "provider", &note).await?;
            jobs::give_up(&ctx.db, job, &error.to_string()).await
        }
    }
}

/// Lets go of stock held before payment, so the provider can sell it again; best effort, since
/// the provider also releases it when its payment window ends.
async fn release_reservation(ctx: &FulfilmentContext, order: &OrderRecord) {
    let (Some(id), Some(provider)) = (
        order.provider_order_id.as_deref(),
        ctx.providers.get(order.provider.as_str()),
    ) else {
        return;
    };
    // Once the provider was told of the payment there is nothing left to release.
    if !provider.capabilities().reserve_before_payment || order.reserved_until.is_none() {
        return;
    }
    let released = match provider_request(order, None) {
        Ok(request) => release(provider.as_ref(), &request, id).await,
        Err(error) => Err(error.to_string()),
    };
    if let Err(error) = released {
        tracing::warn!(order = %order.id, %error, "could not release the reservation");
    }
}

async fn release(
    provider: &dyn EsimProvider,
    request: &providers::OrderRequest,
    id: &str,
) -> Result<(), String> {
    provider
        .release(request, id)
        .await
        .map_err(|error| error.to_string())
}
