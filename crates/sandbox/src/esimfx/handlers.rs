//! The eSIMfx reseller API routes, behind the fault-injection middleware.

mod account;
mod extract;
mod orders;
mod products;

pub(crate) use extract::JsonBody;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::{middleware, Router};

use super::state::Shared;
use super::wire::ApiError;

/// The auth route, which faults skip unless `include_auth` is set.
pub(crate) const AUTH_PATH: &str = "/account/api/v1/auth";

/// Every API route; unknown paths and methods also answer with the envelope.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(AUTH_PATH, post(account::auth))
        .route("/account/api/v1/get_profile", get(account::get_profile))
        .route("/product/api/v2/get_products", post(products::list_v2))
        .route(
            "/product/api/v1/get_products",
            get(products::list_v1).post(products::list_v1),
        )
        .route("/product/api/v1/get_product", get(products::get_product))
        .route(
            "/product/api/v1/get_available_topups",
            get(products::available_topups),
        )
        .route("/order/api/v1/create_order", post(orders::create_order))
        .route("/order/api/v1/get_order", get(orders::get_order))
        .route(
            "/order/api/v1/get_esim_status",
            get(orders::get_esim_status),
        )
        .route(
            "/order/api/v1/get_esim_orders",
            get(orders::get_esim_orders),
        )
        .route(
            "/order/api/v1/activate_subscription",
            post(orders::activate_subscription),
        )
        .route(
            "/order/api/v1/terminate_subscription",
            post(orders::terminate_subscription),
        )
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(middleware::from_fn_with_state(
            shared.faults.clone(),
            crate::faults::apply,
        ))
        .with_state(shared)
}
