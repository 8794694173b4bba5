//! Several providers behind one shop: one listing per offer, routing rules that choose the
//! provider (written in the order's timeline), and failover to an equivalent plan elsewhere.

use crate::support::{spawn_app_with, TestApp};
use sqlx::Row;
use store::routing::{save_rule, Rule, Scope, Strategy};

/// eSIMfx's Japan 1 GB / 7 days plan; eSIM Go sells the same offer.
const JAPAN_1GB: &str = "esimfx_1G_7D_JP";

async fn fix_country(app: &TestApp, country: &str, provider: &str) {
    let rule = Rule {
        scope: Scope::Country(country.into()),
        strategy: Strategy::Fixed(provider.into()),
    };
    save_rule(&app.db, &rule).await.unwrap();
}

async fn timeline(app: &TestApp, order: &str) -> Vec<String> {
    sqlx::query("SELECT message FROM order_events WHERE order_id = $1 ORDER BY at, id")
        .bind(order)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>("message"))
        .collect()
}

async fn amount_paid(app: &TestApp, order: &str) -> i64 {
    sqlx::query("SELECT amount_minor FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("amount_minor")
}

/// The eSIM Go sandbox answers every API call with a 503 from now on.
fn take_esimgo_down(app: &TestApp) {
    let esimgo = app.others.esimgo.as_ref().expect("eSIM Go runs");
    esimgo
        .set_faults(sandbox::faults::FaultUpdate {
            fail_next: Some(10_000),
            status: Some(503),
            ..Default::default()
        })
        .unwrap();
}

#[tokio::test]
async fn an_offer_sold_by_two_providers_is_listed_once_at_the_cheapest_price() {
    let app = spawn_app_with(&["esimfx", "esimgo"]).await;
    let rows = sqlx::query(
        "SELECT offer_key, provider, wholesale_minor, CAST(CASE WHEN listed THEN 1 ELSE 0 END AS BIGINT) AS listed
         FROM plans WHERE active = TRUE AND offer_key = (SELECT offer_key FROM plans WHERE provider_product_id = $1)",
    )
    .bind(JAPAN_1GB)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let providers: Vec<String> = rows.iter().map(|r| r.get("provider")).collect();
    assert!(
        providers.contains(&"esimgo".to_owned()) && providers.contains(&"esimfx".to_owned()),
        "both sell Japan 1 GB / 7 days: {providers:?}"
    );
    let listed: Vec<_> = rows
        .iter()
        .filter(|r| r.get::<i64, _>("listed") == 1)
        .collect();
    assert_eq!(listed.len(), 1, "one listing per offer");
    let cheapest = rows
        .iter()
        .map(|r| r.get::<i64, _>("wholesale_minor"))
        .min()
        .unwrap();
    assert_eq!(listed[0].get::<i64, _>("wholesale_minor"), cheapest);

    // The country page shows each offer once, under no provider's name.
    let page = app
        .http
        .get(format!("{}/esim/japan", app.base_url))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        !html.to_lowercase().contains("esimgo") && !html.contains("eSIMfx"),
        "no provider names"
    );
    let listed_plans: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM plans WHERE listed = TRUE AND home_country = 'JP'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get("n");
    let offers: i64 = sqlx::query(
        "SELECT COUNT(DISTINCT offer_key) AS n FROM plans WHERE active = TRUE AND home_country = 'JP'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get("n");
    assert_eq!(listed_plans, offers);
}

#[tokio::test]
async fn a_country_rule_chooses_the_provider_and_the_timeline_says_why() {
    let app = spawn_app_with(&["esimfx", "esimgo"]).await;
    fix_country(&app, "JP", "esimgo").await;
    let (order, _iccid) = app.buy_esim(JAPAN_1GB, "routed@example.com").await;
    assert_eq!(
        app.order_field(&order, "provider").await.as_deref(),
        Some("esimgo")
    );
    let events = timeline(&app, &order).await;
    assert!(
        events
            .iter()
            .any(|e| e.starts_with("Routing: esimgo serves")
                && e.contains("fixed to esimgo (the rule for JP)")),
        "{events:#?}"
    );
}

#[tokio::test]
async fn when_the_chosen_provider_is_down_another_fulfils_the_order_exactly_once() {
    let app = spawn_app_with(&["esimfx", "esimgo"]).await;
    fix_country(&app, "JP", "esimgo").await;
    let esimfx_orders = app.sandbox.sandbox.stats().orders;
    take_esimgo_down(&app);
    let (order, session) = app
        .start_checkout_as(None, JAPAN_1GB, "failover@example.com")
        .await;
    let amount = amount_paid(&app, &order).await;
    assert_eq!(app.pay(&session, "4242424242424242").await.status(), 200);
    app.wait_for_status(&order, "ready", 30).await;

    assert_eq!(
        app.order_field(&order, "provider").await.as_deref(),
        Some("esimfx")
    );
    assert_eq!(
        app.order_field(&order, "failed_providers").await.as_deref(),
        Some("esimgo")
    );
    assert_eq!(amount_paid(&app, &order).await, amount, "no extra cost");
    assert_eq!(
        app.sandbox.sandbox.stats().orders,
        esimfx_orders + 1,
        "fulfilled once"
    );
    let esimgo = app.others.esimgo.as_ref().unwrap();
    assert_eq!(esimgo.stats().esims_issued, 0);
    let events = timeline(&app, &order).await;
    assert!(
        events.iter().any(|e| e.starts_with("Failover: esimgo")),
        "{events:#?}"
    );
    // The failed provider now counts as unhealthy, so new listings pass it over.
    let health = store::routing::health::all(&app.db).await.unwrap();
    let esimgo_health = health.iter().find(|h| h.provider == "esimgo").unwrap();
    assert!(!esimgo_health.healthy(), "{esimgo_health:?}");
}

#[tokio::test]
async fn without_an_equivalent_plan_elsewhere_the_payment_is_refunded() {
    let app = spawn_app_with(&["esimgo"]).await;
    let product: String = sqlx::query(
        "SELECT provider_product_id FROM plans WHERE provider = 'esimgo' AND home_country = 'JP' AND listed = TRUE LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get("provider_product_id");
    take_esimgo_down(&app);
    let (order, session) = app
        .start_checkout_as(None, &product, "refund@example.com")
        .await;
    assert_eq!(app.pay(&session, "4242424242424242").await.status(), 200);
    app.wait_for_status(&order, "refunded", 30).await;
    let events = timeline(&app, &order).await;
    assert!(
        events
            .iter()
            .any(|e| e.contains("no other provider sells an equivalent plan")),
        "{events:#?}"
    );
}

/// A JP 1 GB / 7 days plan id of `provider`.
async fn japan_plan_of(app: &TestApp, provider: &str) -> String {
    sqlx::query(
        "SELECT provider_product_id FROM plans
         WHERE provider = $1 AND home_country = 'JP' AND data_mb = 1024 AND validity_days = 7 AND active = TRUE",
    )
    .bind(provider)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get("provider_product_id")
}

#[tokio::test]
async fn an_fms_order_is_reserved_at_checkout_and_fms_is_told_of_the_payment_once() {
    let app = spawn_app_with(&["esimfx", "fms"]).await;
    fix_country(&app, "JP", "fms").await;
    let product = japan_plan_of(&app, "fms").await;
    let (order, session) = app
        .start_checkout_as(None, &product, "fms@example.com")
        .await;
    let reservation = app
        .order_field(&order, "provider_order_id")
        .await
        .expect("FMS holds an eSIM from the moment checkout starts");
    let reserved_until: Option<i64> =
        sqlx::query("SELECT reserved_until FROM orders WHERE id = $1")
            .bind(&order)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get("reserved_until");
    assert!(
        reserved_until.is_some(),
        "the reservation's deadline is kept"
    );
    let fms = app.others.fms.as_ref().unwrap();
    assert_eq!(
        fms.payment_notifications(&reservation),
        0,
        "nothing is paid yet"
    );

    assert_eq!(app.pay(&session, "4242424242424242").await.status(), 200);
    app.wait_for_status(&order, "ready", 30).await;
    assert_eq!(
        app.order_field(&order, "provider").await.as_deref(),
        Some("fms")
    );
    assert_eq!(
        fms.payment_notifications(&reservation),
        1,
        "told exactly once"
    );
    assert!(app.order_field(&order, "matching_id").await.is_some());
}

#[tokio::test]
async fn a_truphone_order_is_polled_until_it_completes_and_each_check_is_on_the_timeline() {
    let app = spawn_app_with(&["esimfx", "truphone"]).await;
    fix_country(&app, "JP", "truphone").await;
    let truphone = app.others.truphone.as_ref().unwrap();
    // Accepted, then fulfilling for two more polls, then completed.
    truphone.set_fulfilment(3, u32::MAX);
    let product = japan_plan_of(&app, "truphone").await;
    let (order, _iccid) = app.buy_esim(&product, "truphone@example.com").await;
    assert_eq!(
        app.order_field(&order, "provider").await.as_deref(),
        Some("truphone")
    );
    let events = timeline(&app, &order).await;
    let checks = events.iter().filter(|e| e.contains("(check ")).count();
    assert!(checks >= 3, "accepted, then polled: {events:#?}");
    assert!(
        events.iter().any(|e| e.contains("is ACCEPTED")),
        "{events:#?}"
    );
    assert!(
        events.iter().any(|e| e.contains("is FULFILLING")),
        "{events:#?}"
    );
    assert_eq!(truphone.stats().esims_issued, 1);
}

#[tokio::test]
async fn an_unpaid_fms_checkout_releases_its_reservation_once() {
    let app = spawn_app_with(&["esimfx", "fms"]).await;
    fix_country(&app, "JP", "fms").await;
    let product = japan_plan_of(&app, "fms").await;
    let (order, session) = app
        .start_checkout_as(None, &product, "gone@example.com")
        .await;
    let reservation = app.order_field(&order, "provider_order_id").await.unwrap();
    let expired = app
        .stripe_control(&format!("expire/{session}"), serde_json::json!({}))
        .await;
    assert!(expired.status().is_success());
    app.wait_for_status(&order, "expired", 10).await;
    let fms = app.others.fms.as_ref().unwrap();
    app.wait_until("FMS told the payment failed", 10, || async {
        (fms.payment_notifications(&reservation) == 1).then_some(())
    })
    .await;
    let events = timeline(&app, &order).await;
    assert!(
        events
            .iter()
            .any(|e| e.contains(&format!("reservation {reservation} released"))),
        "{events:#?}"
    );
}
