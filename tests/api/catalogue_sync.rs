//! Catalogue sync against the sandbox: complete, idempotent, incremental, and safe when the provider misbehaves.

use crate::support::{spawn_app, MARGIN_PERCENT};
use serde_json::json;
use store::catalogue::SyncError;

#[tokio::test]
async fn first_sync_stores_the_whole_catalogue_at_retail_prices() {
    let app = spawn_app().await;
    let plans = app
        .scalar("SELECT COUNT(*) FROM plans WHERE active = TRUE")
        .await;
    assert!(plans >= 1500, "{plans} plans");
    let countries = app
        .scalar("SELECT COUNT(DISTINCT home_country) FROM plans WHERE home_country IS NOT NULL")
        .await;
    assert!(countries >= 190, "{countries} countries with local plans");
    let regions = app
        .scalar("SELECT COUNT(DISTINCT region_slug) FROM plans WHERE region_slug IS NOT NULL")
        .await;
    assert_eq!(
        regions, 8,
        "Europe, Asia, North America, Latin America, Middle East, Africa, Oceania, Global"
    );
    let unlimited = app
        .scalar("SELECT COUNT(*) FROM plans WHERE data_bytes IS NULL")
        .await;
    assert!(unlimited > 0, "unlimited plans are kept as such");
    // Retail = wholesale + margin, rounded up to .99, never more than a dollar above.
    let mispriced = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM plans WHERE retail_minor % 100 <> 99
               OR retail_minor * 100 < wholesale_minor * {}
               OR retail_minor * 100 > wholesale_minor * {} + 10000",
            100 + MARGIN_PERCENT,
            100 + MARGIN_PERCENT
        ))
        .await;
    assert_eq!(mispriced, 0);
}

#[tokio::test]
async fn a_second_sync_changes_nothing() {
    let app = spawn_app().await;
    let report = app.sync().await.expect("sync succeeds");
    assert!(report.fetched >= 1500);
    assert_eq!(
        (report.inserted, report.updated, report.deactivated),
        (0, 0, 0),
        "{report:?}"
    );
}

#[tokio::test]
async fn sync_applies_price_changes_removals_and_returns() {
    let app = spawn_app().await;
    let before = app
        .scalar("SELECT retail_minor FROM plans WHERE provider_product_id = 'esimfx_10G_30D_JP'")
        .await;

    app.control(
        "catalogue/set_price",
        json!({ "id": "esimfx_10G_30D_JP", "price": 40 }),
    )
    .await;
    app.control("catalogue/remove", json!({ "id": "esimfx_1G_7D_JP" }))
        .await;
    let report = app.sync().await.expect("sync succeeds");
    assert_eq!(
        (report.inserted, report.updated, report.deactivated),
        (0, 1, 1),
        "{report:?}"
    );
    let after = app
        .scalar("SELECT retail_minor FROM plans WHERE provider_product_id = 'esimfx_10G_30D_JP'")
        .await;
    assert_ne!(before, after);
    assert_eq!(after, 5299, "40.00 + 30 % = 52.00, rounded up to 52.99");

    let removed_id: String = {
        use sqlx::Row;
        sqlx::query("SELECT id FROM plans WHERE provider_product_id = 'esimfx_1G_7D_JP'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get("id")
    };
    assert_eq!(
        app.get(&format!("/plan/{removed_id}")).await.status(),
        404,
        "a withdrawn plan is not for sale"
    );

    app.control("catalogue/restore", json!({})).await;
    let report = app.sync().await.expect("sync succeeds");
    assert_eq!(
        (report.inserted, report.updated, report.deactivated),
        (0, 2, 0),
        "{report:?}"
    );
    assert_eq!(
        app.get(&format!("/plan/{removed_id}")).await.status(),
        200,
        "the same id comes back"
    );
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_the_sync_succeeds() {
    let app = spawn_app().await;
    let client = app.esimfx();
    store::catalogue::sync_provider(&app.db, &client, store::PricingPolicy::new(MARGIN_PERCENT))
        .await
        .unwrap();
    let auth_before = app.sandbox_stats().await["auth_calls"].as_i64().unwrap();

    app.control("expire_tokens", json!({})).await;
    store::catalogue::sync_provider(&app.db, &client, store::PricingPolicy::new(MARGIN_PERCENT))
        .await
        .expect("sync succeeds after re-auth");
    let auth_after = app.sandbox_stats().await["auth_calls"].as_i64().unwrap();
    assert_eq!(auth_after, auth_before + 1, "exactly one new token");
}

#[tokio::test]
async fn brief_server_errors_and_garbage_are_retried() {
    let app = spawn_app().await;
    app.control("faults", json!({ "fail_next": 2, "status": 503 }))
        .await;
    app.sync().await.expect("two 503s are retried");
    app.control("faults", json!({ "malformed_next": 1 })).await;
    app.sync().await.expect("one malformed answer is retried");
}

#[tokio::test]
async fn a_failing_provider_leaves_the_last_good_catalogue_in_place() {
    let app = spawn_app().await;
    let plans_before = app
        .scalar("SELECT COUNT(*) FROM plans WHERE active = TRUE")
        .await;

    app.control("faults", json!({ "fail_next": 1000, "status": 500 }))
        .await;
    let error = app.sync().await.expect_err("the sync fails");
    assert!(matches!(error, SyncError::Provider { .. }), "{error:?}");
    app.control("faults", json!({ "fail_next": 0, "malformed_next": 1000 }))
        .await;
    assert!(app.sync().await.is_err());

    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM plans WHERE active = TRUE")
            .await,
        plans_before
    );
    assert_eq!(
        app.get("/esim/japan").await.status(),
        200,
        "pages keep working"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM catalogue_syncs WHERE succeeded = FALSE AND error IS NOT NULL"
        )
        .await,
        2
    );
}
