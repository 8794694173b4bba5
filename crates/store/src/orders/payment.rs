//! Payment confirmation, from a signed webhook or from the success page: both paths are idempotent.

use super::fulfilment::JobKind;
use super::record::{self, Changes, OrderRecord, RefundRequest};
use super::refund_request::request as request_refund;
use super::timeline;
use crate::clock::now_millis;
use crate::Db;
use anyhow::Context;
use domain::{Money, OrderStatus};
use payments::{CheckoutStatus, PaymentEvent, PaymentGateway, PaymentOutcome, VerifiedEvent};
use sqlx::Row;

/// What a webhook event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    /// Seen before: nothing changed.
    Duplicate,
    Applied,
    /// Not about an order Tern knows, or not an event Tern acts on.
    Ignored,
}

/// Applies a verified payment event once; a repeat delivery of the same event id changes nothing.
#[tracing::instrument(skip(db, event), fields(event = %event.id, kind = %event.event_type))]
pub async fn handle_payment_event(db: &Db, event: &VerifiedEvent) -> anyhow::Result<EventOutcome> {
    let seen = sqlx::query("SELECT id FROM payment_events WHERE id = $1")
        .bind(&event.id)
        .fetch_optional(db.pool())
        .await
        .context("Failed to look up a payment event")?;
    if seen.is_some() {
        return Ok(EventOutcome::Duplicate);
    }
    // Applied before it is recorded: if applying fails, the provider's retry gets another go.
    let (outcome, order_id) = match &event.event {
        PaymentEvent::CheckoutCompleted(status) | PaymentEvent::AsyncPaymentSucceeded(status) => {
            apply_status(db, status, &format!("webhook {}", event.event_type)).await?
        }
        PaymentEvent::AsyncPaymentFailed(status) => {
            close_unpaid(
                db,
                status,
                OrderStatus::Cancelled,
                "The payment failed; nothing was charged",
            )
            .await?
        }
        PaymentEvent::CheckoutExpired(status) => {
            close_unpaid(
                db,
                status,
                OrderStatus::Expired,
                "Checkout expired before payment",
            )
            .await?
        }
        PaymentEvent::ChargeRefunded {
            payment_intent,
            amount_refunded,
        } => refund_confirmed(db, payment_intent, *amount_refunded).await?,
        PaymentEvent::Ignored { .. } => (EventOutcome::Ignored, None),
    };
    sqlx::query(
        "INSERT INTO payment_events (id, event_type, order_id, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&event.id)
    .bind(&event.event_type)
    .bind(order_id.as_deref())
    .bind(now_millis())
    .execute(db.pool())
    .await
    .context("Failed to record a payment event")?;
    Ok(outcome)
}

/// The success page's path: asks the payment provider directly, so fulfilment starts even if the webhook is late.
#[tracing::instrument(skip(db, gateway))]
pub async fn confirm_checkout(
    db: &Db,
    gateway: &dyn PaymentGateway,
    order_id: &str,
) -> anyhow::Result<()> {
    let Some(order) = record::load(db, order_id).await? else {
        return Ok(());
    };
    let Some(session) = order
        .checkout_session_id
        .as_deref()
        .filter(|_| order.status == OrderStatus::AwaitingPayment)
    else {
        return Ok(());
    };
    let status = gateway
        .checkout_status(session)
        .await
        .context("Failed to retrieve the checkout session")?;
    apply_status(db, &status, "payment verified from the success page").await?;
    Ok(())
}

async fn order_for(db: &Db, status: &CheckoutStatus) -> anyhow::Result<Option<OrderRecord>> {
    let by_session = record::by_checkout_session(db, &status.session_id).await?;
    // The session id is the link Tern stored itself; metadata only confirms it.
    if let (Some(order), Some(claimed)) = (&by_session, &status.order_id) {
        if &order.id != claimed {
            tracing::warn!(session = %status.session_id, %claimed, actual = %order.id, "checkout metadata names another order");
            return Ok(None);
        }
    }
    Ok(by_session)
}

async fn apply_status(
    db: &Db,
    status: &CheckoutStatus,
    via: &str,
) -> anyhow::Result<(EventOutcome, Option<String>)> {
    let Some(order) = order_for(db, status).await? else {
        tracing::warn!(session = %status.session_id, "payment for an unknown checkout session");
        return Ok((EventOutcome::Ignored, None));
    };
    let outcome = match &status.outcome {
        PaymentOutcome::Paid {
            payment_intent,
            amount,
        } => {
            if *amount != order.amount() {
                // Never fulfil on a payment that does not match the stored price; the money goes back.
                let reason = format!("paid {amount} but the order is {}", order.amount());
                tracing::error!(order = %order.id, %reason, "payment amount mismatch");
                let paid = Changes {
                    payment_intent: Some(payment_intent),
                    ..Default::default()
                };
                if record::transition(
                    db,
                    &order.id,
                    OrderStatus::AwaitingPayment,
                    OrderStatus::Paid,
                    paid,
                    via,
                )
                .await?
                {
                    let failed = Changes {
                        failure_reason: Some(&reason),
                        jobs: &[JobKind::Refund.as_str()],
                        ..Default::default()
                    };
                    record::transition(
                        db,
                        &order.id,
                        OrderStatus::Paid,
                        OrderStatus::Failed,
                        failed,
                        &reason,
                    )
                    .await?;
                }
                EventOutcome::Applied
            } else {
                let changes = Changes {
                    payment_intent: Some(payment_intent),
                    jobs: &[
                        JobKind::Fulfil.as_str(),
                        JobKind::EmailConfirmation.as_str(),
                    ],
                    ..Default::default()
                };
                let cause = format!("Payment of {amount} confirmed ({via})");
                record::transition(
                    db,
                    &order.id,
                    OrderStatus::AwaitingPayment,
                    OrderStatus::Paid,
                    changes,
                    &cause,
                )
                .await?;
                EventOutcome::Applied
            }
        }
        PaymentOutcome::Pending => {
            timeline::note(
                db,
                &order.id,
                "payment",
                &format!("Payment is processing ({via})"),
            )
            .await?;
            EventOutcome::Applied
        }
        PaymentOutcome::Unpaid => EventOutcome::Ignored,
        PaymentOutcome::Expired => {
            record::transition(
                db,
                &order.id,
                OrderStatus::AwaitingPayment,
                OrderStatus::Expired,
                Changes {
                    jobs: release_jobs(&order),
                    ..Default::default()
                },
                via,
            )
            .await?;
            EventOutcome::Applied
        }
    };
    Ok((outcome, Some(order.id)))
}

async fn close_unpaid(
    db: &Db,
    status: &CheckoutStatus,
    to: OrderStatus,
    cause: &str,
) -> anyhow::Result<(EventOutcome, Option<String>)> {
    let Some(order) = order_for(db, status).await? else {
        return Ok((EventOutcome::Ignored, None));
    };
    let changes = Changes {
        jobs: release_jobs(&order),
        ..Default::default()
    };
    record::transition(
        db,
        &order.id,
        OrderStatus::AwaitingPayment,
        to,
        changes,
        cause,
    )
    .await?;
    Ok((EventOutcome::Applied, Some(order.id)))
}

/// An unpaid order that holds stock at its provider lets it go (FMS is told the payment failed).
fn release_jobs(order: &record::OrderRecord) -> &'static [&'static str] {
    const RELEASE: &[&str] = &[super::JobKind::ReleaseReservation.as_str()];
    match order.reserved_until {
        Some(_) => RELEASE,
        None => &[],
    }
}

/// A refund Stripe reports: the end of Tern's own refund, or one made in the Stripe dashboard.
/// A full refund of an order still being fulfilled stops its fulfilment the way an admin
/// refund does, except that nothing is refunded again.
async fn refund_confirmed(
    db: &Db,
    payment_intent: &str,
    amount_refunded: Money,
) -> anyhow::Result<(EventOutcome, Option<String>)> {
    let row = sqlx::query("SELECT id FROM orders WHERE payment_intent = $1")
        .bind(payment_intent)
        .fetch_optional(db.pool())
        .await
        .context("Failed to find the refunded order")?;
    let Some(order_id) = row.map(|r| r.try_get::<String, _>("id")).transpose()? else {
        return Ok((EventOutcome::Ignored, None));
    };
    let Some(order) = record::load(db, &order_id).await? else {
        return Ok((EventOutcome::Ignored, None));
    };
    if matches!(order.status, OrderStatus::Paid | OrderStatus::Provisioning) {
        let cause = if amount_refunded.minor >= order.amount_minor {
            format!("Stripe reports the payment refunded ({amount_refunded}); fulfilment stops")
        } else {
            // A partial refund leaves the order to be fulfilled; someone chose it by hand.
            let note = format!(
                "Stripe reports {amount_refunded} of the payment refunded outside Tern; needs attention"
            );
            timeline::note(db, &order.id, "payment", &note).await?;
            return Ok((EventOutcome::Applied, Some(order_id)));
        };
        request_refund(db, &order, RefundRequest::AlreadyRefunded, &cause).await?;
        return Ok((EventOutcome::Applied, Some(order_id)));
    }
    let changes = Changes {
        jobs: &[JobKind::EmailRefund.as_str()],
        ..Default::default()
    };
    record::transition(
        db,
        &order_id,
        OrderStatus::Refunding,
        OrderStatus::Refunded,
        changes,
        &format!("Refund of {amount_refunded} confirmed by the payment provider"),
    )
    .await?;
    Ok((EventOutcome::Applied, Some(order_id)))
}
