//! `/account/api/v1/*`: access tokens and the reseller profile.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::extract::{Authed, JsonBody};
use crate::esimfx::state::{Shared, TOKEN_TTL};
use crate::esimfx::wire::{price, success, ApiError};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct AuthRequest {
    client_id: Option<String>,
    client_key: Option<String>,
}

/// `POST /account/api/v1/auth`.
#[tracing::instrument(skip_all)]
pub(crate) async fn auth(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<AuthRequest>,
) -> Result<Response, ApiError> {
    let (Some(id), Some(key)) = (request.client_id, request.client_key) else {
        return Err(ApiError::bad_request(
            "client_id and client_key are required",
        ));
    };
    if id != shared.config.client_id || key != shared.config.client_key {
        return Err(ApiError::unauthorized("invalid client_id or client_key"));
    }
    let token = shared.with_world(|world, now| world.issue_token(now));
    Ok(success(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_TTL,
    })))
}

/// `GET /account/api/v1/get_profile`.
#[tracing::instrument(skip_all)]
pub(crate) async fn get_profile(State(shared): State<Arc<Shared>>, _: Authed) -> Response {
    let balance = shared.with_world(|world, _| world.balance_cents);
    success(json!({
        "client_id": shared.config.client_id,
        "name": "Tern Sandbox Reseller",
        "email": "reseller@esimfx-sandbox.test",
        "balance": price(balance),
        "balance_unit": "USD",
    }))
}
