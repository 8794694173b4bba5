//! The unauthenticated control API under `/_sandbox/` that tests use to inject faults, move
//! time, edit the catalogue and play the device's part (install, connect, use data).
//!
//! Successes are plain JSON objects; failures use the API's `{code, message, data}` envelope.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::handlers::JsonBody;
use super::state::{Shared, World};
use super::wire::ApiError;
use crate::calendar::iso8601;

/// Every control route.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_sandbox/expire_tokens", post(expire_tokens))
        // The name every Tern sandbox shares.
        .route("/_sandbox/tokens/expire", post(expire_tokens))
        .route("/_sandbox/clock", get(clock))
        .route("/_sandbox/clock/advance", post(advance_clock))
        .route("/_sandbox/catalogue/set_price", post(set_price))
        .route("/_sandbox/catalogue/remove", post(remove_product))
        .route("/_sandbox/catalogue/restore", post(restore_catalogue))
        .route("/_sandbox/esims/{iccid}", get(esim))
        .route("/_sandbox/esims/{iccid}/install", post(install))
        .route("/_sandbox/esims/{iccid}/connect", post(connect))
        .route("/_sandbox/esims/{iccid}/consume", post(consume))
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/events", get(events))
        .with_state(shared.clone())
        .merge(crate::faults::control_routes(shared.faults.clone()))
}

/// `POST /_sandbox/expire_tokens`: every issued token stops working.
async fn expire_tokens(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let expired = shared.with_world(|world, _| {
        let n = world.tokens.len();
        world.tokens.clear();
        n
    });
    Json(json!({ "expired": expired }))
}

/// The sandbox time and how many times faster than the wall clock it runs.
fn clock_json(shared: &Shared, now: i64) -> Json<Value> {
    Json(json!({ "now": iso8601(now), "unix": now, "speed": shared.clock.speed() }))
}

/// `GET /_sandbox/clock`.
async fn clock(State(shared): State<Arc<Shared>>) -> Json<Value> {
    clock_json(&shared, shared.with_world(|_, now| now))
}

#[derive(Debug, Deserialize)]
struct Advance {
    seconds: i64,
}

/// `POST /_sandbox/clock/advance {seconds}`: moves time forward and applies what fell due
/// (including the simulated phone's data use over the skipped time).
async fn advance_clock(
    State(shared): State<Arc<Shared>>,
    JsonBody(advance): JsonBody<Advance>,
) -> Result<Json<Value>, ApiError> {
    if advance.seconds < 0 {
        return Err(ApiError::bad_request(
            "the sandbox clock only moves forward",
        ));
    }
    shared.clock.advance(advance.seconds);
    Ok(clock_json(&shared, shared.with_world(|_, now| now)))
}

#[derive(Debug, Deserialize)]
struct SetPrice {
    id: String,
    price: f64,
}

/// `POST /_sandbox/catalogue/set_price {id, price}`: price in USD, at most two decimals.
async fn set_price(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<SetPrice>,
) -> Result<Json<Value>, ApiError> {
    let cents = (request.price * 100.0).round();
    if !request.price.is_finite() || cents < 1.0 || (request.price * 100.0 - cents).abs() > 1e-6 {
        return Err(ApiError::bad_request(
            "price must be positive with at most two decimals",
        ));
    }
    shared.with_world(|world, _| {
        let product = world
            .catalogue
            .get_mut(&request.id)
            .ok_or_else(|| ApiError::not_found(format!("product {} not found", request.id)))?;
        product.price_cents = cents as i64;
        Ok(Json(
            json!({ "id": product.id, "price_cents": product.price_cents }),
        ))
    })
}

#[derive(Debug, Deserialize)]
struct ProductId {
    id: String,
}

/// `POST /_sandbox/catalogue/remove {id}`: the product disappears from listings and orders.
async fn remove_product(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<ProductId>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, _| {
        if world.catalogue.remove(&request.id) {
            Ok(Json(
                json!({ "removed": request.id, "products": world.catalogue.products().len() }),
            ))
        } else {
            Err(ApiError::not_found(format!(
                "product {} not found",
                request.id
            )))
        }
    })
}

/// `POST /_sandbox/catalogue/restore`: back to the generated catalogue.
async fn restore_catalogue(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let products = shared.with_world(|world, _| {
        world.catalogue = (*world.generated).clone();
        world.catalogue.products().len()
    });
    Json(json!({ "products": products }))
}

/// The eSIM and its subscriptions, as control calls report them.
fn esim_summary(world: &World, iccid: &str) -> Result<Json<Value>, ApiError> {
    let esim = world
        .esims
        .get(iccid)
        .ok_or_else(|| ApiError::not_found(format!("eSIM {iccid} not found")))?;
    let subscriptions: Vec<Value> = esim
        .order_ids
        .iter()
        .filter_map(|id| world.orders.get(id))
        .map(|o| {
            json!({
                "order_id": o.id,
                "product_id": o.product.id,
                "status": o.sub.status.as_str(),
                "used_amount": o.sub.used_bytes,
                "upper_limit_amount": o.sub.limit_bytes,
            })
        })
        .collect();
    Ok(Json(json!({
        "iccid": esim.iccid,
        "status": esim.status.as_str(),
        "subscriptions": subscriptions,
    })))
}

/// `GET /_sandbox/esims/{iccid}`.
async fn esim(State(shared): State<Arc<Shared>>, Path(iccid): Path<String>) -> Response {
    shared
        .with_world(|world, _| esim_summary(world, &iccid))
        .into_response()
}

/// `POST /_sandbox/esims/{iccid}/install`: PROVISIONED → INSTALLED.
async fn install(State(shared): State<Arc<Shared>>, Path(iccid): Path<String>) -> Response {
    shared
        .with_world(|world, _| {
            world.install(&iccid)?;
            esim_summary(world, &iccid)
        })
        .into_response()
}

/// `POST /_sandbox/esims/{iccid}/connect`: first network attach; starts the queued plan.
async fn connect(State(shared): State<Arc<Shared>>, Path(iccid): Path<String>) -> Response {
    shared
        .with_world(|world, now| {
            world.connect(&iccid, now)?;
            esim_summary(world, &iccid)
        })
        .into_response()
}

#[derive(Debug, Deserialize)]
struct Consume {
    bytes: u64,
}

/// `POST /_sandbox/esims/{iccid}/consume {bytes}`: data use on the ACTIVE plan.
async fn consume(
    State(shared): State<Arc<Shared>>,
    Path(iccid): Path<String>,
    JsonBody(request): JsonBody<Consume>,
) -> Response {
    shared
        .with_world(|world, now| {
            world.consume(&iccid, request.bytes, now)?;
            esim_summary(world, &iccid)
        })
        .into_response()
}

/// `GET /_sandbox/stats`.
async fn stats(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.stats()))
}

/// `GET /_sandbox/events`: every webhook event raised so far, delivered or not.
async fn events(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.with_world(|world, _| world.event_log.clone())))
}
