//! The jobs behind an order: order the eSIM, refund a failed order, send its emails.
//!
//! Each job is safe to run again after a crash: the provider order carries an idempotency key derived
//! from the order, the refund one derived likewise, and each email is recorded once it is sent.

use super::record::{self, Changes, OrderRecord, RefundRequest};
use super::timeline;
use crate::clock::now_millis;
use crate::jobs::{self, ClaimedJob};
use crate::mail::{self, InlineImage, Mailer, OutgoingEmail};
use crate::Db;
use anyhow::Context;
use domain::OrderStatus;
use payments::{PaymentGateway, RefundOutcome};
use providers::ProviderError;
use sqlx::Row;
use std::sync::Arc;
use std::time::Duration;

/// The kinds of job an order uses; the job's subject is the order id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Fulfil,
    Refund,
    EmailConfirmation,
    EmailDelivery,
    EmailRefund,
    /// Tells the provider an unpaid order's reservation can go.
    ReleaseReservation,
    /// Ends an eSIM that arrived after its refund was asked for, then starts the refund.
    TerminateLateEsim,
}

impl JobKind {
    pub const fn as_str(&self) -> &'static str {
        match self {
            JobKind::Fulfil => "fulfil_order",
            JobKind::Refund => "refund_order",
            JobKind::EmailConfirmation => "email_order_confirmation",
            JobKind::EmailDelivery => "email_esim_delivery",
            JobKind::EmailRefund => "email_refund_notice",
            JobKind::ReleaseReservation => "release_reservation",
            JobKind::TerminateLateEsim => "terminate_late_esim",
        }
    }

    pub fn parse(kind: &str) -> Option<JobKind> {
        [
            JobKind::Fulfil,
            JobKind::Refund,
            JobKind::EmailConfirmation,
            JobKind::EmailDelivery,
            JobKind::EmailRefund,
            JobKind::ReleaseReservation,
            JobKind::TerminateLateEsim,
        ]
        .into_iter()
        .find(|k| k.as_str() == kind)
    }
}

/// Everything the jobs need.
#[derive(Clone)]
pub struct FulfilmentContext {
    pub db: Db,
    pub providers: crate::routing::Providers,
    pub gateway: Arc<dyn PaymentGateway>,
    pub mailer: Arc<dyn Mailer>,
    pub public_url: String,
    /// First retry delay; doubles each attempt.
    pub retry_base: Duration,
    /// After this many attempts a retryable provider error counts as permanent.
    pub max_attempts: u32,
    /// An order still pending at its provider this long after the first attempt has failed
    /// there, and fails over.
    pub pending_limit: Duration,
}

/// Runs one claimed job to its next resting point: done, retry later, or given up.
#[tracing::instrument(skip(ctx), fields(job = %job.kind, order = %job.subject, attempt = job.attempts))]
pub async fn run_job(ctx: &FulfilmentContext, job: &ClaimedJob) -> anyhow::Result<()> {
    if job.kind == mail::queue::SEND_EMAIL_JOB {
        return mail::queue::deliver(&ctx.db, ctx.mailer.as_ref(), job, ctx.retry_base).await;
    }
    let Some(kind) = JobKind::parse(&job.kind) else {
        return jobs::give_up(&ctx.db, job, "unknown job kind").await;
    };
    let Some(order) = record::load(&ctx.db, &job.subject).await? else {
        return jobs::give_up(&ctx.db, job, "order not found").await;
    };
    let result = match kind {
        JobKind::Fulfil => super::provision::fulfil(ctx, job, order).await,
        JobKind::Refund => refund(ctx, job, order).await,
        JobKind::ReleaseReservation => super::provision::release_unpaid(ctx, job, order).await,
        JobKind::TerminateLateEsim => super::refund_request::terminate_late(ctx, job, order).await,
        JobKind::EmailConfirmation | JobKind::EmailDelivery | JobKind::EmailRefund => {
            email(ctx, job, kind, order).await
        }
    };
    if let Err(error) = &result {
        // Unexpected failures (the database, say) are retried like any other.
        tracing::error!(?error, "job failed unexpectedly");
        jobs::retry_later(
            &ctx.db,
            job,
            &format!("{error:#}"),
            jobs::backoff(ctx.retry_base, job.attempts),
        )
        .await?;
    }
    Ok(())
}

/// A new link to the order page for one email.
async fn order_link(ctx: &FulfilmentContext, order: &OrderRecord) -> anyhow::Result<String> {
    let secret = super::links::issue(ctx.db.pool(), &order.id).await?;
    Ok(super::links::url(&ctx.public_url, &order.id, &secret))
}

/// When a job runs again, and the error kept with it.
pub(super) struct Retry {
    delay: Duration,
    error: String,
}

impl Retry {
    pub(super) fn after(delay: Duration, error: impl Into<String>) -> Self {
        Retry {
            delay,
            error: error.into(),
        }
    }

    /// The usual exponential backoff for this attempt.
    pub(super) fn backoff(
        ctx: &FulfilmentContext,
        job: &ClaimedJob,
        error: impl Into<String>,
    ) -> Self {
        Retry::after(jobs::backoff(ctx.retry_base, job.attempts), error)
    }
}

/// Writes why on the order's timeline, then puts the job back to run again later.
pub(super) async fn note_and_retry(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order_id: &str,
    kind: &str,
    note: &str,
    retry: Retry,
) -> anyhow::Result<()> {
    timeline::note(&ctx.db, order_id, kind, note).await?;
    jobs::retry_later(&ctx.db, job, &retry.error, retry.delay).await
}

pub(super) fn retry_delay(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    error: &ProviderError,
) -> Duration {
    match error {
        ProviderError::RateLimited {
            retry_after: Some(after),
        } => *after,
        _ => jobs::backoff(ctx.retry_base, job.attempts),
    }
}

/// A permanent failure: the order fails and its payment is refunded automatically.
pub(super) async fn fail(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: &OrderRecord,
    reason: &str,
) -> anyhow::Result<()> {
    let changes = Changes {
        failure_reason: Some(reason),
        jobs: &[JobKind::Refund.as_str()],
        ..Default::default()
    };
    record::transition(
        &ctx.db,
        &order.id,
        OrderStatus::Provisioning,
        OrderStatus::Failed,
        changes,
        &format!("Could not issue the eSIM: {reason}"),
    )
    .await?;
    jobs::give_up(&ctx.db, job, reason).await
}

/// Starts refunding `refund_minor` of a delivered order (a cancelled unused package) through the
/// same durable refund job as failed orders.
pub async fn begin_refund(
    db: &Db,
    order_id: &str,
    from: OrderStatus,
    refund_minor: i64,
    cause: &str,
) -> anyhow::Result<bool> {
    let changes = Changes {
        refund_minor: Some(refund_minor),
        jobs: &[JobKind::Refund.as_str()],
        ..Default::default()
    };
    record::transition(db, order_id, from, OrderStatus::Refunding, changes, cause).await
}

async fn refund(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order: OrderRecord,
) -> anyhow::Result<()> {
    match order.status {
        OrderStatus::Failed => {
            record::transition(
                &ctx.db,
                &order.id,
                OrderStatus::Failed,
                OrderStatus::Refunding,
                Changes::default(),
                "Refunding the payment",
            )
            .await?;
        }
        OrderStatus::Refunding => {}
        _ => return jobs::complete(&ctx.db, job).await,
    }
    if order.refund_request == Some(RefundRequest::AlreadyRefunded) {
        // Refunded in the Stripe dashboard: asking Stripe again would only be refused.
        return refunded(
            ctx,
            job,
            &order.id,
            "The payment was already refunded in Stripe",
        )
        .await;
    }
    let Some(payment_intent) = order.payment_intent.as_deref() else {
        timeline::note(
            &ctx.db,
            &order.id,
            "payment",
            "No payment to refund was recorded; needs attention",
        )
        .await?;
        return jobs::give_up(&ctx.db, job, "no payment intent").await;
    };
    match ctx
        .gateway
        .refund(
            payment_intent,
            order.refund_minor.map(|_| order.refund_amount()),
            &format!("tern-refund-{}", order.id),
        )
        .await
    {
        Ok(RefundOutcome::Succeeded { refund_id }) => {
            refunded(
                ctx,
                job,
                &order.id,
                &format!("Refund {refund_id} succeeded"),
            )
            .await
        }
        Ok(RefundOutcome::Pending { refund_id }) => {
            let note = format!("Refund {refund_id} is pending");
            let retry = Retry::backoff(ctx, job, "refund pending");
            note_and_retry(ctx, job, &order.id, "payment", &note, retry).await
        }
        Ok(RefundOutcome::Failed { refund_id, reason }) => {
            timeline::note(
                &ctx.db,
                &order.id,
                "payment",
                &format!("Refund {refund_id} failed: {reason}; needs attention"),
            )
            .await?;
            jobs::give_up(&ctx.db, job, &reason).await
        }
        Err(error) => {
            let note = format!("Refund attempt failed ({error}); retrying");
            let retry = Retry::backoff(ctx, job, error.to_string());
            note_and_retry(ctx, job, &order.id, "payment", &note, retry).await
        }
    }
}

/// The refund is done: the order becomes refunded and the traveller is emailed, together.
async fn refunded(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    order_id: &str,
    cause: &str,
) -> anyhow::Result<()> {
    let changes = Changes {
        jobs: &[JobKind::EmailRefund.as_str()],
        ..Default::default()
    };
    record::transition(
        &ctx.db,
        order_id,
        OrderStatus::Refunding,
        OrderStatus::Refunded,
        changes,
        cause,
    )
    .await?;
    jobs::complete(&ctx.db, job).await
}

/// Sends one email of the order; failures retry later and never hold up fulfilment.
async fn email(
    ctx: &FulfilmentContext,
    job: &ClaimedJob,
    kind: JobKind,
    order: OrderRecord,
) -> anyhow::Result<()> {
    let name = match kind {
        JobKind::EmailConfirmation => "order_confirmation",
        JobKind::EmailDelivery => "esim_delivery",
        JobKind::EmailRefund => "refund_notice",
        JobKind::Fulfil
        | JobKind::Refund
        | JobKind::ReleaseReservation
        | JobKind::TerminateLateEsim => {
            unreachable!("not an email job")
        }
    };
    // Checked before rendering, which issues a new order link.
    let sent = sqlx::query(
        "SELECT 1 AS sent FROM emails WHERE order_id = $1 AND kind = $2 AND sent_at IS NOT NULL",
    )
    .bind(&order.id)
    .bind(name)
    .fetch_optional(ctx.db.pool())
    .await
    .context("Failed to check an email")?;
    if sent.is_some() {
        return jobs::complete(&ctx.db, job).await;
    }
    let (rendered, qr) = match kind {
        JobKind::EmailConfirmation => (
            mail::order_confirmation(&order, &order_link(ctx, &order).await?),
            None,
        ),
        JobKind::EmailDelivery if order.topup_iccid.is_some() => {
            let iccid = order.topup_iccid.as_deref().unwrap_or_default();
            let link = format!("{}/my-esims/{iccid}", ctx.public_url.trim_end_matches('/'));
            (mail::top_up_added(&order.plan_title, iccid, &link), None)
        }
        JobKind::EmailDelivery => {
            let code = order
                .activation
                .clone()
                .context("a delivered order without an activation code")?;
            let lpa = code.lpa();
            let png = crate::qr::png(&lpa, 8)?;
            let link = order_link(ctx, &order).await?;
            (
                mail::esim_delivery(&order, &lpa, &code.smdp_address, &code.matching_id, &link),
                Some(png),
            )
        }
        JobKind::EmailRefund if order.refund_minor.is_some() => (
            mail::package_refunded(
                &order.plan_title,
                order.iccid.as_deref().unwrap_or_default(),
                &order.refund_amount().to_string(),
            ),
            None,
        ),
        JobKind::EmailRefund => {
            let reason = order
                .failure_reason
                .clone()
                .unwrap_or_else(|| "the provider could not issue it".into());
            (mail::refund_notice(&order, &reason), None)
        }
        JobKind::Fulfil
        | JobKind::Refund
        | JobKind::ReleaseReservation
        | JobKind::TerminateLateEsim => {
            unreachable!("not an email job")
        }
    };
    let now = now_millis();
    // What is stored has the link's secret removed: this email is sent from what was just rendered.
    let kept = mail::redact::redact(&rendered);
    sqlx::query(
        "INSERT INTO emails (id, order_id, kind, recipient, subject, text_body, html_body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id, kind) DO NOTHING",
    )
    .bind(crate::ids::new_id("eml"))
    .bind(&order.id)
    .bind(name)
    .bind(&order.email)
    .bind(&kept.subject)
    .bind(&kept.text)
    .bind(&kept.html)
    .bind(now)
    .execute(ctx.db.pool())
    .await
    .context("Failed to store an email")?;
    let row = sqlx::query("SELECT id FROM emails WHERE order_id = $1 AND kind = $2")
        .bind(&order.id)
        .bind(name)
        .fetch_one(ctx.db.pool())
        .await
        .context("Failed to load an email")?;
    let email = OutgoingEmail {
        id: row.try_get("id")?,
        recipient: order.email.clone(),
        subject: rendered.subject,
        text_body: rendered.text,
        html_body: rendered.html,
        inline_images: qr
            .map(|png| {
                vec![InlineImage {
                    content_id: mail::QR_CONTENT_ID.into(),
                    png,
                }]
            })
            .unwrap_or_default(),
    };
    match ctx.mailer.send(&email).await {
        Ok(()) => {
            sqlx::query("UPDATE emails SET sent_at = $1 WHERE id = $2")
                .bind(now_millis())
                .bind(&email.id)
                .execute(ctx.db.pool())
                .await
                .context("Failed to mark an email sent")?;
            timeline::note(
                &ctx.db,
                &order.id,
                "email",
                &format!("Email “{}” sent to {}", email.subject, order.email),
            )
            .await?;
            jobs::complete(&ctx.db, job).await
        }
        Err(error) if job.attempts < 12 => {
            let note = format!("Email “{}” not sent ({error}); retrying", email.subject);
            let retry = Retry::backoff(ctx, job, error.to_string());
            note_and_retry(ctx, job, &order.id, "email", &note, retry).await
        }
        Err(error) => {
            timeline::note(
                &ctx.db,
                &order.id,
                "email",
                &format!("Gave up sending “{}”: {error}", email.subject),
            )
            .await?;
            jobs::give_up(&ctx.db, job, &error.to_string()).await
        }
    }
}
