//! async-stripe's objects read into Tern's results: sessions, refunds and refunded charges.

use ::stripe::{CheckoutSessionPaymentStatus, CheckoutSessionStatus};
use domain::{Currency, Money};

use super::params::ORDER_ID_KEY;
use crate::{CheckoutSession, CheckoutStatus, PaymentError, PaymentOutcome, RefundOutcome};

/// The id and hosted page of a session Stripe just created.
pub(crate) fn created_session(
    session: &::stripe::CheckoutSession,
) -> Result<CheckoutSession, PaymentError> {
    let url = session.url.clone().ok_or_else(|| {
        PaymentError::Unexpected(format!("checkout session {} has no url", session.id))
    })?;
    Ok(CheckoutSession {
        id: session.id.to_string(),
        url,
    })
}

/// Where a session's money stands.
pub(crate) fn checkout_status(
    session: &::stripe::CheckoutSession,
) -> Result<CheckoutStatus, PaymentError> {
    let outcome = match (session.status, session.payment_status) {
        (Some(CheckoutSessionStatus::Expired), _) => PaymentOutcome::Expired,
        (_, CheckoutSessionPaymentStatus::Paid) => {
            let payment_intent = session
                .payment_intent
                .as_ref()
                .map(|pi| pi.id().to_string())
                .ok_or_else(|| {
                    PaymentError::Unexpected(format!(
                        "paid checkout session {} has no payment_intent",
                        session.id
                    ))
                })?;
            let amount = money(session.amount_total, session.currency).ok_or_else(|| {
                PaymentError::Unexpected(format!(
                    "paid checkout session {} has no amount_total or currency",
                    session.id
                ))
            })?;
            PaymentOutcome::Paid {
                payment_intent,
                amount,
            }
        }
        (_, CheckoutSessionPaymentStatus::NoPaymentRequired) => {
            return Err(PaymentError::Unexpected(format!(
                "checkout session {} needs no payment; Tern never creates those",
                session.id
            )))
        }
        (Some(CheckoutSessionStatus::Complete), CheckoutSessionPaymentStatus::Unpaid) => {
            PaymentOutcome::Pending
        }
        (_, CheckoutSessionPaymentStatus::Unpaid) => PaymentOutcome::Unpaid,
    };
    let order_id = session
        .metadata
        .as_ref()
        .and_then(|metadata| metadata.get(ORDER_ID_KEY).cloned())
        .or_else(|| session.client_reference_id.clone());
    Ok(CheckoutStatus {
        session_id: session.id.to_string(),
        order_id,
        outcome,
    })
}

/// What became of a refund, from its `status`.
pub(crate) fn refund_outcome(refund: &::stripe::Refund) -> Result<RefundOutcome, PaymentError> {
    let refund_id = refund.id.to_string();
    match refund.status.as_deref() {
        Some("succeeded") => Ok(RefundOutcome::Succeeded { refund_id }),
        Some("pending" | "requires_action") => Ok(RefundOutcome::Pending { refund_id }),
        Some(status @ ("failed" | "canceled")) => Ok(RefundOutcome::Failed {
            reason: refund
                .failure_reason
                .clone()
                .unwrap_or_else(|| status.to_owned()),
            refund_id,
        }),
        other => Err(PaymentError::Unexpected(format!(
            "refund {refund_id} has status {other:?}"
        ))),
    }
}

/// A Stripe amount and currency as domain money.
pub(crate) fn money(minor: Option<i64>, currency: Option<::stripe::Currency>) -> Option<Money> {
    Some(Money::new(minor?, domain_currency(currency?)?))
}

/// Stripe's lower-case currency as an ISO 4217 code.
pub(crate) fn domain_currency(currency: ::stripe::Currency) -> Option<Currency> {
    // Stripe's enum serialises to its wire form ("usd"); `Display` is not meant for that.
    match serde_json::to_value(currency).ok()? {
        serde_json::Value::String(code) => Currency::parse(&code).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A session in the shape of Stripe's API reference (2023-10-16), trimmed of nulls.
    pub(crate) fn session_json(status: &str, payment_status: &str) -> serde_json::Value {
        json!({
            "id": "cs_test_a1b2c3",
            "object": "checkout.session",
            "amount_subtotal": 1599,
            "amount_total": 1599,
            "automatic_tax": { "enabled": false, "liability": null, "status": null },
            "cancel_url": "https://tern.test/plans/jp",
            "client_reference_id": "ord_42",
            "created": 1_700_000_000,
            "currency": "usd",
            "custom_fields": [],
            "custom_text": { "after_submit": null, "shipping_address": null, "submit": null,
                             "terms_of_service_acceptance": null },
            "customer_email": "ada@example.com",
            "expires_at": 1_700_086_400,
            "livemode": false,
            "metadata": { "order_id": "ord_42" },
            "mode": "payment",
            "payment_intent": if payment_status == "paid" { json!("pi_3Ab") } else { json!(null) },
            "payment_method_types": ["card"],
            "payment_status": payment_status,
            "shipping_options": [],
            "status": status,
            "success_url": "https://tern.test/orders/ord_42",
            "url": null
        })
    }

    fn session(status: &str, payment_status: &str) -> ::stripe::CheckoutSession {
        serde_json::from_value(session_json(status, payment_status)).unwrap()
    }

    #[test]
    fn reads_each_session_state() {
        let paid = checkout_status(&session("complete", "paid")).unwrap();
        assert_eq!(paid.order_id.as_deref(), Some("ord_42"));
        assert_eq!(
            paid.outcome,
            PaymentOutcome::Paid {
                payment_intent: "pi_3Ab".into(),
                amount: Money::new(1599, Currency::USD)
            }
        );
        let outcome = |s, p| checkout_status(&session(s, p)).unwrap().outcome;
        assert_eq!(outcome("open", "unpaid"), PaymentOutcome::Unpaid);
        assert_eq!(outcome("complete", "unpaid"), PaymentOutcome::Pending);
        assert_eq!(outcome("expired", "unpaid"), PaymentOutcome::Expired);
    }

    #[test]
    fn a_created_session_needs_its_url() {
        assert!(matches!(
            created_session(&session("open", "unpaid")),
            Err(PaymentError::Unexpected(_))
        ));
    }

    #[test]
    fn reads_refund_statuses() {
        let refund = |status: &str| -> ::stripe::Refund {
            serde_json::from_value(json!({
                "id": "re_1", "object": "refund", "amount": 500, "created": 1_700_000_000,
                "currency": "eur", "status": status, "failure_reason": null,
                "payment_intent": "pi_1", "metadata": {}
            }))
            .unwrap()
        };
        assert_eq!(
            refund_outcome(&refund("succeeded")).unwrap(),
            RefundOutcome::Succeeded {
                refund_id: "re_1".into()
            }
        );
        assert!(matches!(
            refund_outcome(&refund("pending")).unwrap(),
            RefundOutcome::Pending { .. }
        ));
        assert_eq!(
            refund_outcome(&refund("failed")).unwrap(),
            RefundOutcome::Failed {
                refund_id: "re_1".into(),
                reason: "failed".into()
            }
        );
    }

    #[test]
    fn converts_currencies_both_ways() {
        assert_eq!(
            domain_currency(::stripe::Currency::JPY),
            Currency::parse("JPY").ok()
        );
        let money = Money::new(5, Currency::EUR);
        assert_eq!(
            super::super::params::currency(&money).unwrap(),
            ::stripe::Currency::EUR
        );
    }
}
