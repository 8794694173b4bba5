//! A refund that lands while the provider is still being asked for the eSIM: the provider's order
//! call is held in the sandbox until the refund is in, so the eSIM arrives after it. The order
//! must end refunded once, with the eSIM terminated at the provider, or, where the provider
//! cannot terminate, flagged for a person; never refunded with a working eSIM nobody knows of.

use crate::admin::{admin_cookie, attention, json, OWNER_EMAIL, OWNER_PASSWORD};
use crate::support::{spawn_app_configured, TestApp};
use serde_json::json;
use store::routing::{save_rule, Rule, Scope, Strategy};
use tern::config::AdminBootstrap;

const PLAN: &str = "esimfx_1G_7D_JP";
/// The eSIMfx call that creates the eSIM.
const ESIMFX_ORDER_CALL: &str = "/order/api/v1/create_order";
/// The Truphone call that places an order.
const TRUPHONE_ORDER_CALL: &str = "/order";
const BUYER: &str = "racer@example.com";

/// Tern selling from `providers`, with an owner who can sign in.
async fn app_with(providers: &[&str]) -> TestApp {
    spawn_app_configured(providers, |settings| {
        settings.admin = AdminBootstrap {
            email: Some(OWNER_EMAIL.into()),
            password: Some(OWNER_PASSWORD.into()),
        };
    })
    .await
}

/// Pays for `product` and returns the order once `held` (the sandbox's count of held calls)
/// shows its provider call in flight.
async fn pay_and_hold<F, Fut>(app: &TestApp, product: &str, held: F) -> String
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = u64>,
{
    let (order, session) = app.start_checkout_as(None, product, BUYER).await;
    assert_eq!(app.pay(&session, "4242424242424242").await.status(), 200);
    app.wait_until("the provider's order call in flight", 20, || async {
        (held().await > 0).then_some(())
    })
    .await;
    assert_eq!(app.order_status(&order).await, "provisioning");
    order
}

/// How many calls the eSIMfx sandbox holds now.
async fn esimfx_held(app: &TestApp) -> u64 {
    app.sandbox_get("faults").await["held_calls"]
        .as_u64()
        .unwrap()
}

/// The owner refunds the order from the admin panel; the answer shown to them.
async fn refund_as_owner(app: &TestApp, order: &str) -> String {
    let owner = admin_cookie(app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let (status, body) = app
        .server_fn(Some(&owner), "admin/new_action_id", &[])
        .await;
    assert_eq!(status, 200, "{body}");
    let id = json(&body).as_str().unwrap().to_owned();
    let form = [
        ("order_id", order),
        ("action_id", id.as_str()),
        ("reason", "Changed their mind"),
    ];
    let (status, body) = app
        .server_fn(Some(&owner), "admin/refund_order", &form)
        .await;
    assert_eq!(status, 200, "{body}");
    json(&body).as_str().unwrap().to_owned()
}

async fn timeline(app: &TestApp, order: &str) -> Vec<String> {
    store::orders::timeline_entries(&app.db, order)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.message)
        .collect()
}

/// Refunds the Stripe sandbox made for this order's payment.
async fn refunds_of(app: &TestApp, order: &str) -> usize {
    let intent = app.order_field(order, "payment_intent").await.unwrap();
    app.stripe_get("events").await["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| {
            event["type"] == "charge.refunded"
                && event.to_string().contains(&format!("\"{intent}\""))
        })
        .count()
}

/// The admin order page's data, as the owner reads it.
async fn admin_order(app: &TestApp, order: &str) -> serde_json::Value {
    let owner = admin_cookie(app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let (status, body) = app
        .server_fn(Some(&owner), "admin/get_order", &[("order_id", order)])
        .await;
    assert_eq!(status, 200, "{body}");
    json(&body)
}

/// Whether the traveller was ever given the eSIM (it is listed under My eSIMs).
async fn esims_given(app: &TestApp, order: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM esims WHERE order_id = '{order}'"
    ))
    .await
}

/// Waits for the order's jobs to finish, then checks it ended refunded.
async fn wait_until_settled(app: &TestApp, order: &str) {
    app.wait_until("the order's jobs to finish", 30, || async {
        (app.scalar(&format!(
            "SELECT COUNT(*) FROM jobs WHERE subject = '{order}' AND state = 'queued'"
        ))
        .await
            == 0)
            .then_some(())
    })
    .await;
    assert_eq!(app.order_status(order).await, "refunded");
}

/// The ICCID the provider issued for the order, wherever Tern kept it.
async fn issued_iccid(app: &TestApp, order: &str) -> String {
    use sqlx::Row;
    sqlx::query(
        "SELECT iccid FROM orders WHERE id = $1 AND iccid IS NOT NULL
         UNION SELECT iccid FROM esims WHERE order_id = $1",
    )
    .bind(order)
    .fetch_one(app.db.pool())
    .await
    .expect("an eSIM was issued")
    .get("iccid")
}

#[tokio::test]
async fn an_esim_that_arrives_after_an_admin_refund_is_terminated_and_refunded_once() {
    let app = app_with(&["esimfx"]).await;
    app.control("faults", json!({ "hold": ESIMFX_ORDER_CALL }))
        .await;
    let order = pay_and_hold(&app, PLAN, || esimfx_held(&app)).await;

    let answer = refund_as_owner(&app, &order).await;
    assert_ne!(
        app.order_status(&order).await,
        "refunded",
        "not before the provider answers"
    );
    app.control("faults", json!({ "hold": "" })).await;
    wait_until_settled(&app, &order).await;

    assert_eq!(refunds_of(&app, &order).await, 1, "refunded once");
    let iccid = issued_iccid(&app, &order).await;
    assert_eq!(app.sandbox_package_statuses(&iccid).await, ["TERMINATED"]);
    assert_eq!(
        esims_given(&app, &order).await,
        0,
        "never shown to the traveller"
    );
    let messages = timeline(&app, &order).await;
    assert!(
        messages.iter().any(|m| m.contains(&format!(
            "eSIM {iccid} arrived after the refund was asked for"
        ))),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains(&format!("eSIM {iccid} terminated at esimfx"))),
        "{messages:#?}"
    );
    let detail = admin_order(&app, &order).await;
    assert_eq!(detail["late_esim"]["state"], "terminated", "{detail}");
    assert!(
        !attention(&app, &admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await)
            .await
            .contains(&order),
        "nothing left for a person"
    );
    assert!(
        answer.contains("once"),
        "the admin is told the refund waits: {answer}"
    );
}

#[tokio::test]
async fn an_esim_that_cannot_be_terminated_flags_the_refunded_order_for_a_person() {
    let app = app_with(&["esimfx", "truphone"]).await;
    let rule = Rule {
        scope: Scope::Country("JP".into()),
        strategy: Strategy::Fixed("truphone".into()),
    };
    save_rule(&app.db, &rule).await.unwrap();
    let product: String = {
        use sqlx::Row;
        sqlx::query(
            "SELECT provider_product_id FROM plans
             WHERE provider = 'truphone' AND home_country = 'JP' AND data_mb = 1024 AND validity_days = 7 AND active = TRUE",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("provider_product_id")
    };
    let truphone = app.others.truphone.clone().unwrap();
    // Completed on the first check after the order is accepted.
    truphone.set_fulfilment(0, u32::MAX);
    truphone.set_faults(sandbox::faults::FaultUpdate {
        hold: Some(TRUPHONE_ORDER_CALL.into()),
        ..Default::default()
    });
    let order = pay_and_hold(&app, &product, || async { truphone.faults().held_calls }).await;

    refund_as_owner(&app, &order).await;
    truphone.set_faults(sandbox::faults::FaultUpdate {
        hold: Some(String::new()),
        ..Default::default()
    });
    wait_until_settled(&app, &order).await;

    assert!(
        attention(&app, &admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await)
            .await
            .contains(&order),
        "flagged for a person"
    );
    assert_eq!(refunds_of(&app, &order).await, 1, "refunded once");
    assert_eq!(truphone.stats().esims_issued, 1, "the eSIM was issued");
    let iccid = issued_iccid(&app, &order).await;
    assert_eq!(
        esims_given(&app, &order).await,
        0,
        "never shown to the traveller"
    );
    let messages = timeline(&app, &order).await;
    assert!(
        messages.iter().any(|m| m.contains(&format!(
            "eSIM {iccid} cannot be terminated at truphone; needs a person"
        ))),
        "{messages:#?}"
    );
    let detail = admin_order(&app, &order).await;
    assert_eq!(detail["late_esim"]["state"], "not_terminated", "{detail}");
}

#[tokio::test]
async fn a_refund_made_in_the_stripe_dashboard_during_fulfilment_stops_it() {
    let app = app_with(&["esimfx"]).await;
    app.control("faults", json!({ "hold": ESIMFX_ORDER_CALL }))
        .await;
    let order = pay_and_hold(&app, PLAN, || esimfx_held(&app)).await;
    let intent = app.order_field(&order, "payment_intent").await.unwrap();
    let refunded = app
        .stripe_control(&format!("payment_intents/{intent}/refund"), json!({}))
        .await;
    assert!(refunded.status().is_success(), "{}", refunded.status());
    app.wait_until("Tern to take the charge.refunded webhook", 20, || async {
        app.stripe_get("events").await["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|event| {
                event["type"] == "charge.refunded"
                    && event["delivery"]["last_response_status"] == 200
            })
            .then_some(())
    })
    .await;
    app.control("faults", json!({ "hold": "" })).await;
    wait_until_settled(&app, &order).await;

    assert_eq!(
        refunds_of(&app, &order).await,
        1,
        "not refunded a second time"
    );
    let iccid = issued_iccid(&app, &order).await;
    let sandbox = app.sandbox_get(&format!("esims/{iccid}")).await;
    assert_eq!(
        sandbox["subscriptions"][0]["status"], "TERMINATED",
        "{sandbox}"
    );
    assert_eq!(esims_given(&app, &order).await, 0);
}
