//! Subscription and eSIM lifecycle: activation, queued add-ons, expiry, termination and refunds.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::support::{assert_error, unix, Harness, GIB};

async fn order(h: &Harness, id: &Value) -> Value {
    let (status, body) = h
        .get(&format!(
            "/order/api/v1/get_order?order_id={}",
            id.as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

async fn esim_status(h: &Harness, iccid: &str) -> Value {
    h.get(&format!("/order/api/v1/get_esim_status?iccid={iccid}"))
        .await
        .1["data"]["status"]
        .clone()
}

#[tokio::test]
async fn terminate_refunds_only_pending_and_only_once() {
    let h = Harness::start().await;
    let balance = || async { h.stats().await["balance_cents"].as_i64().unwrap() };
    let start = balance().await;
    let pending = h.buy("esimfx_3G_15D_DE").await;
    assert!(balance().await < start);

    let (status, done) = h
        .post(
            "/order/api/v1/terminate_subscription",
            json!({ "order_id": pending["id"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["data"]["refund"]["need_refund"], true);
    assert_eq!(done["data"]["subscription"]["status"], "TERMINATED");
    assert_eq!(balance().await, start);
    let again = h
        .post(
            "/order/api/v1/terminate_subscription",
            json!({ "order_id": pending["id"] }),
        )
        .await;
    assert_error(&again, 422, 4222);

    // An ACTIVE subscription terminates without a refund.
    let active = h.buy("esimfx_3G_15D_DE").await;
    let (status, activated) = h
        .post(
            "/order/api/v1/activate_subscription",
            json!({ "order_id": active["id"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{activated}");
    assert_eq!(activated["data"]["subscription"]["status"], "ACTIVE");
    let (_, done) = h
        .post(
            "/order/api/v1/terminate_subscription",
            json!({ "order_id": active["id"] }),
        )
        .await;
    assert_eq!(done["data"]["refund"]["need_refund"], false);
    assert_error(
        &h.post(
            "/order/api/v1/activate_subscription",
            json!({ "order_id": active["id"] }),
        )
        .await,
        422,
        4223,
    );
    assert_error(
        &h.post("/order/api/v1/terminate_subscription", json!({}))
            .await,
        400,
        400,
    );
    assert_error(
        &h.post(
            "/order/api/v1/terminate_subscription",
            json!({ "order_id": "nope" }),
        )
        .await,
        404,
        404,
    );
}

#[tokio::test]
async fn esim_goes_from_provisioned_to_expired_and_addons_queue() {
    let mut h = Harness::start().await;
    let first = h.buy("esimfx_1G_7D_JP").await;
    let iccid = first["esim"]["iccid"].as_str().unwrap().to_owned();
    h.control(&format!("/_sandbox/esims/{iccid}/install"), json!({}))
        .await;
    assert_eq!(esim_status(&h, &iccid).await, "INSTALLED");
    h.control(&format!("/_sandbox/esims/{iccid}/connect"), json!({}))
        .await;
    assert_eq!(esim_status(&h, &iccid).await, "ACTIVE");
    let active = order(&h, &first["id"]).await;
    assert_eq!(active["subscription"]["status"], "ACTIVE");
    let activated = unix(active["subscription"]["activation_time"].as_str().unwrap());
    assert_eq!(
        unix(active["subscription"]["expiry"].as_str().unwrap()),
        activated + 7 * 86_400
    );

    let (_, topup) = h
        .order(
            "addon",
            json!({ "operation_type": "TOPUP", "iccid": iccid, "product": { "id": "esimfx_3G_15D_JP" } }),
        )
        .await;
    assert_eq!(topup["data"]["esim"]["status"], "ACTIVE");
    let addon_id = topup["data"]["id"].clone();

    // Using up the first plan starts the add-on; the excess counts against it.
    h.control(
        &format!("/_sandbox/esims/{iccid}/consume"),
        json!({ "bytes": GIB + 1024 }),
    )
    .await;
    assert_eq!(
        order(&h, &first["id"]).await["subscription"]["status"],
        "EXPIRED"
    );
    let addon = order(&h, &addon_id).await;
    assert_eq!(addon["subscription"]["status"], "ACTIVE");
    assert_eq!(addon["subscription"]["used_amount"], 1024);

    // Validity ends 15 days later; nothing is queued, so the eSIM expires.
    h.advance(16 * 86_400).await;
    let addon = order(&h, &addon_id).await;
    assert_eq!(addon["subscription"]["status"], "EXPIRED");
    assert_eq!(esim_status(&h, &iccid).await, "EXPIRED");
    let kinds: Vec<Value> = h
        .send(h.http.get(h.running.url("/_sandbox/events")))
        .await
        .1
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].clone())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| *k == "EXPIRATION").count(),
        2,
        "{kinds:?}"
    );
    assert_error(
        &h.post(
            "/order/api/v1/terminate_subscription",
            json!({ "order_id": addon_id }),
        )
        .await,
        422,
        4222,
    );
}

#[tokio::test]
async fn pending_plans_activate_on_day_sixty() {
    let mut h = Harness::start().await;
    let bought = h.buy("esimfx_5G_30D_TH").await;
    h.advance(59 * 86_400).await;
    assert_eq!(
        order(&h, &bought["id"]).await["subscription"]["status"],
        "PENDING"
    );
    h.advance(2 * 86_400).await;
    let now_active = order(&h, &bought["id"]).await;
    assert_eq!(now_active["subscription"]["status"], "ACTIVE");
    assert_eq!(
        now_active["subscription"]["activation_time"],
        bought["subscription"]["activate_by"]
    );
    let (_, done) = h
        .post(
            "/order/api/v1/terminate_subscription",
            json!({ "order_id": bought["id"] }),
        )
        .await;
    assert_eq!(done["data"]["refund"]["need_refund"], false);
}
