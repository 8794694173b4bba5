//! Webhook verification with async-stripe's `Webhook::construct_event`, and the normalisation
//! of Stripe's events into [`PaymentEvent`].

use ::stripe::{EventObject, EventType, Webhook, WebhookError};
use serde::Deserialize;

use super::mapping;
use crate::{PaymentError, PaymentEvent, PaymentOutcome, VerifiedEvent};

/// The event type exactly as sent; async-stripe folds types it does not know into `Unknown`.
#[derive(Deserialize)]
struct RawType {
    #[serde(rename = "type")]
    event_type: String,
}

/// Checks `Stripe-Signature` (HMAC-SHA256, five-minute tolerance) and reads the event.
pub(crate) fn verify(
    payload: &str,
    signature_header: &str,
    secret: &str,
) -> Result<VerifiedEvent, PaymentError> {
    let event =
        Webhook::construct_event(payload, signature_header, secret).map_err(
            |error| match error {
                WebhookError::BadParse(error) => PaymentError::InvalidPayload(error.to_string()),
                other => {
                    tracing::debug!(error = %other, "webhook signature refused");
                    PaymentError::InvalidSignature
                }
            },
        )?;
    let event_type = serde_json::from_str::<RawType>(payload)
        .map_err(|error| PaymentError::InvalidPayload(error.to_string()))?
        .event_type;
    let normalised = normalise(event.type_, event.data.object, &event_type)?;
    Ok(VerifiedEvent {
        id: event.id.to_string(),
        event_type,
        event: normalised,
    })
}

/// The action Tern takes for one event.
fn normalise(
    kind: EventType,
    object: EventObject,
    event_type: &str,
) -> Result<PaymentEvent, PaymentError> {
    let wrong_object =
        || PaymentError::InvalidPayload(format!("{event_type} does not carry the expected object"));
    let session_status = |object: EventObject| match object {
        EventObject::CheckoutSession(session) => mapping::checkout_status(&session),
        _ => Err(wrong_object()),
    };
    Ok(match kind {
        EventType::CheckoutSessionCompleted => {
            PaymentEvent::CheckoutCompleted(session_status(object)?)
        }
        EventType::CheckoutSessionAsyncPaymentSucceeded => {
            PaymentEvent::AsyncPaymentSucceeded(session_status(object)?)
        }
        EventType::CheckoutSessionAsyncPaymentFailed => {
            // The session stays `complete` + `unpaid`, which reads as Pending; it is not.
            let mut status = session_status(object)?;
            status.outcome = PaymentOutcome::Unpaid;
            PaymentEvent::AsyncPaymentFailed(status)
        }
        EventType::CheckoutSessionExpired => PaymentEvent::CheckoutExpired(session_status(object)?),
        EventType::ChargeRefunded => {
            let EventObject::Charge(charge) = object else {
                return Err(wrong_object());
            };
            let payment_intent = charge
                .payment_intent
                .as_ref()
                .map(|pi| pi.id().to_string())
                .ok_or_else(|| {
                    PaymentError::InvalidPayload(format!(
                        "charge {} has no payment_intent",
                        charge.id
                    ))
                })?;
            let amount_refunded =
                mapping::money(Some(charge.amount_refunded), Some(charge.currency)).ok_or_else(
                    || {
                        PaymentError::InvalidPayload(format!(
                            "charge {} has an unknown currency",
                            charge.id
                        ))
                    },
                )?;
            PaymentEvent::ChargeRefunded {
                payment_intent,
                amount_refunded,
            }
        }
        _ => PaymentEvent::Ignored {
            event_type: event_type.to_owned(),
        },
    })
}

#[cfg(test)]
mod tests {
    use std::time::{SystemTime, UNIX_EPOCH};

    use domain::{Currency, Money};
    use hmac::{Hmac, Mac};
    use serde_json::json;
    use sha2::Sha256;

    use super::*;
    use crate::CheckoutStatus;

    const SECRET: &str = "whsec_test_secret";

    fn now() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }

    /// `t=…,v1=…` exactly as Stripe signs: HMAC-SHA256 of "t.payload".
    fn sign(payload: &str, secret: &str, t: i64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.{payload}").as_bytes());
        format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
    }

    /// A `checkout.session.completed` event as Stripe's docs show it (API 2023-10-16).
    fn completed_event() -> String {
        json!({
          "id": "evt_1OAbCdEfGhIjKlMn",
          "object": "event",
          "api_version": "2023-10-16",
          "created": 1_700_000_100,
          "data": {
            "object": {
              "id": "cs_test_a1b2c3",
              "object": "checkout.session",
              "after_expiration": null,
              "allow_promotion_codes": null,
              "amount_subtotal": 1599,
              "amount_total": 1599,
              "automatic_tax": { "enabled": false, "liability": null, "status": null },
              "billing_address_collection": null,
              "cancel_url": "https://tern.test/plans/jp-10gb",
              "client_reference_id": "ord_42",
              "client_secret": null,
              "consent": null,
              "consent_collection": null,
              "created": 1_700_000_000,
              "currency": "usd",
              "currency_conversion": null,
              "custom_fields": [],
              "custom_text": { "after_submit": null, "shipping_address": null, "submit": null,
                               "terms_of_service_acceptance": null },
              "customer": null,
              "customer_creation": "if_required",
              "customer_details": { "address": null, "email": "ada@example.com",
                                    "name": "Ada Lovelace", "phone": null,
                                    "tax_exempt": "none", "tax_ids": [] },
              "customer_email": "ada@example.com",
              "expires_at": 1_700_086_400,
              "invoice": null,
              "invoice_creation": { "enabled": false, "invoice_data": {
                "account_tax_ids": null, "custom_fields": null, "description": null,
                "footer": null, "issuer": null, "metadata": {}, "rendering_options": null } },
              "livemode": false,
              "locale": null,
              "metadata": { "order_id": "ord_42" },
              "mode": "payment",
              "payment_intent": "pi_3OAbCdEfGh",
              "payment_link": null,
              "payment_method_collection": "if_required",
              "payment_method_configuration_details": null,
              "payment_method_options": {},
              "payment_method_types": ["card"],
              "payment_status": "paid",
              "phone_number_collection": { "enabled": false },
              "recovered_from": null,
              "setup_intent": null,
              "shipping_address_collection": null,
              "shipping_cost": null,
              "shipping_details": null,
              "shipping_options": [],
              "status": "complete",
              "submit_type": null,
              "subscription": null,
              "success_url": "https://tern.test/orders/ord_42?session={CHECKOUT_SESSION_ID}",
              "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
              "ui_mode": "hosted",
              "url": null
            }
          },
          "livemode": false,
          "pending_webhooks": 1,
          "request": { "id": null, "idempotency_key": null },
          "type": "checkout.session.completed"
        })
        .to_string()
    }

    #[test]
    fn a_completed_paid_session_becomes_checkout_completed() {
        let payload = completed_event();
        let verified = verify(&payload, &sign(&payload, SECRET, now()), SECRET).unwrap();
        assert_eq!(verified.id, "evt_1OAbCdEfGhIjKlMn");
        assert_eq!(verified.event_type, "checkout.session.completed");
        assert_eq!(
            verified.event,
            PaymentEvent::CheckoutCompleted(CheckoutStatus {
                session_id: "cs_test_a1b2c3".into(),
                order_id: Some("ord_42".into()),
                outcome: PaymentOutcome::Paid {
                    payment_intent: "pi_3OAbCdEfGh".into(),
                    amount: Money::new(1599, Currency::USD),
                },
            })
        );
    }

    #[test]
    fn a_wrong_secret_or_a_tampered_body_is_refused() {
        let payload = completed_event();
        let header = sign(&payload, SECRET, now());
        assert_eq!(
            verify(&payload, &header, "whsec_other"),
            Err(PaymentError::InvalidSignature)
        );
        let tampered = payload.replace("1599", "1");
        assert_eq!(
            verify(&tampered, &header, SECRET),
            Err(PaymentError::InvalidSignature)
        );
        assert_eq!(
            verify(&payload, "garbage", SECRET),
            Err(PaymentError::InvalidSignature)
        );
    }

    #[test]
    fn a_signature_older_than_five_minutes_is_refused() {
        let payload = completed_event();
        let old = sign(&payload, SECRET, now() - 301);
        assert_eq!(
            verify(&payload, &old, SECRET),
            Err(PaymentError::InvalidSignature)
        );
        let recent = sign(&payload, SECRET, now() - 240);
        assert!(verify(&payload, &recent, SECRET).is_ok());
    }

    #[test]
    fn a_failed_async_payment_reads_as_unpaid() {
        let payload = completed_event()
            .replace(
                "checkout.session.completed",
                "checkout.session.async_payment_failed",
            )
            .replace("\"paid\"", "\"unpaid\"");
        let verified = verify(&payload, &sign(&payload, SECRET, now()), SECRET).unwrap();
        let PaymentEvent::AsyncPaymentFailed(status) = verified.event else {
            panic!("{:?}", verified.event);
        };
        assert_eq!(status.outcome, PaymentOutcome::Unpaid);
    }

    #[test]
    fn a_refunded_charge_carries_the_total_refunded() {
        let payload = json!({
          "id": "evt_2", "object": "event", "api_version": "2023-10-16", "created": 1_700_000_200,
          "data": { "object": {
            "id": "ch_3OAb", "object": "charge", "amount": 1599, "amount_captured": 1599,
            "amount_refunded": 500, "billing_details": { "address": null, "email": null,
            "name": null, "phone": null }, "captured": true, "created": 1_700_000_100,
            "currency": "gbp", "disputed": false, "livemode": false, "metadata": {},
            "paid": true, "payment_intent": "pi_3OAbCdEfGh", "refunded": false,
            "status": "succeeded"
          }},
          "livemode": false, "pending_webhooks": 1, "request": null, "type": "charge.refunded"
        })
        .to_string();
        let verified = verify(&payload, &sign(&payload, SECRET, now()), SECRET).unwrap();
        assert_eq!(
            verified.event,
            PaymentEvent::ChargeRefunded {
                payment_intent: "pi_3OAbCdEfGh".into(),
                amount_refunded: Money::new(500, Currency::GBP),
            }
        );
    }

    #[test]
    fn other_events_are_ignored_by_their_real_type() {
        let payload = completed_event().replace(
            "\"type\":\"checkout.session.completed\"",
            "\"type\":\"checkout.session.brand_new_thing\"",
        );
        let verified = verify(&payload, &sign(&payload, SECRET, now()), SECRET).unwrap();
        assert_eq!(
            verified.event,
            PaymentEvent::Ignored {
                event_type: "checkout.session.brand_new_thing".into()
            }
        );
    }

    #[test]
    fn a_signed_body_that_is_not_an_event_is_an_invalid_payload() {
        let payload = r#"{"id":"evt_3","object":"event"}"#;
        assert!(matches!(
            verify(payload, &sign(payload, SECRET, now()), SECRET),
            Err(PaymentError::InvalidPayload(_))
        ));
    }
}
