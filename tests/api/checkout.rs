//! Buying a plan end to end: checkout, payment in the Stripe sandbox, webhooks, fulfilment, refunds, email.

use crate::support::{spawn_app, TestApp};
use serde_json::json;

const PLAN_PRODUCT: &str = "esimfx_10G_7D_JP";

async fn esims_bought(app: &TestApp) -> i64 {
    app.sandbox_stats().await["orders"].as_i64().unwrap()
}

#[tokio::test]
async fn a_paid_order_delivers_an_esim_with_its_qr_and_emails() {
    let app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    assert_eq!(app.order_status(&order).await, "awaiting_payment");
    assert_eq!(
        esims_bought(&app).await,
        0,
        "nothing is ordered before payment"
    );

    assert!(app
        .pay(&session, "4242424242424242")
        .await
        .status()
        .is_success());
    app.wait_for_status(&order, "ready", 20).await;
    assert_eq!(esims_bought(&app).await, 1);

    let token = app.order_token(&session).await;
    let (status, html) = app.get_html(&format!("/order/{order}?token={token}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Your eSIM is ready"));
    assert!(html.contains("<svg"), "the QR code is rendered");
    let smdp = app.order_field(&order, "smdp_address").await.unwrap();
    let matching = app.order_field(&order, "matching_id").await.unwrap();
    assert!(html.contains(&smdp) && html.contains(&matching));
    assert!(html.contains(&format!(
        "esimsetup.apple.com/esim_qrcode_provisioning?carddata=LPA:1${smdp}${matching}"
    )));
    assert!(html.contains("esimsetup.android.com"));
    assert!(html.contains("This eSIM can only be installed once"));

    // Both emails are sent; the delivery one is in the outbox with the QR inline.
    let sent =
        format!("SELECT COUNT(*) FROM emails WHERE order_id = '{order}' AND sent_at IS NOT NULL");
    app.wait_until("confirmation and delivery sent", 10, || async {
        (app.scalar(&sent).await == 2).then_some(())
    })
    .await;
    let files: Vec<_> = std::fs::read_dir(&app.outbox)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        files
            .iter()
            .any(|eml| eml.contains("Your eSIM is ready") && eml.contains("image/png")),
        "delivery email with QR"
    );
}

#[tokio::test]
async fn the_wrong_token_shows_nothing() {
    let app = spawn_app().await;
    let (order, _) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    let (status, html) = app.get_html(&format!("/order/{order}?token=guessed")).await;
    assert_eq!(status, 404);
    assert!(!html.contains("sarah@example.com"));
}

#[tokio::test]
async fn duplicate_webhooks_change_nothing() {
    let app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    app.pay(&session, "4242424242424242").await;
    app.wait_for_status(&order, "ready", 20).await;
    let timeline = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM order_events WHERE order_id = '{order}' AND kind <> 'email'"
        ))
        .await;

    let events = app.stripe_get("events").await;
    let completed = events
        .as_array()
        .or_else(|| events["data"].as_array())
        .unwrap()
        .iter()
        .find(|e| e["type"] == "checkout.session.completed")
        .expect("a completed event")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let delivered = || async {
        app.stripe_get("stats").await["webhooks_delivered"]
            .as_u64()
            .unwrap()
    };
    let before = delivered().await;
    for _ in 0..3 {
        assert!(app
            .stripe_control(&format!("events/{completed}/resend"), json!({}))
            .await
            .status()
            .is_success());
    }
    // A delivery counts once Tern has answered it, so all three resends have been handled.
    app.wait_until("the three resends delivered", 10, || async {
        (delivered().await >= before + 3).then_some(())
    })
    .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM order_events WHERE order_id = '{order}' AND kind <> 'email'"
        ))
        .await,
        timeline
    );
    assert_eq!(esims_bought(&app).await, 1);
    let recorded = app
        .scalar(
            "SELECT COUNT(*) FROM payment_events WHERE event_type = 'checkout.session.completed'",
        )
        .await;
    assert_eq!(
        recorded, 1,
        "the event is recorded once however often it arrives"
    );
}

#[tokio::test]
async fn forged_webhooks_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    let body = json!({ "id": "evt_forged", "object": "event", "type": "checkout.session.completed",
        "data": { "object": { "id": session, "object": "checkout.session", "payment_status": "paid" } } })
    .to_string();
    for signature in [None, Some("t=1700000000,v1=deadbeef")] {
        let mut request = app
            .http
            .post(format!("{}/webhooks/stripe", app.base_url))
            .body(body.clone());
        if let Some(signature) = signature {
            request = request.header("Stripe-Signature", signature);
        }
        assert_eq!(request.send().await.unwrap().status(), 400);
    }
    assert_eq!(app.order_status(&order).await, "awaiting_payment");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payment_events").await, 0);
    assert_eq!(esims_bought(&app).await, 0);
}

#[tokio::test]
async fn a_declined_card_orders_nothing() {
    let app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    let _ = app.pay(&session, "4000000000000002").await;
    let token = app.order_token(&session).await;
    let (_, html) = app
        .get_html(&format!(
            "/order/{order}?token={token}&session_id={session}"
        ))
        .await;
    assert!(html.contains("Waiting for your payment") && html.contains("Complete payment"));
    assert_eq!(app.order_status(&order).await, "awaiting_payment");
    assert_eq!(esims_bought(&app).await, 0);
}

#[tokio::test]
async fn an_expired_checkout_ends_the_order_without_charge() {
    let app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    assert!(app
        .stripe_control(&format!("expire/{session}"), json!({}))
        .await
        .status()
        .is_success());
    app.wait_for_status(&order, "expired", 10).await;
    assert_eq!(esims_bought(&app).await, 0);
}

#[tokio::test]
async fn the_success_page_confirms_payment_when_the_webhook_is_late() {
    let app = spawn_app().await;
    // Webhooks go nowhere: only the success page's own check can confirm the payment.
    app.stripe
        .sandbox
        .set_webhook_url("http://127.0.0.1:9/".into());
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    app.pay(&session, "4242424242424242").await;
    assert_eq!(app.order_status(&order).await, "awaiting_payment");
    let token = app.order_token(&session).await;
    let (status, _) = app
        .get_html(&format!(
            "/order/{order}?token={token}&session_id={session}"
        ))
        .await;
    assert_eq!(status, 200);
    app.wait_for_status(&order, "ready", 20).await;
    assert_eq!(esims_bought(&app).await, 1);
}

#[tokio::test]
async fn provider_errors_are_retried_with_the_same_key_until_the_esim_arrives() {
    let app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    app.control("faults", json!({ "fail_next": 2, "status": 503 }))
        .await;
    app.pay(&session, "4242424242424242").await;
    app.wait_for_status(&order, "ready", 20).await;
    assert_eq!(
        esims_bought(&app).await,
        1,
        "one eSIM despite three attempts"
    );
    let retries = app.scalar(&format!("SELECT COUNT(*) FROM order_events WHERE order_id = '{order}' AND message LIKE '%retrying%'")).await;
    assert_eq!(retries, 2);
}

#[tokio::test]
async fn a_permanent_provider_failure_refunds_the_payment() {
    let app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    // The provider withdraws the product after the traveller paid: ordering it fails for good.
    app.control("catalogue/remove", json!({ "id": PLAN_PRODUCT }))
        .await;
    app.pay(&session, "4242424242424242").await;
    app.wait_for_status(&order, "refunded", 20).await;
    assert_eq!(esims_bought(&app).await, 0);
    assert!(app.order_field(&order, "failure_reason").await.is_some());
    let token = app.order_token(&session).await;
    let (_, html) = app.get_html(&format!("/order/{order}?token={token}")).await;
    assert!(html.contains("Your payment was refunded"));
    let stats: serde_json::Value = app
        .http
        .get(format!("{}/_sandbox/stripe/stats", app.stripe.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["refunds"].as_i64(), Some(1), "{stats}");
}

#[tokio::test]
async fn a_crash_mid_fulfilment_resumes_and_buys_exactly_one_esim() {
    let mut app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    // Every provider call now takes a while, so the crash lands while the order is being placed.
    app.control("faults", json!({ "delay_ms": 1500 })).await;
    app.pay(&session, "4242424242424242").await;
    app.wait_for_status(&order, "provisioning", 20).await;
    app.crash_and_restart().await;
    app.control("faults", json!({ "delay_ms": 0 })).await;
    app.wait_for_status(&order, "ready", 30).await;
    assert_eq!(
        esims_bought(&app).await,
        1,
        "the resumed job reused the idempotency key"
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_a_clear_message_and_nothing_is_created() {
    let app = spawn_app().await;
    let plan = app.plan_id(PLAN_PRODUCT).await;
    for (plan, email, code) in [
        (plan.as_str(), "not-an-email", "email"),
        ("no-such-plan", "sarah@example.com", "unavailable"),
    ] {
        let response = app
            .http
            .post(format!("{}/checkout", app.base_url))
            .form(&[("plan_id", plan), ("email", email)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap();
        assert!(location.contains(&format!("error={code}")), "{location}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 0);
    let (_, html) = app
        .get_html(&format!("/plan/{plan}?error=email&email=not-an-email"))
        .await;
    assert!(
        html.contains("Please enter a valid email address")
            && html.contains("value=\"not-an-email\"")
    );
}

#[tokio::test]
async fn a_delayed_payment_method_fulfils_only_once_it_succeeds() {
    let app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    assert!(app
        .stripe_control(&format!("sessions/{session}/pay_later"), json!({}))
        .await
        .status()
        .is_success());
    // checkout.session.completed arrives unpaid: the order waits and nothing is ordered.
    let waiting = format!("SELECT COUNT(*) FROM order_events WHERE order_id = '{order}' AND message LIKE 'Payment is processing%'");
    app.wait_until("the pending payment noted", 10, || async {
        (app.scalar(&waiting).await > 0).then_some(())
    })
    .await;
    assert_eq!(app.order_status(&order).await, "awaiting_payment");
    assert_eq!(esims_bought(&app).await, 0);

    assert!(app
        .stripe_control(
            &format!("sessions/{session}/settle"),
            json!({ "succeed": true })
        )
        .await
        .status()
        .is_success());
    app.wait_for_status(&order, "ready", 20).await;
    assert_eq!(esims_bought(&app).await, 1);
}

#[tokio::test]
async fn a_failed_delayed_payment_cancels_the_order_without_an_esim() {
    let app = spawn_app().await;
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    app.stripe_control(&format!("sessions/{session}/pay_later"), json!({}))
        .await;
    assert!(app
        .stripe_control(
            &format!("sessions/{session}/settle"),
            json!({ "succeed": false })
        )
        .await
        .status()
        .is_success());
    app.wait_for_status(&order, "cancelled", 20).await;
    assert_eq!(esims_bought(&app).await, 0);
}
