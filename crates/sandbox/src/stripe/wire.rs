//! The JSON Stripe's API reference (version 2023-10-16) shows for each object, and Stripe's
//! error envelope. Every field async-stripe 0.41 requires is present; the rest are `null` or
//! empty as Stripe sends them for a card payment in Checkout.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::objects::{Charge, PaymentIntent, Refund, Session, SessionStatus};

/// The API version the sandbox speaks; async-stripe 0.41 is generated for it.
pub(crate) const API_VERSION: &str = "2023-10-16";

/// `{"error": {type, message, code?, param?, decline_code?}}` with an HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    /// Only codes in async-stripe's `ErrorCode` enum: it fails to parse any other.
    pub(crate) code: Option<&'static str>,
    pub(crate) param: Option<String>,
}

impl ApiError {
    /// A 400 `invalid_request_error`.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            message: message.into(),
            code: None,
            param: None,
        }
    }

    /// A 404 `resource_missing` for `No such {object}: '{id}'`.
    pub(crate) fn missing(object: &str, id: &str, param: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: Some("resource_missing"),
            param: Some(param.to_owned()),
            ..Self::invalid(format!("No such {object}: '{id}'"))
        }
    }

    /// A 401 for a missing or unknown API key (Stripe calls it an invalid request).
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            ..Self::invalid(message)
        }
    }

    /// An `idempotency_error` with the given status.
    pub(crate) fn idempotency(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            kind: "idempotency_error",
            ..Self::invalid(message)
        }
    }

    pub(crate) fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub(crate) fn param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    pub(crate) fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub(crate) fn body(&self) -> Value {
        let mut error = json!({ "type": self.kind, "message": self.message });
        if let Some(code) = self.code {
            error["code"] = json!(code);
        }
        if let Some(param) = &self.param {
            error["param"] = json!(param);
        }
        json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// A `checkout.session`; `hosted_base` prefixes the hosted page URL, shown while open.
pub(crate) fn session(s: &Session, hosted_base: &str, payment_intent: Option<Value>) -> Value {
    let url = (s.status == SessionStatus::Open).then(|| format!("{hosted_base}/checkout/{}", s.id));
    let customer_details = (s.status == SessionStatus::Complete).then(|| {
        json!({
            "address": null,
            "email": s.customer_email,
            "name": s.customer_name,
            "phone": null,
            "tax_exempt": "none",
            "tax_ids": [],
        })
    });
    let amount_total = s.amount_total();
    let invoice_creation = json!({
        "enabled": false,
        "invoice_data": {
            "account_tax_ids": null,
            "custom_fields": null,
            "description": null,
            "footer": null,
            "issuer": null,
            "metadata": {},
            "rendering_options": null,
        },
    });
    let head = json!({
        "id": s.id,
        "object": "checkout.session",
        "after_expiration": null,
        "allow_promotion_codes": null,
        "amount_subtotal": amount_total,
        "amount_total": amount_total,
        "automatic_tax": { "enabled": false, "liability": null, "status": null },
        "billing_address_collection": null,
        "cancel_url": s.cancel_url,
        "client_reference_id": s.client_reference_id,
        "client_secret": null,
        "consent": null,
        "consent_collection": null,
        "created": s.created,
        "currency": s.currency,
        "currency_conversion": null,
        "custom_fields": [],
        "custom_text": {
            "after_submit": null,
            "shipping_address": null,
            "submit": null,
            "terms_of_service_acceptance": null,
        },
        "customer": null,
        "customer_creation": "if_required",
        "customer_details": customer_details,
        "customer_email": s.customer_email,
        "expires_at": s.expires_at,
        "invoice": null,
        "invoice_creation": invoice_creation,
    });
    // One `json!` this size exceeds the default macro recursion limit; build it in two halves.
    let rest = json!({
        "livemode": false,
        "locale": null,
        "metadata": s.metadata,
        "mode": "payment",
        "payment_intent": payment_intent.unwrap_or_else(|| json!(s.payment_intent)),
        "payment_link": null,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": null,
        "payment_method_options": {},
        "payment_method_types": ["card"],
        "payment_status": if s.paid { "paid" } else { "unpaid" },
        "phone_number_collection": { "enabled": false },
        "recovered_from": null,
        "setup_intent": null,
        "shipping_address_collection": null,
        "shipping_cost": null,
        "shipping_details": null,
        "shipping_options": [],
        "status": s.status.as_str(),
        "submit_type": null,
        "subscription": null,
        "success_url": s.success_url,
        "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
        "ui_mode": "hosted",
        "url": url,
    });
    merge(head, rest)
}

/// `head`'s fields followed by `rest`'s.
fn merge(mut head: Value, rest: Value) -> Value {
    if let (Some(head), Value::Object(rest)) = (head.as_object_mut(), rest) {
        head.extend(rest);
    }
    head
}

/// A `payment_intent`.
pub(crate) fn payment_intent(pi: &PaymentIntent) -> Value {
    let last_payment_error = pi.last_payment_error.as_ref().map(|error| {
        json!({
            "type": "card_error",
            "code": error.code,
            "decline_code": error.decline_code,
            "message": error.message,
            "payment_method_type": "card",
        })
    });
    let next_action = (pi.status == super::objects::IntentStatus::RequiresAction)
        .then(|| json!({ "type": "use_stripe_sdk", "use_stripe_sdk": {} }));
    let amount_received = if pi.status == super::objects::IntentStatus::Succeeded {
        pi.amount
    } else {
        0
    };
    let head = json!({
        "id": pi.id,
        "object": "payment_intent",
        "amount": pi.amount,
        "amount_capturable": 0,
        "amount_details": { "tip": {} },
        "amount_received": amount_received,
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": null,
        "canceled_at": null,
        "cancellation_reason": null,
        "capture_method": "automatic",
        "client_secret": format!("{}_secret_sandbox", pi.id),
        "confirmation_method": "automatic",
        "created": pi.created,
        "currency": pi.currency,
        "customer": null,
        "description": null,
        "invoice": null,
        "last_payment_error": last_payment_error,
        "latest_charge": pi.latest_charge,
    });
    let rest = json!({
        "livemode": false,
        "metadata": pi.metadata,
        "next_action": next_action,
        "on_behalf_of": null,
        "payment_method": pi.payment_method,
        "payment_method_configuration_details": null,
        "payment_method_options": {
            "card": {
                "installments": null,
                "mandate_options": null,
                "network": null,
                "request_three_d_secure": "automatic",
            },
        },
        "payment_method_types": ["card"],
        "processing": null,
        "receipt_email": pi.receipt_email,
        "review": null,
        "setup_future_usage": null,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": pi.status.as_str(),
        "transfer_data": null,
        "transfer_group": null,
    });
    merge(head, rest)
}

/// A succeeded `charge`, with its refunded total.
pub(crate) fn charge(c: &Charge) -> Value {
    let head = json!({
        "id": c.id,
        "object": "charge",
        "amount": c.amount,
        "amount_captured": c.amount,
        "amount_refunded": c.amount_refunded,
        "application": null,
        "application_fee": null,
        "application_fee_amount": null,
        "balance_transaction": null,
        "billing_details": {
            "address": null,
            "email": c.receipt_email,
            "name": c.card.name,
            "phone": null,
        },
        "calculated_statement_descriptor": "TERN SANDBOX",
        "captured": true,
        "created": c.created,
        "currency": c.currency,
        "customer": null,
        "description": null,
        "disputed": false,
        "failure_balance_transaction": null,
        "failure_code": null,
        "failure_message": null,
        "fraud_details": {},
    });
    let rest = json!({
        "invoice": null,
        "livemode": false,
        "metadata": c.metadata,
        "on_behalf_of": null,
        "outcome": {
            "network_status": "approved_by_network",
            "reason": null,
            "risk_level": "normal",
            "risk_score": 20,
            "seller_message": "Payment complete.",
            "type": "authorized",
        },
        "paid": true,
        "payment_intent": c.payment_intent,
        "payment_method": c.payment_method,
        "payment_method_details": {
            "card": {
                "amount_authorized": c.amount,
                "brand": c.card.brand,
                "checks": {
                    "address_line1_check": null,
                    "address_postal_code_check": null,
                    "cvc_check": "pass",
                },
                "country": "US",
                "exp_month": c.card.exp_month,
                "exp_year": c.card.exp_year,
                "funding": "credit",
                "installments": null,
                "last4": c.card.last4,
                "mandate": null,
                "network": c.card.brand,
                "three_d_secure": null,
                "wallet": null,
            },
            "type": "card",
        },
        "receipt_email": c.receipt_email,
        "receipt_number": null,
        "receipt_url": null,
        "refunded": c.amount_refunded >= c.amount,
        "review": null,
        "shipping": null,
        "source": null,
        "source_transfer": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": "succeeded",
        "transfer_data": null,
        "transfer_group": null,
    });
    merge(head, rest)
}

/// A `refund`; the sandbox settles refunds at once, so `status` is `succeeded`.
pub(crate) fn refund(r: &Refund) -> Value {
    json!({
        "id": r.id,
        "object": "refund",
        "amount": r.amount,
        "balance_transaction": null,
        "charge": r.charge,
        "created": r.created,
        "currency": r.currency,
        "destination_details": {
            "card": { "reference_status": "pending", "reference_type": "acquirer_reference_number",
                      "type": "refund" },
            "type": "card",
        },
        "metadata": r.metadata,
        "payment_intent": r.payment_intent,
        "reason": r.reason,
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": "succeeded",
        "transfer_reversal": null,
    })
}

/// A Stripe `event` around a snapshot of `object`.
pub(crate) fn event(id: &str, event_type: &str, created: i64, object: Value) -> Value {
    json!({
        "id": id,
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": event_type,
    })
}
