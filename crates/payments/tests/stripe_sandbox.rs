//! The Stripe gateway against a spawned Stripe sandbox over HTTP: every call goes through
//! async-stripe, so these tests also prove the sandbox's JSON is what async-stripe reads.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use domain::{Currency, Money};
use payments::{
    CheckoutRequest, PaymentError, PaymentEvent, PaymentGateway, PaymentOutcome, RefundOutcome,
    StripeConfig, StripeGateway, VerifiedEvent,
};
use sandbox::stripe::{
    RunningStripeSandbox, StripeSandbox, StripeSandboxConfig, SANDBOX_SECRET_KEY,
};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(15);

/// One webhook as received: raw body and `Stripe-Signature`.
#[derive(Debug)]
struct Delivery {
    payload: String,
    signature: String,
}

/// A tiny receiver that answers `fail_first` deliveries with 500, then 200.
#[derive(Clone)]
struct Receiver {
    deliveries: mpsc::UnboundedSender<Delivery>,
    fail_first: Arc<AtomicU32>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let failing = receiver
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let _ = receiver.deliveries.send(Delivery {
        payload: body,
        signature,
    });
    StatusCode::OK
}

struct Harness {
    stripe: RunningStripeSandbox,
    gateway: StripeGateway,
    webhooks: mpsc::UnboundedReceiver<Delivery>,
    fail_first: Arc<AtomicU32>,
    http: reqwest::Client,
}

async fn harness() -> anyhow::Result<Harness> {
    let stripe = StripeSandbox::spawn(StripeSandboxConfig::default())
        .await
        .context("Failed to spawn the Stripe sandbox")?;
    let (tx, rx) = mpsc::unbounded_channel();
    let fail_first = Arc::new(AtomicU32::new(0));
    let receiver = Receiver {
        deliveries: tx,
        fail_first: fail_first.clone(),
    };
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("Failed to bind the webhook receiver")?;
    let addr = listener
        .local_addr()
        .context("Failed to read the receiver address")?;
    let app = Router::new()
        .route("/webhooks/stripe", post(receive))
        .with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, app).await });
    // Set after start, as the app does once it knows its own port.
    stripe
        .sandbox
        .set_webhook_url(format!("http://{addr}/webhooks/stripe"));
    let gateway = StripeGateway::new(StripeConfig {
        secret_key: SANDBOX_SECRET_KEY.to_owned(),
        // Verified with the secret the running sandbox signs with, as Tern does.
        webhook_secret: stripe.sandbox.webhook_secret(),
        api_base: Some(stripe.api_base()),
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("Failed to build the HTTP client")?;
    Ok(Harness {
        stripe,
        gateway,
        webhooks: rx,
        fail_first,
        http,
    })
}

fn request(order_id: &str) -> CheckoutRequest {
    CheckoutRequest {
        order_id: order_id.to_owned(),
        idempotency_key: format!("checkout-{order_id}"),
        customer_email: "ada@example.com".to_owned(),
        line_item_name: "Japan 10 GB · 7 days eSIM".to_owned(),
        amount: Money::new(1599, Currency::USD),
        success_url: format!("https://tern.test/orders/{order_id}?session={{CHECKOUT_SESSION_ID}}"),
        cancel_url: "https://tern.test/plans/jp-10gb".to_owned(),
    }
}

impl Harness {
    async fn control(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let response = self
            .http
            .post(self.stripe.url(path))
            .json(&body)
            .send()
            .await
            .with_context(|| format!("Failed to call {path}"))?;
        let status = response.status();
        let json: Value = response.json().await.context("Failed to read JSON")?;
        anyhow::ensure!(status.is_success(), "{path} answered {status}: {json}");
        Ok(json)
    }

    async fn pay(&self, session_id: &str, card: &str) -> anyhow::Result<Value> {
        self.control(
            &format!("/_sandbox/stripe/sessions/{session_id}/pay"),
            json!({ "card": card }),
        )
        .await
    }

    /// The next delivered event of `event_type`, verified by the gateway; earlier ones are
    /// checked and skipped.
    async fn next_event(&mut self, event_type: &str) -> anyhow::Result<VerifiedEvent> {
        loop {
            let delivery = tokio::time::timeout(WAIT, self.webhooks.recv())
                .await
                .with_context(|| format!("No {event_type} webhook within {WAIT:?}"))?
                .context("The webhook receiver stopped")?;
            let event = self
                .gateway
                .verify_webhook(&delivery.payload, &delivery.signature)
                .with_context(|| format!("verify_webhook refused {}", delivery.payload))?;
            if event.event_type == event_type {
                return Ok(event);
            }
        }
    }

    async fn events(&self) -> anyhow::Result<Vec<Value>> {
        let list: Value = self
            .http
            .get(self.stripe.url("/_sandbox/stripe/events"))
            .send()
            .await
            .context("Failed to list events")?
            .json()
            .await
            .context("Failed to read events")?;
        Ok(list["data"].as_array().cloned().unwrap_or_default())
    }
}

#[tokio::test]
async fn create_checkout_is_idempotent_and_starts_unpaid() -> anyhow::Result<()> {
    let h = harness().await?;
    let first = h.gateway.create_checkout(&request("ord_1")).await?;
    let again = h.gateway.create_checkout(&request("ord_1")).await?;
    assert_eq!(first, again);
    assert!(first.id.starts_with("cs_test_"), "{}", first.id);
    assert_eq!(first.url, h.stripe.url(&format!("/checkout/{}", first.id)));

    let status = h.gateway.checkout_status(&first.id).await?;
    assert_eq!(status.outcome, PaymentOutcome::Unpaid);
    assert_eq!(status.order_id.as_deref(), Some("ord_1"));

    let stats = h.stripe.sandbox.stats();
    assert_eq!((stats.sessions, stats.idempotent_replays), (1, 1));

    // The same key with a different request is refused, as Stripe does.
    let mut changed = request("ord_1");
    changed.amount = Money::new(999, Currency::USD);
    let error = h.gateway.create_checkout(&changed).await.unwrap_err();
    assert!(matches!(error, PaymentError::Rejected { .. }), "{error:?}");
    assert!(!error.is_retryable());
    Ok(())
}

#[tokio::test]
async fn the_hosted_page_shows_what_the_gateway_sent() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_page")).await?;
    let page = h.http.get(&session.url).send().await?.text().await?;
    assert!(page.contains("TEST MODE — no real payment is taken"));
    assert!(page.contains("Japan 10 GB · 7 days eSIM"));
    assert!(page.contains("$15.99"));
    assert!(page.contains("ada@example.com"));
    assert!(page.contains("href=\"https://tern.test/plans/jp-10gb\""));
    Ok(())
}

#[tokio::test]
async fn paying_with_4242_makes_the_session_paid_and_raises_completed() -> anyhow::Result<()> {
    let mut h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_2")).await?;
    let paid = h.pay(&session.id, "4242424242424242").await?;
    assert_eq!(paid["outcome"], "paid");
    assert_eq!(
        paid["redirect_url"],
        format!("https://tern.test/orders/ord_2?session={}", session.id)
    );

    let status = h.gateway.checkout_status(&session.id).await?;
    let PaymentOutcome::Paid {
        payment_intent,
        amount,
    } = &status.outcome
    else {
        panic!("not paid: {status:?}");
    };
    assert!(payment_intent.starts_with("pi_"));
    assert_eq!(*amount, Money::new(1599, Currency::USD));

    let event = h.next_event("checkout.session.completed").await?;
    assert!(event.id.starts_with("evt_"));
    assert_eq!(event.event, PaymentEvent::CheckoutCompleted(status));
    Ok(())
}

#[tokio::test]
async fn a_declined_card_leaves_the_session_unpaid() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_3")).await?;
    let declined = h.pay(&session.id, "4000 0000 0000 0002").await?;
    assert_eq!(declined["outcome"], "declined");
    assert_eq!(declined["message"], "Your card was declined.");
    let status = h.gateway.checkout_status(&session.id).await?;
    assert_eq!(status.outcome, PaymentOutcome::Unpaid);
    // Another card still works on the same session.
    h.pay(&session.id, "5555555555554444").await?;
    let status = h.gateway.checkout_status(&session.id).await?;
    assert!(matches!(status.outcome, PaymentOutcome::Paid { .. }));
    Ok(())
}

#[tokio::test]
async fn a_3d_secure_card_pays_after_authentication_in_the_browser() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_4")).await?;
    let card = [
        ("card_number", "4000 0025 0000 3155"),
        ("expiry", "12/39"),
        ("cvc", "123"),
        ("name", "Ada Lovelace"),
    ];
    let response = h.http.post(&session.url).form(&card).send().await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let authenticate = response.headers()["location"].to_str()?.to_owned();
    assert_eq!(authenticate, format!("{}/authenticate", session.url));

    let page = h.http.get(&authenticate).send().await?.text().await?;
    assert!(page.contains("Complete authentication") && page.contains("Fail authentication"));
    assert!(page.contains("TEST MODE"));
    assert_eq!(
        h.gateway.checkout_status(&session.id).await?.outcome,
        PaymentOutcome::Unpaid
    );

    let done = h
        .http
        .post(&authenticate)
        .form(&[("action", "complete")])
        .send()
        .await?;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        done.headers()["location"].to_str()?,
        format!("https://tern.test/orders/ord_4?session={}", session.id)
    );
    assert!(matches!(
        h.gateway.checkout_status(&session.id).await?.outcome,
        PaymentOutcome::Paid { .. }
    ));
    Ok(())
}

#[tokio::test]
async fn failed_authentication_returns_to_the_form() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_5")).await?;
    let asked = h.pay(&session.id, "4000002500003155").await?;
    assert_eq!(asked["outcome"], "requires_action");
    let failed = h
        .http
        .post(
            asked["authenticate_url"]
                .as_str()
                .context("authenticate_url")?,
        )
        .form(&[("action", "fail")])
        .send()
        .await?;
    assert_eq!(failed.status(), StatusCode::PAYMENT_REQUIRED);
    let page = failed.text().await?;
    assert!(page.contains("We are unable to authenticate your payment method."));
    assert!(page.contains("Card number"));
    assert_eq!(
        h.gateway.checkout_status(&session.id).await?.outcome,
        PaymentOutcome::Unpaid
    );
    Ok(())
}

#[tokio::test]
async fn an_expired_session_reads_as_expired_and_raises_an_event() -> anyhow::Result<()> {
    let mut h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_6")).await?;
    h.control(
        &format!("/_sandbox/stripe/expire/{}", session.id),
        json!({}),
    )
    .await?;
    let status = h.gateway.checkout_status(&session.id).await?;
    assert_eq!(status.outcome, PaymentOutcome::Expired);
    let event = h.next_event("checkout.session.expired").await?;
    assert_eq!(event.event, PaymentEvent::CheckoutExpired(status));
    // An expired session can no longer be paid.
    let response = h
        .http
        .post(
            h.stripe
                .url(&format!("/_sandbox/stripe/sessions/{}/pay", session.id)),
        )
        .json(&json!({ "card": "4242424242424242" }))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn refunds_succeed_once_and_raise_charge_refunded() -> anyhow::Result<()> {
    let mut h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_7")).await?;
    h.pay(&session.id, "4242424242424242").await?;
    let PaymentOutcome::Paid { payment_intent, .. } =
        h.gateway.checkout_status(&session.id).await?.outcome
    else {
        panic!("not paid");
    };

    // Partial, then the rest; each raises charge.refunded with the running total.
    let partial = h
        .gateway
        .refund(
            &payment_intent,
            Some(Money::new(599, Currency::USD)),
            "refund-7a",
        )
        .await?;
    assert!(
        matches!(partial, RefundOutcome::Succeeded { ref refund_id } if refund_id.starts_with("re_"))
    );
    let event = h.next_event("charge.refunded").await?;
    assert_eq!(
        event.event,
        PaymentEvent::ChargeRefunded {
            payment_intent: payment_intent.clone(),
            amount_refunded: Money::new(599, Currency::USD),
        }
    );
    let too_much = h
        .gateway
        .refund(
            &payment_intent,
            Some(Money::new(1001, Currency::USD)),
            "refund-7b",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(too_much, PaymentError::Rejected { .. }),
        "{too_much:?}"
    );

    let rest = h.gateway.refund(&payment_intent, None, "refund-7c").await?;
    // The same idempotency key answers with the same refund, not a second one.
    assert_eq!(
        rest,
        h.gateway.refund(&payment_intent, None, "refund-7c").await?
    );
    let event = h.next_event("charge.refunded").await?;
    assert_eq!(
        event.event,
        PaymentEvent::ChargeRefunded {
            payment_intent: payment_intent.clone(),
            amount_refunded: Money::new(1599, Currency::USD),
        }
    );
    let again = h
        .gateway
        .refund(&payment_intent, None, "refund-7d")
        .await
        .unwrap_err();
    assert!(matches!(again, PaymentError::Rejected { .. }), "{again:?}");
    assert_eq!(h.stripe.sandbox.stats().refunds, 2);

    let unknown = h.gateway.refund("pi_unknown", None, "refund-7e").await;
    assert_eq!(unknown, Err(PaymentError::NotFound));
    Ok(())
}

#[tokio::test]
async fn a_resent_event_arrives_again_with_the_same_id() -> anyhow::Result<()> {
    let mut h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_8")).await?;
    h.pay(&session.id, "4242424242424242").await?;
    let first = h.next_event("checkout.session.completed").await?;
    h.control(
        &format!("/_sandbox/stripe/events/{}/resend", first.id),
        json!({}),
    )
    .await?;
    let second = h.next_event("checkout.session.completed").await?;
    assert_eq!(second, first);
    let events = h.events().await?;
    let logged = events
        .iter()
        .find(|e| e["id"] == first.id.as_str())
        .context("event not listed")?;
    assert_eq!(logged["delivery"]["status"], "delivered");
    assert_eq!(logged["delivery"]["deliveries"], 2);
    Ok(())
}

#[tokio::test]
async fn deliveries_are_retried_until_the_endpoint_accepts() -> anyhow::Result<()> {
    let mut h = harness().await?;
    h.fail_first.store(2, Ordering::SeqCst);
    let session = h.gateway.create_checkout(&request("ord_9")).await?;
    h.pay(&session.id, "4242424242424242").await?;
    let event = h.next_event("checkout.session.completed").await?;
    let events = h.events().await?;
    let logged = events
        .iter()
        .find(|e| e["id"] == event.id.as_str())
        .context("event not listed")?;
    assert_eq!(logged["delivery"]["attempts"], 3);
    assert_eq!(logged["delivery"]["last_response_status"], 200);
    assert_eq!(h.fail_first.load(Ordering::SeqCst), 0);
    Ok(())
}

#[tokio::test]
async fn delayed_payments_complete_pending_then_succeed() -> anyhow::Result<()> {
    let mut h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_10")).await?;
    h.control(
        &format!("/_sandbox/stripe/sessions/{}/pay_later", session.id),
        json!({}),
    )
    .await?;
    let completed = h.next_event("checkout.session.completed").await?;
    let PaymentEvent::CheckoutCompleted(status) = completed.event else {
        panic!("{completed:?}");
    };
    assert_eq!(status.outcome, PaymentOutcome::Pending);
    h.control(
        &format!("/_sandbox/stripe/sessions/{}/settle", session.id),
        json!({ "succeed": true }),
    )
    .await?;
    let succeeded = h
        .next_event("checkout.session.async_payment_succeeded")
        .await?;
    let PaymentEvent::AsyncPaymentSucceeded(status) = succeeded.event else {
        panic!("{succeeded:?}");
    };
    assert!(matches!(status.outcome, PaymentOutcome::Paid { .. }));
    Ok(())
}

#[tokio::test]
async fn upstream_refusals_map_to_typed_errors() -> anyhow::Result<()> {
    let h = harness().await?;
    assert_eq!(
        h.gateway.checkout_status("cs_test_nope").await,
        Err(PaymentError::NotFound)
    );
    let wrong_key = StripeGateway::new(StripeConfig {
        secret_key: "sk_test_wrong".to_owned(),
        webhook_secret: h.stripe.sandbox.webhook_secret(),
        api_base: Some(h.stripe.api_base()),
    });
    assert_eq!(
        wrong_key.checkout_status("cs_test_nope").await,
        Err(PaymentError::Unauthorized)
    );
    assert_eq!(h.stripe.sandbox.stats().unauthorized_calls, 1);

    let nowhere = StripeGateway::new(StripeConfig {
        secret_key: SANDBOX_SECRET_KEY.to_owned(),
        webhook_secret: h.stripe.sandbox.webhook_secret(),
        api_base: Some("http://127.0.0.1:9/".to_owned()),
    });
    let error = nowhere
        .create_checkout(&request("ord_x"))
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error:?}");

    Ok(())
}

#[tokio::test]
async fn deliveries_fail_verification_with_another_secret_or_a_changed_body() -> anyhow::Result<()>
{
    let mut h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_11")).await?;
    h.control(
        &format!("/_sandbox/stripe/expire/{}", session.id),
        json!({}),
    )
    .await?;
    let delivery = tokio::time::timeout(WAIT, h.webhooks.recv())
        .await
        .context("no webhook")?
        .context("receiver stopped")?;
    assert!(h
        .gateway
        .verify_webhook(&delivery.payload, &delivery.signature)
        .is_ok());
    let wrong_secret = StripeGateway::new(StripeConfig {
        secret_key: SANDBOX_SECRET_KEY.to_owned(),
        webhook_secret: "whsec_other".to_owned(),
        api_base: Some(h.stripe.api_base()),
    });
    assert_eq!(
        wrong_secret.verify_webhook(&delivery.payload, &delivery.signature),
        Err(PaymentError::InvalidSignature)
    );
    let tampered = delivery.payload.replace("\"expired\"", "\"complete\"");
    assert_ne!(tampered, delivery.payload);
    assert_eq!(
        h.gateway.verify_webhook(&tampered, &delivery.signature),
        Err(PaymentError::InvalidSignature)
    );
    Ok(())
}

/// The sandbox's objects read straight into async-stripe's own types, with nothing missing.
#[tokio::test]
async fn sandbox_objects_deserialise_into_async_stripe_types() -> anyhow::Result<()> {
    let h = harness().await?;
    let session = h.gateway.create_checkout(&request("ord_12")).await?;
    h.pay(&session.id, "4242424242424242").await?;
    let client = stripe::Client::from_url(h.stripe.api_base().as_str(), SANDBOX_SECRET_KEY);
    let id: stripe::CheckoutSessionId = session.id.parse()?;
    let expanded = stripe::CheckoutSession::retrieve(&client, &id, &["payment_intent"]).await?;
    let intent = expanded
        .payment_intent
        .as_ref()
        .and_then(|pi| pi.as_object())
        .context("payment_intent was not expanded")?;
    assert_eq!(intent.status, stripe::PaymentIntentStatus::Succeeded);
    assert_eq!(intent.amount_received, 1599);
    assert_eq!(
        intent.metadata.get("order_id").map(String::as_str),
        Some("ord_12")
    );

    let retrieved = stripe::PaymentIntent::retrieve(&client, &intent.id, &[]).await?;
    assert_eq!(
        retrieved.latest_charge.map(|c| c.id()),
        intent.latest_charge.as_ref().map(|c| c.id())
    );

    let mut params = stripe::CreateRefund::new();
    params.payment_intent = Some(intent.id.clone());
    params.amount = Some(100);
    let refund = stripe::Refund::create(&client, params).await?;
    let fetched = stripe::Refund::retrieve(&client, &refund.id, &[]).await?;
    assert_eq!(fetched.amount, 100);
    assert_eq!(fetched.currency, stripe::Currency::USD);
    assert_eq!(fetched.status.as_deref(), Some("succeeded"));

    // Every raised event is a well-formed `stripe::Event`.
    for logged in h.events().await? {
        let event: stripe::Event = serde_json::from_value(logged["event"].clone())
            .with_context(|| format!("not a stripe::Event: {}", logged["event"]))?;
        assert_eq!(event.api_version.as_deref(), Some("2023-10-16"));
    }
    Ok(())
}
