//! The part of Stripe's `/v1` API Tern uses, behind Stripe's API-key check and
//! `Idempotency-Key` handling.

mod auth;
mod idempotency;
mod payment_intents;
mod refunds;
mod sessions;

pub(crate) use idempotency::Replays;

use std::sync::Arc;

use axum::http::{Method, Uri};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use super::state::Shared;
use super::wire::ApiError;

/// Every `/v1` route.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/checkout/sessions", post(sessions::create))
        .route("/v1/checkout/sessions/{id}", get(sessions::retrieve))
        .route("/v1/checkout/sessions/{id}/expire", post(sessions::expire))
        .route("/v1/payment_intents/{id}", get(payment_intents::retrieve))
        .route("/v1/refunds", post(refunds::create))
        .route("/v1/refunds/{id}", get(refunds::retrieve))
        // Layers run outside-in: the key is checked before the idempotency store is touched.
        .route_layer(from_fn_with_state(shared.clone(), idempotency::replay))
        .route_layer(from_fn_with_state(shared.clone(), auth::require_key))
        .with_state(shared)
}

/// Stripe's answer for a path or method it does not serve.
pub(crate) async fn unrecognized(method: Method, uri: Uri) -> ApiError {
    ApiError::invalid(format!(
        "Unrecognized request URL ({method}: {}). Please see https://stripe.com/docs or we can \
         help at https://support.stripe.com/.",
        uri.path()
    ))
    .status(axum::http::StatusCode::NOT_FOUND)
}
