//! `GET /v1/products` (the whole catalogue, no paging) and `GET /v1/products/{id}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

use super::extract::{Call, Params};
use crate::truphone::assumed;
use crate::truphone::state::Shared;
use crate::truphone::wire::{self, ApiError};

/// `currency` (the example) or `targetCurrency` (the table); EUR by default.
fn currency(params: &Params) -> Result<&str, ApiError> {
    let currency = params
        .get("currency")
        .or_else(|| params.get("targetCurrency"))
        .unwrap_or(assumed::DEFAULT_CURRENCY);
    if assumed::SUPPORTED_CURRENCIES.contains(&currency) {
        Ok(currency)
    } else {
        Err(ApiError::invalid_one(format!(
            "currency {currency} is not supported by the client"
        )))
    }
}

/// `GET /v1/products?currency=&plan_id=`.
#[tracing::instrument(skip_all)]
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    _: Call,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let currency = currency(&params)?;
    let plan = params.get("plan_id");
    let products: Vec<Value> = shared
        .catalogue
        .products()
        .iter()
        .filter(|p| plan.is_none_or(|plan| p.plan_id == plan))
        .map(|p| wire::product(p, currency))
        .collect();
    Ok(Json(Value::Array(products)))
}

/// `GET /v1/products/{id}?currency=`.
#[tracing::instrument(skip_all)]
pub(crate) async fn detail(
    State(shared): State<Arc<Shared>>,
    _: Call,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let currency = currency(&params)?;
    let status = StatusCode::from_u16(assumed::PRODUCT_DETAIL_NOT_FOUND_STATUS)
        .unwrap_or(StatusCode::NOT_FOUND);
    shared
        .catalogue
        .get(&id)
        .map(|p| Json(wire::product(p, currency)))
        .ok_or_else(|| ApiError::product_not_found(status, &id))
}
