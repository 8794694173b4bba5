//! The unauthenticated control API under `/_sandbox/`: faults (shared), token expiry, the
//! clock, counters, failing orders, and the device's part (data use, profile changes).
//! Failures use the API's `{type, messages}` shape.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::lifecycle::{Profile, UseError};
use super::state::Shared;
use super::wire::ApiError;
use crate::calendar::iso8601;

/// Every control route, plus the shared `/_sandbox/faults`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_sandbox/tokens/expire", post(expire_tokens))
        .route("/_sandbox/clock", get(clock))
        .route("/_sandbox/clock/advance", post(advance_clock))
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/orders/fail", post(fail_orders))
        .route("/_sandbox/fulfilment", post(set_fulfilment))
        .route("/_sandbox/correlation-ids", get(correlation_ids))
        .route("/_sandbox/esims/{iccid}", get(esim))
        .route("/_sandbox/esims/{iccid}/consume", post(consume))
        .route("/_sandbox/esims/{iccid}/profile", post(set_profile))
        .with_state(shared.clone())
        .merge(crate::faults::control_routes(shared.faults.clone()))
}

fn body<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(raw).map_err(|e| ApiError::unparsable(format!("control body: {e}")))
}

fn unknown_esim(iccid: &str) -> ApiError {
    ApiError::sim_not_found(iccid)
}

/// `POST /_sandbox/tokens/expire`: every token issued so far stops working.
async fn expire_tokens(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let expired = shared.with_world(|world, _| world.expire_tokens());
    Json(json!({ "expired": expired }))
}

fn clock_json(shared: &Shared) -> Json<Value> {
    let now = shared.with_world(|_, now| now);
    Json(json!({ "now": iso8601(now), "unix": now, "speed": shared.clock.speed() }))
}

/// `GET /_sandbox/clock`.
async fn clock(State(shared): State<Arc<Shared>>) -> Json<Value> {
    clock_json(&shared)
}

#[derive(Debug, Deserialize)]
struct Advance {
    seconds: u32,
}

/// `POST /_sandbox/clock/advance {seconds}`: moves time forward and applies what fell due.
async fn advance_clock(
    State(shared): State<Arc<Shared>>,
    raw: Bytes,
) -> Result<Json<Value>, ApiError> {
    let advance: Advance = body(&raw)?;
    shared.clock.advance(i64::from(advance.seconds));
    Ok(clock_json(&shared))
}

/// `GET /_sandbox/stats`.
async fn stats(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.stats()))
}

#[derive(Debug, Deserialize)]
struct FailOrders {
    count: u32,
}

/// `POST /_sandbox/orders/fail {count}`: the next `count` orders end FAILED.
async fn fail_orders(
    State(shared): State<Arc<Shared>>,
    raw: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: FailOrders = body(&raw)?;
    shared.with_world(|world, _| world.fail_orders = request.count);
    Ok(Json(json!({ "fail_orders": request.count })))
}

/// `POST /_sandbox/fulfilment {"after_polls": N, "after_secs"?: S}`: orders from now on
/// complete on poll N + 1 (or after S sandbox seconds; by default only by polls).
async fn set_fulfilment(
    State(shared): State<Arc<Shared>>,
    raw: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: Fulfilment = body(&raw)?;
    let after_secs = request.after_secs.unwrap_or(i64::from(u32::MAX));
    shared.with_world(|world, _| {
        world.pace.after_polls = request.after_polls;
        world.pace.after_secs = after_secs;
    });
    Ok(Json(
        json!({ "after_polls": request.after_polls, "after_secs": after_secs }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fulfilment {
    after_polls: u32,
    after_secs: Option<i64>,
}

/// `GET /_sandbox/correlation-ids`: the most recent `X-Correlation-ID`s, oldest first.
async fn correlation_ids(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(
        shared.with_world(|world, _| world.correlation_ids.clone())
    ))
}

/// `GET /_sandbox/esims/{iccid}`: the profile and every package with `used_bytes`/`limit_bytes`.
async fn esim(
    State(shared): State<Arc<Shared>>,
    Path(iccid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared
        .with_world(|world, _| world.esim_summary(&iccid))
        .map(Json)
        .ok_or_else(|| unknown_esim(&iccid))
}

#[derive(Debug, Deserialize)]
struct Consume {
    bytes: u64,
}

/// `POST /_sandbox/esims/{iccid}/consume {bytes}`: the device uses data (its first use
/// installs the profile and starts the first plan).
async fn consume(
    State(shared): State<Arc<Shared>>,
    Path(iccid): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: Consume = body(&raw)?;
    shared.with_world(|world, now| {
        world
            .fleet
            .consume(&iccid, request.bytes, now)
            .map_err(|error| match error {
                UseError::UnknownSim => unknown_esim(&iccid),
                UseError::ProfileDeleted => ApiError::new(
                    StatusCode::CONFLICT,
                    "PROFILE_UNAVAILABLE",
                    format!("the profile of {iccid} was deleted from the device"),
                ),
            })?;
        world
            .esim_summary(&iccid)
            .map(Json)
            .ok_or_else(|| unknown_esim(&iccid))
    })
}

#[derive(Debug, Deserialize)]
struct SetProfile {
    status: String,
}

/// `POST /_sandbox/esims/{iccid}/profile {status}`: Released, Downloaded, Installed or
/// Unavailable, as the device moves the profile.
async fn set_profile(
    State(shared): State<Arc<Shared>>,
    Path(iccid): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: SetProfile = body(&raw)?;
    let profile = Profile::parse(&request.status).ok_or_else(|| {
        ApiError::invalid_one(format!("unknown profile status {}", request.status))
    })?;
    shared.with_world(|world, now| {
        let sim = world
            .fleet
            .sims
            .get_mut(&iccid)
            .ok_or_else(|| unknown_esim(&iccid))?;
        sim.profile = profile;
        sim.last_modified = now;
        world
            .esim_summary(&iccid)
            .map(Json)
            .ok_or_else(|| unknown_esim(&iccid))
    })
}
