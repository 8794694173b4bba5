//! The unauthenticated control API under `/_sandbox/`: faults, tokens, time, counters, and the
//! traveller's side (data use). Successes are plain JSON; failures are `{"error": …}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::orders::Unusable;
use super::state::Shared;
use super::time::fms_time;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_sandbox/tokens/expire", post(expire_tokens))
        .route("/_sandbox/clock", get(clock))
        .route("/_sandbox/clock/advance", post(advance_clock))
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/esims/{iccid}", get(esim))
        .route("/_sandbox/esims/{iccid}/consume", post(consume))
        .route("/_sandbox/orders/{id}", get(order))
        .with_state(shared.clone())
        .merge(crate::faults::control_routes(shared.faults.clone()))
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// A control body; the error is the 400 to answer.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Box<Response>> {
    serde_json::from_slice(bytes)
        .map_err(|e| Box::new(error(StatusCode::BAD_REQUEST, e.to_string())))
}

/// `POST /_sandbox/tokens/expire`: every token issued so far stops working.
async fn expire_tokens(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let expired = shared.with_world(|world, _, _| world.expire_tokens());
    Json(json!({ "expired": expired }))
}

fn clock_json(shared: &Shared) -> Json<Value> {
    let now = shared.with_world(|_, _, now| now);
    Json(json!({ "now": fms_time(now), "unix": now, "speed": shared.clock.speed() }))
}

/// `GET /_sandbox/clock`.
async fn clock(State(shared): State<Arc<Shared>>) -> Json<Value> {
    clock_json(&shared)
}

#[derive(Deserialize)]
struct Advance {
    seconds: u32,
}

/// `POST /_sandbox/clock/advance {seconds}`: time only moves forward.
async fn advance_clock(State(shared): State<Arc<Shared>>, bytes: Bytes) -> Response {
    match parse::<Advance>(&bytes) {
        Ok(advance) => {
            shared.clock.advance(i64::from(advance.seconds));
            clock_json(&shared).into_response()
        }
        Err(response) => *response,
    }
}

/// `GET /_sandbox/stats`.
async fn stats(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.counters()))
}

/// `GET /_sandbox/esims/{iccid}`: the eSIM and its packages with `used_bytes`/`limit_bytes`.
async fn esim(State(shared): State<Arc<Shared>>, Path(iccid): Path<String>) -> Response {
    match shared.with_world(|world, _, _| world.esim_summary(&iccid)) {
        Some(summary) => Json(summary).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("eSIM {iccid} not found")),
    }
}

#[derive(Deserialize)]
struct Consume {
    bytes: u64,
}

/// `POST /_sandbox/esims/{iccid}/consume {bytes}`: data used on the eSIM's package (its first
/// use starts the validity period).
async fn consume(
    State(shared): State<Arc<Shared>>,
    Path(iccid): Path<String>,
    bytes: Bytes,
) -> Response {
    let request = match parse::<Consume>(&bytes) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    let result = shared.with_world(|world, _, now| {
        world.consume(&iccid, request.bytes, now)?;
        world.esim_summary(&iccid).ok_or(Unusable::UnknownEsim)
    });
    match result {
        Ok(summary) => Json(summary).into_response(),
        Err(Unusable::UnknownEsim) => {
            error(StatusCode::NOT_FOUND, format!("eSIM {iccid} not found"))
        }
        Err(Unusable::Ended) => error(
            StatusCode::CONFLICT,
            format!("eSIM {iccid}'s package has ended"),
        ),
    }
}

/// `GET /_sandbox/orders/{id}`: one order's state and how often FMS was notified of it.
async fn order(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.with_world(|world, _, _| world.order_summary(&id)) {
        Some(summary) => Json(summary).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("order {id} not found")),
    }
}
