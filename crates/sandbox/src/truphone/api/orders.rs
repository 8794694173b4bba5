//! `POST /v1/order` (NEW_ESIM, TOPUP, TOPUP_ACTIVATION) and `GET /v1/order/{id}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::extract::Call;
use crate::truphone::state::Shared;
use crate::truphone::validation;
use crate::truphone::wire::ApiError;

/// `POST /v1/order` → 201 `{id, externalId, status: ACCEPTED}`; each call is a new order.
#[tracing::instrument(skip_all)]
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    _: Call,
    body: Bytes,
) -> Result<Response, ApiError> {
    let now = shared.clock.now();
    let order = validation::validate(&body, now, |code| shared.countries.contains(code))?;
    let created =
        shared.with_world(|world, now| world.place_order(order, &shared.catalogue, now))?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// `GET /v1/order/{id}`: each poll moves the order along (see `orders.rs`).
#[tracing::instrument(skip_all)]
pub(crate) async fn status(
    State(shared): State<Arc<Shared>>,
    _: Call,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let order = shared.with_world(|world, now| world.poll_order(&id, &shared.catalogue, now))?;
    Ok(Json(order).into_response())
}
