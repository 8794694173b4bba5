//! `/product/api/*`: catalogue listings (v2 and legacy v1), one product, available top-ups.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{Authed, JsonBody, Params};
use crate::esimfx::catalogue::{Catalogue, Filter};
use crate::esimfx::state::Shared;
use crate::esimfx::wire::{self, success, ApiError, IdForm};

const DEFAULT_PAGE_SIZE: i64 = 20;
const MAX_PAGE_SIZE: i64 = 50;

/// The listing request; fields stay loose JSON so a wrong type is a 400 we word ourselves.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListRequest {
    countries: Option<Value>,
    region: Option<Value>,
    page_start: Option<Value>,
    page_size: Option<Value>,
}

impl ListRequest {
    /// Query parameters fill what the body left out (v1 accepts both).
    fn or_params(mut self, params: &Params) -> Self {
        let from = |name: &str| params.get(name).map(|v| Value::String(v.to_owned()));
        self.countries = self.countries.or_else(|| from("countries"));
        self.region = self.region.or_else(|| from("region"));
        self.page_start = self.page_start.or_else(|| from("page_start"));
        self.page_size = self.page_size.or_else(|| from("page_size"));
        self
    }
}

fn filter(request: &ListRequest) -> Result<Filter, ApiError> {
    let countries = match &request.countries {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|v| v.as_str().ok_or(()))
                .collect::<Result<Vec<_>, ()>>()
                .map_err(|()| ApiError::bad_request("countries must be strings"))?
                .join(","),
        ),
        Some(_) => {
            return Err(ApiError::bad_request(
                "countries must be a string like \"JP,US\"",
            ))
        }
    };
    let region = match &request.region {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(ApiError::bad_request("region must be a string")),
    };
    Filter::parse(countries.as_deref(), region).map_err(ApiError::bad_request)
}

fn page_size(raw: Option<&Value>) -> Result<usize, ApiError> {
    let size = match raw {
        None | Some(Value::Null) => DEFAULT_PAGE_SIZE,
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| ApiError::bad_request("page_size must be an integer"))?,
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| ApiError::bad_request("page_size must be an integer"))?,
        Some(_) => return Err(ApiError::bad_request("page_size must be an integer")),
    };
    if size <= 0 {
        return Err(ApiError::bad_request("page_size must be positive"));
    }
    Ok(size.min(MAX_PAGE_SIZE) as usize)
}

/// The v2 id to continue after, from `page_start` (`{}` or `{"id": …}`; a JSON string of
/// that object is accepted from query strings).
fn page_start(raw: Option<&Value>, catalogue: &Catalogue) -> Result<Option<String>, ApiError> {
    let bad =
        || ApiError::bad_request("page_start must be {} or the last_evaluated_key you were given");
    let object = match raw {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).map_err(|_| bad())?,
        Some(other) => other.clone(),
    };
    let Value::Object(map) = object else {
        return Err(bad());
    };
    if map.is_empty() {
        return Ok(None);
    }
    let id = map.get("id").and_then(Value::as_str).ok_or_else(bad)?;
    catalogue
        .v2_id(id)
        .map(|id| Some(id.to_owned()))
        .ok_or_else(bad)
}

fn listing(shared: &Shared, request: &ListRequest, form: IdForm) -> Result<Value, ApiError> {
    let filter = filter(request)?;
    let size = page_size(request.page_size.as_ref())?;
    shared.with_world(|world, _| {
        let after = page_start(request.page_start.as_ref(), &world.catalogue)?;
        let page = world.catalogue.page(&filter, after.as_deref(), size);
        let last_evaluated_key = match page.more_after {
            Some(last) => json!({ "id": match form { IdForm::V2 => &last.id, IdForm::Legacy => &last.meta_product_id } }),
            None => json!({}),
        };
        let products: Vec<Value> = page.products.iter().map(|p| wire::product(p, form)).collect();
        Ok(json!({ "products": products, "last_evaluated_key": last_evaluated_key }))
    })
}

/// `POST /product/api/v2/get_products`.
#[tracing::instrument(skip_all)]
pub(crate) async fn list_v2(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    JsonBody(request): JsonBody<ListRequest>,
) -> Result<Response, ApiError> {
    listing(&shared, &request, IdForm::V2).map(success)
}

/// `GET|POST /product/api/v1/get_products`: legacy UUID ids; filters in the body or the query.
#[tracing::instrument(skip_all)]
pub(crate) async fn list_v1(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    params: Params,
    JsonBody(request): JsonBody<ListRequest>,
) -> Result<Response, ApiError> {
    listing(&shared, &request.or_params(&params), IdForm::Legacy).map(success)
}

/// `GET /product/api/v1/get_product?id=`: either id form; answers in the v2 shape, which
/// carries both ids.
#[tracing::instrument(skip_all)]
pub(crate) async fn get_product(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    params: Params,
) -> Result<Response, ApiError> {
    let id = params.required("id")?;
    shared.with_world(|world, _| {
        world
            .catalogue
            .get(id)
            .map(|p| success(wire::product(p, IdForm::V2)))
            .ok_or_else(|| ApiError::not_found(format!("product {id} not found")))
    })
}

/// `GET /product/api/v1/get_available_topups?iccid=&product_id=`: the ICCID wins when both
/// are given; not paginated.
#[tracing::instrument(skip_all)]
pub(crate) async fn available_topups(
    State(shared): State<Arc<Shared>>,
    _: Authed,
    params: Params,
) -> Result<Response, ApiError> {
    let iccid = params.get("iccid");
    let product_id = params.get("product_id");
    shared.with_world(|world, _| {
        let products = match (iccid, product_id) {
            (Some(iccid), _) => {
                let esim = world
                    .esims
                    .get(iccid)
                    .ok_or_else(|| ApiError::not_found(format!("eSIM {iccid} not found")))?;
                world.topups_for_esim(esim)
            }
            (None, Some(id)) => {
                let base = world
                    .catalogue
                    .get(id)
                    .ok_or_else(|| ApiError::not_found(format!("product {id} not found")))?;
                world.topups_for_product(base)
            }
            (None, None) => return Err(ApiError::bad_request("iccid or product_id is required")),
        };
        let products: Vec<Value> = products
            .into_iter()
            .map(|p| wire::product(p, IdForm::V2))
            .collect();
        Ok(success(json!({ "products": products })))
    })
}
