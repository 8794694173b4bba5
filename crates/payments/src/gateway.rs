//! The payment gateway contract Tern's use cases call, and the results it returns as data.

use async_trait::async_trait;
use domain::Money;

use crate::PaymentError;

/// What a hosted checkout is opened for: one line item, paid once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    /// Tern's order id; sent as `metadata[order_id]` and `client_reference_id`.
    pub order_id: String,
    /// Sent as Stripe's `Idempotency-Key`: the same key always yields the same session.
    pub idempotency_key: String,
    /// Prefills the checkout page and receives Stripe's receipt.
    pub customer_email: String,
    /// Shown on the checkout page, e.g. "Japan 10 GB · 7 days eSIM".
    pub line_item_name: String,
    /// The price of the single line item.
    pub amount: Money,
    /// Where the buyer lands after paying; may contain `{CHECKOUT_SESSION_ID}`.
    pub success_url: String,
    /// Where "back" on the checkout page leads.
    pub cancel_url: String,
}

/// A hosted checkout session to send the buyer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    /// Stripe's session id (`cs_…`).
    pub id: String,
    /// The hosted checkout page.
    pub url: String,
}

/// Where the money of a checkout session stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The money is captured.
    Paid {
        /// Stripe's PaymentIntent id (`pi_…`), needed to refund.
        payment_intent: String,
        /// What was charged.
        amount: Money,
    },
    /// The buyer finished checkout with a delayed method; the money may still fail to arrive.
    Pending,
    /// Nothing is paid yet (the session is open), or a delayed payment failed.
    Unpaid,
    /// The session expired without payment.
    Expired,
}

/// A checkout session's state, as read from the API or a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutStatus {
    /// Stripe's session id (`cs_…`).
    pub session_id: String,
    /// Tern's order id from `metadata[order_id]` (or `client_reference_id`), when present.
    pub order_id: Option<String>,
    /// Where the money stands.
    pub outcome: PaymentOutcome,
}

/// What became of a refund request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    /// The money is on its way back.
    Succeeded {
        /// Stripe's refund id (`re_…`).
        refund_id: String,
    },
    /// Stripe accepted the refund but has not finished it; a later event settles it.
    Pending {
        /// Stripe's refund id (`re_…`).
        refund_id: String,
    },
    /// The refund did not go through.
    Failed {
        /// Stripe's refund id (`re_…`).
        refund_id: String,
        /// Stripe's `failure_reason`, or the status when there is none.
        reason: String,
    },
}

/// A webhook, normalised into the few actions Tern takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentEvent {
    /// `checkout.session.completed`: paid, or pending for delayed methods.
    CheckoutCompleted(CheckoutStatus),
    /// `checkout.session.async_payment_succeeded`: a pending payment arrived.
    AsyncPaymentSucceeded(CheckoutStatus),
    /// `checkout.session.async_payment_failed`: a pending payment failed (outcome `Unpaid`).
    AsyncPaymentFailed(CheckoutStatus),
    /// `checkout.session.expired`.
    CheckoutExpired(CheckoutStatus),
    /// `charge.refunded`; `amount_refunded` is the charge's total refunded so far.
    ChargeRefunded {
        /// The PaymentIntent the charge belongs to.
        payment_intent: String,
        /// Everything refunded on the charge so far, not just the latest refund.
        amount_refunded: Money,
    },
    /// Any other event type; acknowledge it and do nothing.
    Ignored {
        /// Stripe's event type, e.g. `payment_intent.created`.
        event_type: String,
    },
}

/// A webhook whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedEvent {
    /// Stripe's event id (`evt_…`); the same on every redelivery, so use it to deduplicate.
    pub id: String,
    /// Stripe's event type, e.g. `checkout.session.completed`.
    pub event_type: String,
    /// What Tern should do about it.
    pub event: PaymentEvent,
}

/// A payment provider that sells through a hosted checkout page.
#[async_trait]
pub trait PaymentGateway: Send + Sync {
    /// Opens a hosted checkout for one order; idempotent on `request.idempotency_key`.
    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError>;

    /// Reads a checkout session's current state.
    async fn checkout_status(&self, session_id: &str) -> Result<CheckoutStatus, PaymentError>;

    /// Refunds a payment, in full when `amount` is `None`; idempotent on `idempotency_key`.
    async fn refund(
        &self,
        payment_intent: &str,
        amount: Option<Money>,
        idempotency_key: &str,
    ) -> Result<RefundOutcome, PaymentError>;

    /// Checks a webhook's `Stripe-Signature` header against the raw body and reads the event.
    fn verify_webhook(
        &self,
        payload: &str,
        signature_header: &str,
    ) -> Result<VerifiedEvent, PaymentError>;

    /// Whether this gateway uses test keys (no real money moves).
    fn is_test_mode(&self) -> bool;
}
