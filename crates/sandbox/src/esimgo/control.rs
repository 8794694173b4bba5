//! The unauthenticated control API under `/_sandbox/` (faults are served by
//! [`crate::faults::control_routes`]): time, tokens, balance, and the phone's part (install,
//! use data). Failures use the API's `{"message"}` body.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::assumed;
use super::state::{Shared, World};
use super::time::rfc3339;
use super::wire::ApiError;

type ControlResult = Result<Json<Value>, ApiError>;

/// Every control route except the fault ones.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_sandbox/tokens/expire", post(expire_tokens))
        .route("/_sandbox/clock", get(clock))
        .route("/_sandbox/clock/advance", post(advance_clock))
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/balance", post(set_balance))
        .route("/_sandbox/esims/{iccid}", get(esim))
        .route("/_sandbox/esims/{iccid}/install", post(install))
        .route("/_sandbox/esims/{iccid}/consume", post(consume))
        .with_state(shared)
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("bad body: {e}")))
}

/// `POST /_sandbox/tokens/expire`: eSIM Go has a static API key and no tokens to expire.
async fn expire_tokens() -> Json<Value> {
    Json(json!({ "expired": 0 }))
}

fn clock_json(shared: &Shared, now: i64) -> Json<Value> {
    Json(json!({ "now": rfc3339(now), "unix_ms": now, "speed": shared.clock.speed() }))
}

/// `GET /_sandbox/clock`.
async fn clock(State(shared): State<Arc<Shared>>) -> Json<Value> {
    clock_json(&shared, shared.with_world(|_, now| now))
}

#[derive(Debug, Deserialize)]
struct Advance {
    seconds: i64,
}

/// `POST /_sandbox/clock/advance {seconds}`: moves time forward and applies what fell due.
async fn advance_clock(State(shared): State<Arc<Shared>>, body: Bytes) -> ControlResult {
    let advance: Advance = parse(&body)?;
    if advance.seconds < 0 {
        return Err(ApiError::bad_request(
            "the sandbox clock only moves forward",
        ));
    }
    shared.clock.advance(advance.seconds);
    Ok(clock_json(&shared, shared.with_world(|_, now| now)))
}

/// `GET /_sandbox/stats`.
async fn stats(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.stats()))
}

#[derive(Debug, Deserialize)]
struct Balance {
    balance_cents: i64,
}

/// `POST /_sandbox/balance {balance_cents}`: sets the organisation balance.
async fn set_balance(State(shared): State<Arc<Shared>>, body: Bytes) -> ControlResult {
    let balance: Balance = parse(&body)?;
    shared.with_world(|world, _| world.balance_cents = balance.balance_cents);
    Ok(Json(json!({ "balance_cents": balance.balance_cents })))
}

/// The eSIM and every package on it, with usage in decimal bytes.
fn summary(world: &World, iccid: &str) -> ControlResult {
    let esim = world
        .esims
        .get(iccid)
        .ok_or_else(|| ApiError::unknown_iccid(iccid))?;
    let packages: Vec<Value> = esim
        .assignments
        .iter()
        .map(|a| {
            json!({
                "id": a.id.to_string(),
                "reference": a.reference,
                "bundle": a.bundle.name,
                "state": a.state.name(),
                "used_bytes": a.used_bytes,
                "limit_bytes": a.limit_bytes(),
                "started_at": a.started_at.map(rfc3339),
                "ends_at": a.end_time().map(rfc3339),
            })
        })
        .collect();
    Ok(Json(json!({
        "iccid": esim.iccid,
        "profileStatus": esim.profile_status,
        "customerRef": esim.customer_ref,
        "family": esim.family,
        "packages": packages,
    })))
}

/// `GET /_sandbox/esims/{iccid}`.
async fn esim(State(shared): State<Arc<Shared>>, Path(iccid): Path<String>) -> ControlResult {
    shared.with_world(|world, _| summary(world, &iccid))
}

/// `POST /_sandbox/esims/{iccid}/install`: a phone installs the profile.
async fn install(State(shared): State<Arc<Shared>>, Path(iccid): Path<String>) -> ControlResult {
    shared.with_world(|world, now| {
        let esim = world
            .esims
            .get_mut(&iccid)
            .ok_or_else(|| ApiError::unknown_iccid(&iccid))?;
        if esim.first_installed_at.is_none() {
            esim.first_installed_at = Some(now);
            esim.traffic_to = now;
        }
        esim.profile_status = assumed::PROFILE_INSTALLED;
        summary(world, &iccid)
    })
}

#[derive(Debug, Deserialize)]
struct Consume {
    bytes: u64,
}

/// `POST /_sandbox/esims/{iccid}/consume {bytes}`: data use; the first use starts a bundle.
async fn consume(
    State(shared): State<Arc<Shared>>,
    Path(iccid): Path<String>,
    body: Bytes,
) -> ControlResult {
    let request: Consume = parse(&body)?;
    shared.with_world(|world, now| {
        let esim = world
            .esims
            .get_mut(&iccid)
            .ok_or_else(|| ApiError::unknown_iccid(&iccid))?;
        esim.consume(request.bytes, now);
        summary(world, &iccid)
    })
}
