//! Health and readiness endpoints.

use crate::support::spawn_app;

#[tokio::test]
async fn healthz_and_readyz_answer_200_once_the_catalogue_is_in() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert!(body["plans"].as_i64().unwrap() >= 1500, "{body}");
}
