//! Injected faults: 5xx answers, malformed bodies, latency and revoked tokens.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use super::support::{assert_error, Harness};

#[tokio::test]
async fn fail_next_answers_5xx_without_side_effects() {
    let h = Harness::start().await;
    h.control("/_sandbox/faults", json!({ "fail_next": 2, "status": 502 }))
        .await;
    // Auth is exempt unless asked for.
    let _fresh = h.authenticate().await;
    let body = json!({ "operation_type": "NEW", "product": { "id": "esimfx_1G_7D_JP" } });
    assert_error(&h.order("f1", body.clone()).await, 502, 500);
    assert_error(&h.get("/account/api/v1/get_profile").await, 502, 500);
    let (status, ok) = h.order("f1", body).await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    assert_eq!(h.stats().await["orders"], 1);

    h.control(
        "/_sandbox/faults",
        json!({ "fail_next": 1, "include_auth": true }),
    )
    .await;
    let (status, _) = h
        .send(
            h.http
                .post(h.running.url("/account/api/v1/auth"))
                .json(&json!({
                    "client_id": "tern-sandbox", "client_key": "tern-sandbox-key"
                })),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let _fresh = h.authenticate().await;
}

#[tokio::test]
async fn malformed_next_garbles_the_body() {
    let h = Harness::start().await;
    h.control("/_sandbox/faults", json!({ "malformed_next": 1 }))
        .await;
    let response = h
        .http
        .get(h.running.url("/account/api/v1/get_profile"))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );
    assert_eq!(h.get("/account/api/v1/get_profile").await.0, StatusCode::OK);
}

#[tokio::test]
async fn delay_applies_to_every_call_until_reset() {
    let h = Harness::start().await;
    h.control("/_sandbox/faults", json!({ "delay_ms": 120 }))
        .await;
    let started = Instant::now();
    assert_eq!(h.get("/account/api/v1/get_profile").await.0, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(120));
    h.control("/_sandbox/faults", json!({ "delay_ms": 0 }))
        .await;
    let (status, _) = h
        .send(
            h.http
                .post(h.running.url("/_sandbox/faults"))
                .json(&json!({ "status": 404 })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn expired_tokens_get_401_until_reauthentication() {
    let mut h = Harness::start().await;
    h.control("/_sandbox/expire_tokens", json!({})).await;
    assert_error(&h.get("/account/api/v1/get_profile").await, 401, 401);
    h.token = h.authenticate().await;
    assert_eq!(h.get("/account/api/v1/get_profile").await.0, StatusCode::OK);
    let stats = h.stats().await;
    assert_eq!(stats["tokens_issued"], 2);
    assert!(stats["auth_calls"].as_u64().unwrap() >= 2);
    assert!(stats["api_calls"].as_u64().unwrap() >= 2);
}
