//! The Connect API v1 routes, served under both `/esim/v1` (the seed's base) and
//! `/connect-api/v1` (its later name), plus the Keycloak token endpoint, all behind the
//! shared fault injection.

mod extract;
mod orders;
mod products;
mod sims;
mod subscriptions;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{middleware, Router};

use super::auth;
use super::state::Shared;
use super::wire::ApiError;
use super::TOKEN_PATH;

/// The two bases the same v1 API answers on.
pub(crate) const API_BASES: [&str; 2] = ["/esim/v1", "/connect-api/v1"];

fn v1() -> Router<Arc<Shared>> {
    Router::new()
        .route("/order", post(orders::create))
        .route("/order/{id}", get(orders::status))
        .route("/products", get(products::list))
        .route("/products/{id}", get(products::detail))
        .route("/sim/{iccid}", get(sims::sim))
        .route("/sim/{iccid}/subscriptions", get(sims::subscriptions))
        .route("/subscription", get(subscriptions::history))
        .route("/subscription/{id}", get(subscriptions::one))
}

/// Every API route; unknown paths answer 404 and wrong methods 405, in the error shape.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new().route(TOKEN_PATH, post(auth::token));
    for base in API_BASES {
        router = router.nest(base, v1());
    }
    router
        .fallback(|| async { ApiError::no_such_resource() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                "method not allowed on this resource",
            )
        })
        .layer(middleware::from_fn_with_state(
            shared.faults.clone(),
            crate::faults::apply,
        ))
        .with_state(shared)
}
