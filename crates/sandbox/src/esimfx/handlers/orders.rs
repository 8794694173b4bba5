//! `/order/api/v1/*`: creating orders and reading or changing orders, subscriptions and eSIMs.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{Authed, JsonBody, Params};
use crate::esimfx::state::{Shared, World};
use crate::esimfx::wire::{self, success, ApiError};

/// `POST /order/api/v1/create_order` (NEW and TOPUP), idempotent on `X-Idempotency-Key`.
#[tracing::instrument(skip_all)]
pub(crate) async fn create_order(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let key = headers
        .get("x-idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| ApiError::bad_request("X-Idempotency-Key header is required"))?;
    shared
        .with_world(|world, now| world.create_order(key, &body, now))
        .map(success)
}

fn order_data(world: &World, order_id: &str) -> Result<Value, ApiError> {
    world
        .orders
        .get(order_id)
        .map(wire::order)
        .ok_or_else(|| ApiError::not_found(format!("order {order_id} not found")))
}

/// `GET /order/api/v1/get_order?order_id=`.
#[tracing::instrument(skip_all)]
pub(crate) async fn get_order(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    params: Params,
) -> Result<Response, ApiError> {
    let order_id = params.required("order_id")?;
    shared
        .with_world(|world, _| order_data(world, order_id))
        .map(success)
}

/// `GET /order/api/v1/get_esim_status?iccid=`.
#[tracing::instrument(skip_all)]
pub(crate) async fn get_esim_status(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    params: Params,
) -> Result<Response, ApiError> {
    let iccid = params.required("iccid")?;
    shared
        .with_world(|world, _| world.esims.get(iccid).map(wire::esim))
        .map(success)
        .ok_or_else(|| ApiError::not_found(format!("eSIM {iccid} not found")))
}

/// `GET /order/api/v1/get_esim_orders?iccid=`: every order on the eSIM, oldest first.
#[tracing::instrument(skip_all)]
pub(crate) async fn get_esim_orders(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    params: Params,
) -> Result<Response, ApiError> {
    let iccid = params.required("iccid")?;
    shared.with_world(|world, _| {
        let esim = world
            .esims
            .get(iccid)
            .ok_or_else(|| ApiError::not_found(format!("eSIM {iccid} not found")))?;
        let orders: Vec<Value> = esim
            .order_ids
            .iter()
            .filter_map(|id| world.orders.get(id))
            .map(wire::order)
            .collect();
        Ok(success(json!({ "orders": orders })))
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct OrderIdRequest {
    order_id: Option<String>,
}

impl OrderIdRequest {
    fn order_id(&self) -> Result<&str, ApiError> {
        self.order_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::bad_request("order_id is required"))
    }
}

/// `POST /order/api/v1/activate_subscription {order_id}`: answers with the order.
#[tracing::instrument(skip_all)]
pub(crate) async fn activate_subscription(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    JsonBody(request): JsonBody<OrderIdRequest>,
) -> Result<Response, ApiError> {
    let order_id = request.order_id()?;
    shared
        .with_world(|world, now| {
            world.activate(order_id, now)?;
            order_data(world, order_id)
        })
        .map(success)
}

/// `POST /order/api/v1/terminate_subscription {order_id}`: the order plus `refund.need_refund`.
#[tracing::instrument(skip_all)]
pub(crate) async fn terminate_subscription(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    JsonBody(request): JsonBody<OrderIdRequest>,
) -> Result<Response, ApiError> {
    let order_id = request.order_id()?;
    shared
        .with_world(|world, now| {
            let need_refund = world.terminate(order_id, now)?;
            world
                .orders
                .get(order_id)
                .map(|order| wire::terminated(order, need_refund))
                .ok_or_else(|| ApiError::not_found(format!("order {order_id} not found")))
        })
        .map(success)
}
