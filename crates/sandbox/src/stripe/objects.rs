//! The Stripe objects the sandbox keeps: checkout sessions, PaymentIntents, charges, refunds.

use std::collections::BTreeMap;

/// A checkout session's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionStatus {
    Open,
    Complete,
    Expired,
}

impl SessionStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Open => "open",
            SessionStatus::Complete => "complete",
            SessionStatus::Expired => "expired",
        }
    }
}

/// One `line_items[]` entry with inline `price_data`.
#[derive(Debug, Clone)]
pub(crate) struct LineItem {
    pub(crate) name: String,
    pub(crate) unit_amount: i64,
    pub(crate) quantity: i64,
}

/// A Checkout Session in payment mode.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) created: i64,
    pub(crate) expires_at: i64,
    pub(crate) status: SessionStatus,
    /// `true` once the money is in; `payment_status` is `paid`, otherwise `unpaid`.
    pub(crate) paid: bool,
    /// Lower-case ISO code, as Stripe writes it.
    pub(crate) currency: String,
    pub(crate) line_items: Vec<LineItem>,
    pub(crate) customer_email: Option<String>,
    /// The name typed on the card form, reported as `customer_details.name`.
    pub(crate) customer_name: Option<String>,
    pub(crate) client_reference_id: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    /// `payment_intent_data[metadata]`, copied onto the PaymentIntent and its charge.
    pub(crate) payment_intent_metadata: BTreeMap<String, String>,
    pub(crate) success_url: String,
    pub(crate) cancel_url: Option<String>,
    /// Created on the first payment attempt, as Checkout does since API 2022-08-01.
    pub(crate) payment_intent: Option<String>,
}

impl Session {
    pub(crate) fn amount_total(&self) -> i64 {
        self.line_items
            .iter()
            .map(|item| item.unit_amount * item.quantity)
            .sum()
    }

    /// `success_url` with `{CHECKOUT_SESSION_ID}` filled in, where the buyer goes after paying.
    pub(crate) fn success_redirect(&self) -> String {
        self.success_url.replace("{CHECKOUT_SESSION_ID}", &self.id)
    }
}

/// A PaymentIntent's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntentStatus {
    RequiresPaymentMethod,
    RequiresAction,
    Processing,
    Succeeded,
}

impl IntentStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IntentStatus::RequiresPaymentMethod => "requires_payment_method",
            IntentStatus::RequiresAction => "requires_action",
            IntentStatus::Processing => "processing",
            IntentStatus::Succeeded => "succeeded",
        }
    }
}

/// Why the last attempt failed, as `last_payment_error` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PaymentError {
    /// An `ApiErrorsCode` async-stripe knows, e.g. `card_declined`.
    pub(crate) code: &'static str,
    pub(crate) decline_code: Option<&'static str>,
    pub(crate) message: String,
}

/// The card used (or being authenticated), as much as the API ever shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CardSummary {
    pub(crate) brand: &'static str,
    pub(crate) last4: String,
    pub(crate) exp_month: u32,
    pub(crate) exp_year: i32,
    pub(crate) name: String,
}

/// A PaymentIntent created by a checkout session.
#[derive(Debug, Clone)]
pub(crate) struct PaymentIntent {
    pub(crate) id: String,
    pub(crate) created: i64,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) status: IntentStatus,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) receipt_email: Option<String>,
    pub(crate) payment_method: Option<String>,
    pub(crate) latest_charge: Option<String>,
    pub(crate) last_payment_error: Option<PaymentError>,
    /// The card waiting for 3-D Secure while `status` is `requires_action`.
    pub(crate) pending_card: Option<CardSummary>,
}

/// A successful charge; refunds count against it.
#[derive(Debug, Clone)]
pub(crate) struct Charge {
    pub(crate) id: String,
    pub(crate) created: i64,
    pub(crate) amount: i64,
    pub(crate) amount_refunded: i64,
    pub(crate) currency: String,
    pub(crate) payment_intent: String,
    pub(crate) payment_method: String,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) receipt_email: Option<String>,
    pub(crate) card: CardSummary,
}

/// A refund; the sandbox settles every refund at once.
#[derive(Debug, Clone)]
pub(crate) struct Refund {
    pub(crate) id: String,
    pub(crate) created: i64,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) charge: String,
    pub(crate) payment_intent: String,
    pub(crate) reason: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
}
