//! Access tokens: issuing, both header forms, rejection and expiry.

use reqwest::StatusCode;
use serde_json::json;

use super::support::{assert_error, Harness};

#[tokio::test]
async fn good_credentials_get_a_bearer_token() {
    let h = Harness::start().await;
    let (status, body) = h
        .send(
            h.http
                .post(h.running.url("/account/api/v1/auth"))
                .json(&json!({
                    "client_id": "tern-sandbox", "client_key": "tern-sandbox-key"
                })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["code"], 0);
    assert_eq!(body["message"], "Success");
    assert_eq!(body["data"]["token_type"], "Bearer");
    assert_eq!(body["data"]["expires_in"], 3600);
    let token = body["data"]["access_token"].as_str().unwrap();

    // Both `Bearer <t>` and a bare `<t>` are accepted.
    for header in [format!("Bearer {token}"), token.to_owned()] {
        let (status, body) = h
            .send(
                h.http
                    .get(h.running.url("/account/api/v1/get_profile"))
                    .header("Authorization", header),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["balance"], 100_000);
    }
}

#[tokio::test]
async fn bad_credentials_and_tokens_are_401() {
    let h = Harness::start().await;
    let auth = h.running.url("/account/api/v1/auth");
    let wrong = h
        .send(
            h.http
                .post(&auth)
                .json(&json!({ "client_id": "tern-sandbox", "client_key": "nope" })),
        )
        .await;
    assert_error(&wrong, 401, 401);
    let missing = h
        .send(
            h.http
                .post(&auth)
                .json(&json!({ "client_id": "tern-sandbox" })),
        )
        .await;
    assert_error(&missing, 400, 400);
    let garbage = h.send(h.http.post(&auth).body("{not json")).await;
    assert_error(&garbage, 400, 400);

    let url = h.running.url("/account/api/v1/get_profile");
    assert_error(&h.send(h.http.get(&url)).await, 401, 401);
    assert_error(
        &h.send(h.http.get(&url).bearer_auth("sbx_forged")).await,
        401,
        401,
    );
}

#[tokio::test]
async fn tokens_expire_after_an_hour_of_sandbox_time() {
    let h = Harness::start().await;
    assert_eq!(h.get("/account/api/v1/get_profile").await.0, StatusCode::OK);
    h.control("/_sandbox/clock/advance", json!({ "seconds": 3599 }))
        .await;
    assert_eq!(h.get("/account/api/v1/get_profile").await.0, StatusCode::OK);
    h.control("/_sandbox/clock/advance", json!({ "seconds": 2 }))
        .await;
    assert_error(&h.get("/account/api/v1/get_profile").await, 401, 401);
}
