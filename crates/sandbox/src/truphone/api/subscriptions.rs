//! `GET /v1/subscription` (the paginated history, pages linked by `X-Next-Page` and
//! `X-Previous-Page`) and `GET /v1/subscription/{id}`.

use std::sync::Arc;

use axum::extract::{OriginalUri, Path, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use super::extract::{Call, Params};
use crate::truphone::assumed;
use crate::truphone::state::{HistoryFilter, Shared};
use crate::truphone::time::parse_iso8601;
use crate::truphone::wire::{self, ApiError};

fn date(params: &Params, name: &str) -> Result<Option<i64>, ApiError> {
    params
        .get(name)
        .map(|text| {
            parse_iso8601(text).ok_or_else(|| {
                ApiError::invalid_one(format!("{name} {text} is not an ISO-8601 date"))
            })
        })
        .transpose()
}

fn number(params: &Params, name: &str, default: usize) -> Result<usize, ApiError> {
    params.get(name).map_or(Ok(default), |text| {
        text.parse()
            .map_err(|_| ApiError::invalid_one(format!("{name} {text} is not a number")))
    })
}

/// The same request with another `page`, as an absolute URL.
fn page_url(headers: &HeaderMap, uri: &axum::http::Uri, params: &Params, page: usize) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut names: Vec<&String> = params.0.keys().filter(|k| *k != "page").collect();
    names.sort();
    for name in names {
        query.append_pair(name, &params.0[name]);
    }
    query.append_pair("page", &page.to_string());
    format!("http://{host}{}?{}", uri.path(), query.finish())
}

/// `GET /v1/subscription?iccid=&email=&product-id=&before=&after=&size=&page=`.
#[tracing::instrument(skip_all)]
pub(crate) async fn history(
    State(shared): State<Arc<Shared>>,
    _: Call,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    let filter = HistoryFilter {
        email: params.get("email").map(str::to_owned),
        iccid: params.get("iccid").map(str::to_owned),
        product_id: params.get("product-id").map(str::to_owned),
        after: date(&params, "after")?,
        before: date(&params, "before")?,
    };
    let page = number(&params, "page", 0)?;
    let size = number(&params, "size", assumed::HISTORY_DEFAULT_PAGE_SIZE)?;
    if size == 0 {
        return Err(ApiError::invalid_one("size must be at least 1"));
    }
    let size = size.min(assumed::HISTORY_MAX_PAGE_SIZE);
    let (items, more) = shared.with_world(|world, _| world.history(&filter, page, size));
    let mut response = Json(Value::Array(items)).into_response();
    let links = [
        (assumed::NEXT_PAGE_HEADER, more.then(|| page + 1)),
        (assumed::PREVIOUS_PAGE_HEADER, page.checked_sub(1)),
    ];
    for (name, target) in links {
        if let Some(target) = target {
            if let Ok(value) = HeaderValue::from_str(&page_url(&headers, &uri, &params, target)) {
                response.headers_mut().insert(name, value);
            }
        }
    }
    Ok(response)
}

/// `GET /v1/subscription/{id}`.
#[tracing::instrument(skip_all)]
pub(crate) async fn one(
    State(shared): State<Arc<Shared>>,
    _: Call,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, _| {
        world
            .fleet
            .subscriptions
            .iter()
            .find(|s| s.id == id)
            .map(|s| Json(wire::subscription(s)))
            .ok_or_else(|| ApiError::subscription_not_found(&id))
    })
}
