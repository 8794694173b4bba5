//! `/healthz`: 200 while the server and its database answer. `/readyz`: 200 once there is a catalogue to sell.

use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

#[tracing::instrument(skip_all)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match sqlx_ping(&state).await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok" }))),
        Err(error) => {
            tracing::error!(?error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "database unavailable" })),
            )
        }
    }
}

async fn sqlx_ping(state: &AppState) -> anyhow::Result<()> {
    store::db::ping(&state.db).await
}

/// Ready once at least one plan is on sale, so load balancers and tests wait for the first sync.
#[tracing::instrument(skip_all)]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match store::catalogue::active_plan_count(&state.db).await {
        Ok(0) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "catalogue empty" })),
        ),
        Ok(plans) => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "plans": plans })),
        ),
        Err(error) => {
            tracing::error!(?error, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "database unavailable" })),
            )
        }
    }
}
