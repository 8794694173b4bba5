//! What an admin can do to one order: retry its fulfilment, refund it, mark it resolved with a
//! note, or resend its eSIM email. Each action carries an `action_id` that the confirmation form
//! drew at random; it is stored in `admin_actions` before anything happens, so a repeat changes
//! nothing and is answered with what the first did. Every action that runs is written to the audit
//! log (with the admin's name) and to the order's timeline.

use super::{audit, Admin};
use crate::clock::now_millis;
use crate::orders::record::{self, OrderRecord};
use crate::orders::{self, JobKind, RefundRequest, Requested};
use crate::{jobs, mail, Db};
use anyhow::Context;
use domain::OrderStatus;
use providers::EsimProvider;
use sqlx::Row;

/// The longest note or refund reason accepted.
pub const MAX_NOTE_LEN: usize = 1000;
/// The longest action id accepted.
const MAX_ACTION_ID_LEN: usize = 100;

const DONE: &str = "done: ";
const REFUSED: &str = "refused: ";

/// The actions on an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    RetryFulfilment,
    Refund,
    Resolve,
    ResendEsimEmail,
}

impl OrderAction {
    /// The stored name, also the `?confirm=` value of the order page.
    pub const fn as_str(&self) -> &'static str {
        match self {
            OrderAction::RetryFulfilment => "retry_fulfilment",
            OrderAction::Refund => "refund",
            OrderAction::Resolve => "resolve",
            OrderAction::ResendEsimEmail => "resend_esim_email",
        }
    }

    /// The action a stored name or `?confirm=` value means.
    pub fn parse(name: &str) -> Option<OrderAction> {
        [
            OrderAction::RetryFulfilment,
            OrderAction::Refund,
            OrderAction::Resolve,
            OrderAction::ResendEsimEmail,
        ]
        .into_iter()
        .find(|action| action.as_str() == name)
    }

    /// The audit log's action name.
    pub const fn audit_action(&self) -> &'static str {
        match self {
            OrderAction::RetryFulfilment => "retried_fulfilment",
            OrderAction::Refund => "refunded_order",
            OrderAction::Resolve => "resolved_order",
            OrderAction::ResendEsimEmail => "resent_esim_email",
        }
    }
}

/// Why an action did not run; every message is safe to show an admin.
#[derive(Debug, thiserror::Error)]
pub enum OrderActionError {
    #[error("No order has this id.")]
    NotFound,
    #[error("This confirmation is not valid; open the action again.")]
    BadActionId,
    #[error("This confirmation was used for another action; open the action again.")]
    ActionMismatch,
    #[error("This action is still being carried out; reload the order in a moment.")]
    InProgress,
    #[error("Write a note of at most {MAX_NOTE_LEN} characters.")]
    BadNote,
    /// The order's state does not allow the action (the message says why).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A refusal, as an error.
fn refused(message: impl Into<String>) -> OrderActionError {
    OrderActionError::Refused(message.into())
}

/// The action ids of the confirmation forms: 244 random bits.
pub fn new_action_id() -> String {
    crate::ids::new_secret()
}

/// Retries fulfilment of a `paid` or `provisioning` order now (its job waiting for a backoff, or
/// given up). The caller wakes the job worker.
#[tracing::instrument(skip(db, admin), fields(admin = %admin.id))]
pub async fn retry_fulfilment(
    db: &Db,
    admin: &Admin,
    order_id: &str,
    action_id: &str,
) -> Result<String, OrderActionError> {
    once(
        db,
        admin,
        order_id,
        action_id,
        OrderAction::RetryFulfilment,
        |order| async move {
            if !matches!(order.status, OrderStatus::Paid | OrderStatus::Provisioning) {
                return Err(refused(format!(
                    "Only a paid order still without its eSIM can be retried; this one is {}.",
                    order.status
                )));
            }
            jobs::requeue(db, JobKind::Fulfil.as_str(), &order.id).await?;
            orders::note(
                db,
                &order.id,
                "note",
                &format!("Fulfilment retried by {}", admin.name),
            )
            .await?;
            audit::record(
                db,
                admin,
                OrderAction::RetryFulfilment.audit_action(),
                &order.id,
                "",
            )
            .await?;
            Ok("Fulfilment is running again.".to_owned())
        },
    )
    .await
}

/// Refunds an order in full. A paid order not yet delivered never races its fulfilment: the
/// refund is stored as requested and the fulfilment job stops, or terminates an eSIM the
/// provider delivers after the request, before refunding. A delivered one has its package
/// terminated at the provider first where the provider allows it (a refusal is noted, and the
/// traveller is refunded anyway), then goes to `refunding`.
#[tracing::instrument(skip(db, admin, provider), fields(admin = %admin.id))]
pub async fn refund(
    db: &Db,
    admin: &Admin,
    provider: Option<&dyn EsimProvider>,
    order_id: &str,
    action_id: &str,
    reason: &str,
) -> Result<String, OrderActionError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_NOTE_LEN {
        return Err(OrderActionError::BadNote);
    }
    once(
        db,
        admin,
        order_id,
        action_id,
        OrderAction::Refund,
        |order| async move {
            let amount = order.amount();
            let cause = format!("Refunded by {}: {reason}", admin.name);
            let changed = match order.status {
                OrderStatus::Paid | OrderStatus::Provisioning => {
                    let requested =
                        orders::request_refund(db, &order, RefundRequest::Refund, &cause).await?;
                    let answer = match requested {
                        Requested::Stored { in_flight: true } => format!(
                            "The provider is still being asked for this eSIM: the refund of {amount} follows once it answers, and an eSIM that arrives is terminated first."
                        ),
                        Requested::Stored { in_flight: false } => format!("Refunding {amount}."),
                        Requested::AlreadyRequested => {
                            return Err(refused("A refund of this order is already on its way."));
                        }
                        Requested::NotFulfilling => {
                            return Err(refused(
                                "The order changed meanwhile; reload it and try again.",
                            ));
                        }
                    };
                    audit::record(
                        db,
                        admin,
                        OrderAction::Refund.audit_action(),
                        &order.id,
                        &format!("{amount}: {reason}"),
                    )
                    .await?;
                    return Ok(answer);
                }
                OrderStatus::Ready => {
                    terminate(db, admin, provider, &order).await?;
                    orders::begin_refund(
                        db,
                        &order.id,
                        OrderStatus::Ready,
                        order.amount_minor,
                        &cause,
                    )
                    .await?
                }
                OrderStatus::Refunding | OrderStatus::Refunded => {
                    return Err(refused("This order is already refunded."));
                }
                OrderStatus::Failed => {
                    return Err(refused(
                        "This order failed and its refund is handled automatically.",
                    ));
                }
                other => return Err(refused(format!("This order is not paid; it is {other}."))),
            };
            if !changed {
                return Err(refused(
                    "The order changed meanwhile; reload it and try again.",
                ));
            }
            audit::record(
                db,
                admin,
                OrderAction::Refund.audit_action(),
                &order.id,
                &format!("{amount}: {reason}"),
            )
            .await?;
            Ok(format!("Refunding {amount}."))
        },
    )
    .await
}

/// Ends the package of a delivered order at its provider, if the provider allows it, and notes
/// what happened on the timeline.
async fn terminate(
    db: &Db,
    admin: &Admin,
    provider: Option<&dyn EsimProvider>,
    order: &OrderRecord,
) -> anyhow::Result<()> {
    let (Some(provider), Some(package)) = (provider, order.provider_order_id.as_deref()) else {
        return Ok(());
    };
    if !provider.capabilities().terminate {
        return Ok(());
    }
    let note = match provider.terminate_package(package).await {
        Ok(outcome) if outcome.refunded => format!(
            "Package {package} terminated for {}'s refund; the provider refunds its fee",
            admin.name
        ),
        Ok(_) => format!(
            "Package {package} terminated for {}'s refund; the provider keeps its fee",
            admin.name
        ),
        Err(error) => {
            tracing::warn!(?error, order = %order.id, "terminating the package failed");
            format!(
                "The provider did not terminate package {package} ({error}); refunding the traveller anyway"
            )
        }
    };
    orders::note(db, &order.id, "provider", &note).await
}

/// Marks an order resolved with a note, whatever its state; it leaves the dashboard's list of
/// orders needing attention.
#[tracing::instrument(skip(db, admin), fields(admin = %admin.id))]
pub async fn resolve(
    db: &Db,
    admin: &Admin,
    order_id: &str,
    action_id: &str,
    note: &str,
) -> Result<String, OrderActionError> {
    let note = note.trim();
    if note.is_empty() || note.chars().count() > MAX_NOTE_LEN {
        return Err(OrderActionError::BadNote);
    }
    once(db, admin, order_id, action_id, OrderAction::Resolve, |order| async move {
        sqlx::query(
            "UPDATE orders SET resolved_at = $1, resolved_by = $2, resolved_note = $3 WHERE id = $4",
        )
        .bind(now_millis())
        .bind(&admin.name)
        .bind(note)
        .bind(&order.id)
        .execute(db.pool())
        .await
        .context("Failed to mark an order resolved")?;
        orders::note(
            db,
            &order.id,
            "note",
            &format!("Marked resolved by {}: {note}", admin.name),
        )
        .await?;
        audit::record(db, admin, OrderAction::Resolve.audit_action(), &order.id, note).await?;
        Ok("The order is marked resolved.".to_owned())
    })
    .await
}

/// Queues a copy of a delivered eSIM's email (install QR included) through the mail queue. The
/// copy's kind names the action, so each resend is stored once and the first email stays as it was.
#[tracing::instrument(skip(db, admin), fields(admin = %admin.id))]
pub async fn resend_esim_email(
    db: &Db,
    admin: &Admin,
    public_url: &str,
    order_id: &str,
    action_id: &str,
) -> Result<String, OrderActionError> {
    once(
        db,
        admin,
        order_id,
        action_id,
        OrderAction::ResendEsimEmail,
        |order| async move {
            let code = match (&order.status, &order.topup_iccid, &order.activation) {
                (OrderStatus::Ready, None, Some(code)) => code.clone(),
                (OrderStatus::Ready, Some(_), _) => {
                    return Err(refused("A top-up has no eSIM email to resend."));
                }
                _ => {
                    return Err(refused(format!(
                        "Only a delivered eSIM's email can be resent; this order is {}.",
                        order.status
                    )));
                }
            };
            let mut tx = db
                .pool()
                .begin()
                .await
                .context("Failed to begin a resend")?;
            // Only hashes of order links are stored, so the copy carries a new link; the earlier
            // ones keep working.
            let secret = orders::links::issue(&mut *tx, &order.id).await?;
            let link = orders::links::url(public_url, &order.id, &secret);
            let message = mail::esim_delivery(
                &order,
                &code.lpa(),
                &code.smdp_address,
                &code.matching_id,
                &link,
            );
            mail::queue::queue(
                &mut tx,
                Some(&order.id),
                &format!("{RESEND_KIND_PREFIX}{action_id}"),
                &order.email,
                &message,
            )
            .await?;
            tx.commit().await.context("Failed to queue a resend")?;
            orders::note(
                db,
                &order.id,
                "email",
                &format!(
                    "eSIM email resent to {} by {}, with a new order link",
                    order.email, admin.name
                ),
            )
            .await?;
            audit::record(
                db,
                admin,
                OrderAction::ResendEsimEmail.audit_action(),
                &order.id,
                &order.email,
            )
            .await?;
            Ok(format!(
                "The eSIM email is on its way to {}, with a new link to the order (earlier links still work).",
                order.email
            ))
        },
    )
    .await
}

/// The kind of a resent eSIM email, before the action id.
pub const RESEND_KIND_PREFIX: &str = "esim_delivery_resend_";

/// Runs `action` once per `action_id`: stores the id first, then the outcome; a repeat is
/// answered with the stored outcome and runs nothing.
async fn once<F, Fut>(
    db: &Db,
    admin: &Admin,
    order_id: &str,
    action_id: &str,
    kind: OrderAction,
    action: F,
) -> Result<String, OrderActionError>
where
    F: FnOnce(OrderRecord) -> Fut,
    Fut: std::future::Future<Output = Result<String, OrderActionError>>,
{
    let action_id = action_id.trim();
    if action_id.is_empty()
        || action_id.len() > MAX_ACTION_ID_LEN
        || !action_id.bytes().all(|byte| byte.is_ascii_alphanumeric())
    {
        return Err(OrderActionError::BadActionId);
    }
    let order = record::load(db, order_id)
        .await?
        .ok_or(OrderActionError::NotFound)?;
    let inserted = sqlx::query(
        "INSERT INTO admin_actions (action_id, admin_id, order_id, action, at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (action_id) DO NOTHING",
    )
    .bind(action_id)
    .bind(&admin.id)
    .bind(&order.id)
    .bind(kind.as_str())
    .bind(now_millis())
    .execute(db.pool())
    .await
    .context("Failed to store an admin action")?
    .rows_affected();
    if inserted == 0 {
        return earlier(db, &order.id, action_id, kind).await;
    }
    let result = action(order).await;
    let outcome = match &result {
        Ok(message) => format!("{DONE}{message}"),
        Err(OrderActionError::Refused(message)) => format!("{REFUSED}{message}"),
        // An unexpected failure leaves the id unanswered; the admin opens the action again.
        Err(_) => return result,
    };
    sqlx::query("UPDATE admin_actions SET outcome = $1 WHERE action_id = $2")
        .bind(outcome)
        .bind(action_id)
        .execute(db.pool())
        .await
        .context("Failed to store an admin action's outcome")?;
    result
}

/// What the first use of `action_id` answered.
async fn earlier(
    db: &Db,
    order_id: &str,
    action_id: &str,
    kind: OrderAction,
) -> Result<String, OrderActionError> {
    let row =
        sqlx::query("SELECT order_id, action, outcome FROM admin_actions WHERE action_id = $1")
            .bind(action_id)
            .fetch_one(db.pool())
            .await
            .context("Failed to load an admin action")?;
    let stored_order: String = row.try_get("order_id").context("order_id")?;
    let stored_action: String = row.try_get("action").context("action")?;
    if stored_order != order_id || stored_action != kind.as_str() {
        return Err(OrderActionError::ActionMismatch);
    }
    let outcome: Option<String> = row.try_get("outcome").context("outcome")?;
    match outcome {
        Some(outcome) => match outcome.strip_prefix(DONE) {
            Some(message) => Ok(message.to_owned()),
            None => Err(refused(outcome.strip_prefix(REFUSED).unwrap_or(&outcome))),
        },
        None => Err(OrderActionError::InProgress),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip() {
        for action in [
            OrderAction::RetryFulfilment,
            OrderAction::Refund,
            OrderAction::Resolve,
            OrderAction::ResendEsimEmail,
        ] {
            assert_eq!(OrderAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(OrderAction::parse("delete"), None);
        assert!(new_action_id().bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    async fn owner(db: &Db) -> Admin {
        crate::admin::create_admin(
            db,
            "ada@tern.test",
            "Ada",
            crate::admin::AdminRole::Owner,
            "a long password",
        )
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn an_action_id_runs_once_and_is_answered_again() {
        let db = crate::admin::test_db::fresh().await;
        let ada = owner(&db).await;
        let order = crate::admin::test_db::order(&db, "failed", now_millis()).await;
        let id = new_action_id();
        let first = resolve(&db, &ada, &order, &id, "Refunded by hand")
            .await
            .unwrap();
        let again = resolve(&db, &ada, &order, &id, "Something else")
            .await
            .unwrap();
        assert_eq!(first, again);
        let notes = crate::orders::timeline_entries(&db, &order)
            .await
            .unwrap()
            .into_iter()
            .filter(|entry| entry.message.contains("Marked resolved by Ada"))
            .count();
        assert_eq!(notes, 1, "one effect");
        let audit = audit::list(&db, &audit::AuditFilter::default(), 1)
            .await
            .unwrap();
        assert_eq!(
            audit
                .entries
                .iter()
                .filter(|line| line.action == "resolved_order" && line.admin_name == "Ada")
                .count(),
            1
        );
        assert!(matches!(
            retry_fulfilment(&db, &ada, &order, &id).await,
            Err(OrderActionError::ActionMismatch)
        ));
        assert!(matches!(
            resolve(&db, &ada, &order, "", "note").await,
            Err(OrderActionError::BadActionId)
        ));
    }

    #[tokio::test]
    async fn refusals_name_the_state_and_are_answered_again() {
        let db = crate::admin::test_db::fresh().await;
        let ada = owner(&db).await;
        let refunded = crate::admin::test_db::order(&db, "refunded", now_millis()).await;
        let id = new_action_id();
        for _ in 0..2 {
            match refund(&db, &ada, None, &refunded, &id, "asked").await {
                Err(OrderActionError::Refused(message)) => {
                    assert_eq!(message, "This order is already refunded.")
                }
                other => panic!("{other:?}"),
            }
        }
        let ready = crate::admin::test_db::order(&db, "ready", now_millis()).await;
        assert!(matches!(
            retry_fulfilment(&db, &ada, &ready, &new_action_id()).await,
            Err(OrderActionError::Refused(_))
        ));
        assert!(matches!(
            resend_esim_email(
                &db,
                &ada,
                "https://tern.example",
                &refunded,
                &new_action_id()
            )
            .await,
            Err(OrderActionError::Refused(_))
        ));
    }
}
