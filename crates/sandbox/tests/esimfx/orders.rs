//! `create_order`: the synchronous NEW response, idempotent replay, TOPUP compatibility, balance.

use reqwest::StatusCode;
use sandbox::esimfx::EsimfxSandboxConfig;
use serde_json::json;

use super::support::{assert_error, unix, Harness, GIB};

#[tokio::test]
async fn new_order_returns_the_esim_synchronously() {
    let h = Harness::start().await;
    let data = h.buy("esimfx_10G_7D_JP").await;
    assert_eq!(data["status"], "COMPLETED");
    assert_eq!(data["id"].as_str().unwrap().len(), 36);
    let sub = &data["subscription"];
    assert_eq!(sub["upper_limit_amount"], 10 * GIB);
    assert_eq!(sub["amount_unit"], "Byte");
    assert_eq!(sub["status"], "PENDING");
    let created = unix(data["creation_time"].as_str().unwrap());
    assert_eq!(
        unix(sub["activate_by"].as_str().unwrap()),
        created + 60 * 86_400
    );
    assert_eq!(
        unix(sub["expiry"].as_str().unwrap()),
        unix(sub["activation_time"].as_str().unwrap()) + 7 * 86_400
    );

    let esim = &data["esim"];
    let iccid = esim["iccid"].as_str().unwrap();
    assert!((19..=20).contains(&iccid.len()) && iccid.starts_with("89"));
    assert!(iccid.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(esim["status"], "PROVISIONED");
    let lpa: Vec<&str> = esim["esim_qr"].as_str().unwrap().split('$').collect();
    assert_eq!(lpa.len(), 3);
    assert_eq!(lpa[0], "LPA:1");

    let (status, order) = h
        .get(&format!(
            "/order/api/v1/get_order?order_id={}",
            data["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order["data"]["iccid"], iccid);
    assert_eq!(order["data"]["product"]["id"], "esimfx_10G_7D_JP");
    assert_eq!(order["data"]["product"]["name"], "japan_10GB_7Day");
    assert_eq!(order["data"]["subscription"]["used_amount"], 0);

    let (_, status_body) = h
        .get(&format!("/order/api/v1/get_esim_status?iccid={iccid}"))
        .await;
    assert_eq!(status_body["data"], *esim);
    assert_error(
        &h.get("/order/api/v1/get_order?order_id=nope").await,
        404,
        404,
    );
    assert_error(
        &h.get("/order/api/v1/get_esim_status?iccid=8900").await,
        404,
        404,
    );
}

#[tokio::test]
async fn replay_with_the_same_key_charges_once() {
    let h = Harness::start().await;
    let price_cents = (h.get_product("esimfx_1G_7D_FR").await["price"]
        .as_f64()
        .unwrap()
        * 100.0)
        .round() as i64;
    let body = json!({ "operation_type": "NEW", "product": { "id": "esimfx_1G_7D_FR" } });
    let first = h
        .order("6c1f7d1e-0000-4000-8000-000000000001", body.clone())
        .await;
    assert_eq!(first.0, StatusCode::OK, "{}", first.1);
    let again = h.order("6c1f7d1e-0000-4000-8000-000000000001", body).await;
    assert_eq!(again, first);

    let stats = h.stats().await;
    assert_eq!(stats["orders"], 1);
    assert_eq!(stats["balance_cents"], 10_000_000 - price_cents);

    let other = h
        .order(
            "6c1f7d1e-0000-4000-8000-000000000001",
            json!({ "operation_type": "NEW", "product": { "id": "esimfx_3G_15D_FR" } }),
        )
        .await;
    assert_error(&other, 409, 409);
    assert_eq!(h.stats().await["orders"], 1);
}

#[tokio::test]
async fn create_order_validation() {
    let h = Harness::start().await;
    let no_key = h
        .post(
            "/order/api/v1/create_order",
            json!({ "operation_type": "NEW", "product": { "id": "esimfx_1G_7D_JP" } }),
        )
        .await;
    assert_error(&no_key, 400, 400);
    assert_error(
        &h.order("k1", json!({ "product": { "id": "esimfx_1G_7D_JP" } }))
            .await,
        400,
        400,
    );
    assert_error(
        &h.order("k2", json!({ "operation_type": "NEW" })).await,
        400,
        400,
    );
    assert_error(
        &h.order(
            "k3",
            json!({ "operation_type": "TOPUP", "product": { "id": "esimfx_1G_7D_JP" } }),
        )
        .await,
        400,
        400,
    );
    assert_error(&h.order("k4", json!([1, 2])).await, 400, 400);
    assert_error(
        &h.order(
            "k5",
            json!({ "operation_type": "NEW", "product": { "id": "esimfx_1G_7D_XX" } }),
        )
        .await,
        404,
        404,
    );
    assert_error(
        &h.order(
            "k6",
            json!({ "operation_type": "TOPUP", "iccid": "89000000000000000000", "product": { "id": "esimfx_1G_7D_JP" } }),
        )
        .await,
        404,
        404,
    );
    assert_eq!(h.stats().await["orders"], 0);
}

#[tokio::test]
async fn topups_need_the_same_profile_and_overlapping_coverage() {
    let h = Harness::start().await;
    let iccid = h.buy("esimfx_10G_7D_JP").await["esim"]["iccid"]
        .as_str()
        .unwrap()
        .to_owned();
    let topup = |product: &str| json!({ "operation_type": "TOPUP", "iccid": iccid, "product": { "id": product } });

    // Different imsi_profile (Blue), different profile despite covering JP (Red global),
    // same profile without overlap (Green Korea).
    for (key, product) in [
        ("t1", "esimfx_1G_7D_FR"),
        ("t2", "esimfx_1G_7D_GLOBAL"),
        ("t3", "esimfx_1G_7D_KR"),
    ] {
        assert_error(&h.order(key, topup(product)).await, 422, 4221);
    }

    let (status, same) = h.order("t4", topup("esimfx_1G_7D_JP")).await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["data"]["esim"]["iccid"], iccid.as_str());
    assert_eq!(same["data"]["subscription"]["status"], "PENDING");
    let meta = h.get_product("esimfx_5G_30D_ASIA").await["meta_product_id"].clone();
    let (status, regional) = h.order("t5", topup(meta.as_str().unwrap())).await;
    assert_eq!(status, StatusCode::OK, "{regional}");

    let (_, orders) = h
        .get(&format!("/order/api/v1/get_esim_orders?iccid={iccid}"))
        .await;
    let orders = orders["data"]["orders"].as_array().unwrap().clone();
    assert_eq!(orders.len(), 3);
    assert_eq!(orders[2]["product"]["id"], "esimfx_5G_30D_ASIA");
    assert!(orders.iter().all(|o| o["iccid"] == iccid.as_str()));

    let (status, available) = h
        .get(&format!(
            "/product/api/v1/get_available_topups?iccid={iccid}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let products = available["data"]["products"].as_array().unwrap();
    assert!(products.len() > 5);
    assert!(products.iter().all(|p| p["imsi_profile"] == "Green"));
    assert!(products
        .iter()
        .all(|p| p["coverage"].as_array().unwrap().contains(&json!("JP"))));
    let ids: Vec<&str> = products.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"esimfx_1G_7D_JP") && ids.contains(&"esimfx_10G_30D_ASIA"));
    assert!(!ids.contains(&"esimfx_1G_7D_GLOBAL") && !ids.contains(&"esimfx_1G_7D_KR"));
    assert!(available["data"].get("last_evaluated_key").is_none());

    let (_, by_product) = h
        .get("/product/api/v1/get_available_topups?product_id=esimfx_1G_7D_FR")
        .await;
    let by_product = by_product["data"]["products"].as_array().unwrap();
    assert!(by_product.iter().all(|p| p["imsi_profile"] == "Blue"));
    assert!(by_product.iter().any(|p| p["id"] == "esimfx_10G_30D_EU"));
    assert_error(
        &h.get("/product/api/v1/get_available_topups").await,
        400,
        400,
    );
    assert_error(
        &h.get("/product/api/v1/get_available_topups?iccid=89001")
            .await,
        404,
        404,
    );
}

#[tokio::test]
async fn orders_draw_down_the_balance() {
    let h = Harness::with_config(EsimfxSandboxConfig {
        initial_balance_cents: 1_000,
        ..EsimfxSandboxConfig::default()
    })
    .await;
    let short = h
        .order(
            "b1",
            json!({ "operation_type": "NEW", "product": { "id": "esimfx_20G_30D_US" } }),
        )
        .await;
    assert_error(&short, 402, 4021);
    let fine = h
        .order(
            "b2",
            json!({ "operation_type": "NEW", "product": { "id": "esimfx_1G_7D_US" } }),
        )
        .await;
    assert_eq!(fine.0, StatusCode::OK);
    let (_, profile) = h.get("/account/api/v1/get_profile").await;
    assert!(profile["data"]["balance"].as_f64().unwrap() < 10.0);
    // A refused key is not remembered: the same key may be used once funds allow.
    assert_eq!(h.stats().await["orders"], 1);
}
