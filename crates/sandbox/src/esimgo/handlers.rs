//! The eSIM Go API routes under `/v2.4`, behind the shared fault injection and the
//! `X-API-Key` check.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::assignments::{self, Row};
use super::assumed;
use super::catalogue::Filter;
use super::orders::OrderType;
use super::state::{Shared, World};
use super::time::parse_rfc3339;
use super::wire::{self, ApiError, EsimDetail};
use super::API_PREFIX;

type ApiResult = Result<Json<Value>, ApiError>;

/// Every API route; unknown paths answer 404 `{"message"}`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/catalogue", get(catalogue))
        .route("/catalogue/bundle/{name}", get(catalogue_bundle))
        .route("/orders", get(list_orders).post(create_order))
        .route("/orders/{reference}", get(get_order))
        .route("/esims", axum::routing::put(update_esim))
        .route("/esims/assignments", get(assignments_by_query))
        .route("/esims/assignments/{reference}", get(assignments_by_path))
        .route("/esims/{iccid}", get(esim_details))
        .route("/esims/{iccid}/bundles", get(esim_bundles))
        .route(
            "/esims/{iccid}/bundles/{name}",
            get(esim_bundle).delete(revoke_bundle),
        )
        .route(
            "/esims/{iccid}/bundles/{name}/assignments/{id}",
            delete(revoke_assignment),
        )
        .route("/esims/{iccid}/compatible/{bundle}", get(compatible))
        .route("/organisation", get(organisation))
        .fallback(|| async { ApiError::not_found() })
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            require_api_key,
        ))
        .layer(middleware::from_fn_with_state(
            shared.faults.clone(),
            crate::faults::apply,
        ))
        .with_state(shared);
    Router::new().nest(API_PREFIX, api)
}

/// 403 `{"message":"Forbidden"}` unless `X-API-Key` (any case) is the configured key.
async fn require_api_key(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok());
    if given != Some(shared.config.api_key.as_str()) {
        return ApiError::forbidden().into_response();
    }
    next.run(request).await
}

/// Query pairs in order, repeated keys kept (`createdAt` comes twice).
fn query_pairs(raw: &Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// A positive page number or size; absent is `default`.
fn number(
    pairs: &[(String, String)],
    key: &str,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match first(pairs, key) {
        None | Some("") => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::bad_request(format!("{key} must be between 1 and {max}"))),
    }
}

fn flag(pairs: &[(String, String)], key: &str) -> bool {
    first(pairs, key).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// `GET /catalogue?page&perPage&countries&region&group&description`.
async fn catalogue(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    let pairs = query_pairs(&raw);
    let page = number(&pairs, "page", assumed::FIRST_PAGE, usize::MAX)?;
    let per_page = number(
        &pairs,
        "perPage",
        assumed::CATALOGUE_DEFAULT_PER_PAGE,
        assumed::CATALOGUE_MAX_PER_PAGE,
    )?;
    let filter = Filter {
        countries: first(&pairs, "countries")
            .map(|list| {
                list.split(',')
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        region: first(&pairs, "region").map(str::to_owned),
        group: first(&pairs, "group").map(str::to_owned),
        description: first(&pairs, "description").map(str::to_owned),
    };
    shared.with_world(|world, _| {
        let matching: Vec<_> = world
            .catalogue
            .bundles()
            .iter()
            .filter(|b| filter.matches(b))
            .collect();
        let items = matching
            .iter()
            .skip((page - 1).saturating_mul(per_page))
            .take(per_page)
            .map(|b| wire::bundle(b))
            .collect();
        Ok(Json(wire::page("bundles", items, matching.len(), per_page)))
    })
}

/// `GET /catalogue/bundle/{name}`.
async fn catalogue_bundle(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> ApiResult {
    shared.with_world(|world, _| {
        let bundle = world
            .catalogue
            .get(&name)
            .ok_or_else(|| ApiError::unknown_bundle(&name))?;
        let mut value = wire::bundle(bundle);
        // §2.2: the detail may leave `groups` out.
        if let Some(map) = value.as_object_mut() {
            map.remove("groups");
        }
        Ok(Json(value))
    })
}

fn esim_lookup(world: &World) -> impl Fn(&str) -> Option<Value> + '_ {
    |iccid| world.esims.get(iccid).map(wire::esim_install)
}

/// `POST /orders`: `validate` or `transaction`.
async fn create_order(State(shared): State<Arc<Shared>>, body: Bytes) -> ApiResult {
    let body: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Request body is not JSON: {e}")))?;
    shared.with_world(|world, now| {
        let (order, kind) = world.place_order(&body, now)?;
        let detail = EsimDetail {
            iccids: true,
            installs: !shared.config.omit_order_esims && shared.installs_ready(&order, now),
        };
        let mut value = wire::order(&order, &esim_lookup(world), detail);
        // §2.3: a failed validation is a 200 with `valid: false`.
        if kind == OrderType::Validate && world.balance_cents < order.total_cents {
            value["valid"] = json!(false);
            value["statusMessage"] = json!(assumed::VALIDATE_LOW_BALANCE);
        }
        Ok(Json(value))
    })
}

/// `GET /orders/{reference}`, with each item's eSIMs.
async fn get_order(State(shared): State<Arc<Shared>>, Path(reference): Path<String>) -> ApiResult {
    shared.with_world(|world, now| {
        let order = world
            .order(&reference)
            .ok_or_else(|| ApiError::unknown_order(&reference))?;
        let detail = EsimDetail {
            iccids: true,
            installs: shared.installs_ready(order, now),
        };
        Ok(Json(wire::order(order, &esim_lookup(world), detail)))
    })
}

/// `GET /orders?page&limit&includeIccids&createdAt=gte:…&createdAt=lte:…`, newest first.
async fn list_orders(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    let pairs = query_pairs(&raw);
    let page = number(&pairs, "page", assumed::FIRST_PAGE, usize::MAX)?;
    let limit = number(
        &pairs,
        "limit",
        assumed::ORDERS_DEFAULT_LIMIT,
        assumed::ORDERS_MAX_LIMIT,
    )?;
    let with_iccids = flag(&pairs, "includeIccids");
    let (mut from, mut to) = (i64::MIN, i64::MAX);
    for (_, value) in pairs.iter().filter(|(k, _)| k == "createdAt") {
        let bound = |prefix: &str| {
            value.strip_prefix(prefix).map(|at| {
                parse_rfc3339(at).ok_or_else(|| {
                    ApiError::bad_request(format!("createdAt {value} is not an RFC 3339 UTC time"))
                })
            })
        };
        match (bound("gte:"), bound("lte:")) {
            (Some(at), _) => from = at?,
            (_, Some(at)) => to = at?,
            _ => {
                return Err(ApiError::bad_request(
                    "createdAt must start with gte: or lte:",
                ))
            }
        }
    }
    shared.with_world(|world, now| {
        let matching: Vec<_> = world
            .orders
            .iter()
            .rev()
            .filter(|o| (from..=to).contains(&o.created_at))
            .collect();
        let items = matching
            .iter()
            .skip((page - 1).saturating_mul(limit))
            .take(limit)
            .map(|o| {
                let detail = EsimDetail {
                    iccids: with_iccids,
                    installs: with_iccids && shared.installs_ready(o, now),
                };
                wire::order(o, &esim_lookup(world), detail)
            })
            .collect();
        Ok(Json(wire::page("orders", items, matching.len(), limit)))
    })
}

/// The eSIM rows of these orders, or a 404 naming the first unknown one.
fn assignment_answer(shared: &Shared, references: &[String], headers: &HeaderMap) -> Response {
    let format = shared
        .config
        .assignments_format
        .unwrap_or_else(|| assignments::negotiate(headers));
    shared.with_world(|world, now| {
        let mut rows = Vec::new();
        for reference in references {
            let Some(order) = world.order(reference) else {
                return ApiError::unknown_order(reference).into_response();
            };
            if !shared.installs_ready(order, now) {
                return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "Processing")
                    .into_response();
            }
            for item in &order.items {
                for iccid in &item.iccids {
                    if let Some(esim) = world.esims.get(iccid) {
                        rows.push(Row {
                            esim,
                            bundle: &item.bundle,
                        });
                    }
                }
            }
        }
        assignments::render(&rows, format)
    })
}

/// `GET /esims/assignments?reference=a,b` (or the key repeated).
async fn assignments_by_query(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let references: Vec<String> = query_pairs(&raw)
        .into_iter()
        .filter(|(k, _)| k == "reference")
        .flat_map(|(_, v)| {
            v.split(',')
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();
    if references.is_empty() {
        return ApiError::bad_request("reference is required").into_response();
    }
    assignment_answer(&shared, &references, &headers)
}

/// `GET /esims/assignments/{reference}`: the seed's path form.
async fn assignments_by_path(
    State(shared): State<Arc<Shared>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    assignment_answer(&shared, &[reference], &headers)
}

/// `PUT /esims {iccid, customerRef}`: tags an eSIM with the storefront's reference.
async fn update_esim(State(shared): State<Arc<Shared>>, body: Bytes) -> ApiResult {
    let body: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Request body is not JSON: {e}")))?;
    let iccid = body
        .get("iccid")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("iccid is required"))?
        .to_owned();
    let customer_ref = match body.get("customerRef") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => return Err(ApiError::bad_request("customerRef must be a string")),
    };
    shared.with_world(|world, _| {
        let esim = world
            .esims
            .get_mut(&iccid)
            .ok_or_else(|| ApiError::unknown_iccid(&iccid))?;
        esim.customer_ref = customer_ref;
        Ok(Json(json!({ "message": assumed::UPDATED, "iccid": iccid })))
    })
}

/// `GET /esims/{iccid}`.
async fn esim_details(State(shared): State<Arc<Shared>>, Path(iccid): Path<String>) -> ApiResult {
    shared.with_world(|world, _| {
        let esim = world
            .esims
            .get(&iccid)
            .ok_or_else(|| ApiError::unknown_iccid(&iccid))?;
        Ok(Json(wire::esim_details(esim)))
    })
}

/// `GET /esims/{iccid}/bundles?includeUsed&limit`: assignments grouped by bundle, oldest first.
async fn esim_bundles(
    State(shared): State<Arc<Shared>>,
    Path(iccid): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let pairs = query_pairs(&raw);
    let include_used = flag(&pairs, "includeUsed");
    let limit = number(&pairs, "limit", assumed::BUNDLES_DEFAULT_LIMIT, 200)?;
    shared.with_world(|world, _| {
        let esim = world
            .esims
            .get(&iccid)
            .ok_or_else(|| ApiError::unknown_iccid(&iccid))?;
        let mut bundles: Vec<(String, String, Vec<Value>)> = Vec::new();
        let listed = esim
            .assignments
            .iter()
            .filter(|a| include_used || a.state.is_current())
            .take(limit);
        for assignment in listed {
            let value = wire::assignment(assignment);
            match bundles
                .iter_mut()
                .find(|(name, _, _)| *name == assignment.bundle.name)
            {
                Some((_, _, list)) => list.push(value),
                None => bundles.push((
                    assignment.bundle.name.clone(),
                    assignment.bundle.description.clone(),
                    vec![value],
                )),
            }
        }
        let bundles: Vec<Value> = bundles
            .into_iter()
            .map(|(name, description, assignments)| {
                json!({ "name": name, "description": description, "assignments": assignments })
            })
            .collect();
        Ok(Json(json!({ "bundles": bundles })))
    })
}

/// `GET /esims/{iccid}/bundles/{name}`: the latest assignment of that bundle.
async fn esim_bundle(
    State(shared): State<Arc<Shared>>,
    Path((iccid, name)): Path<(String, String)>,
) -> ApiResult {
    shared.with_world(|world, _| {
        let esim = world
            .esims
            .get(&iccid)
            .ok_or_else(|| ApiError::unknown_iccid(&iccid))?;
        let latest = esim
            .assignments
            .iter()
            .rev()
            .find(|a| a.bundle.name == name)
            .ok_or_else(|| ApiError::unknown_bundle(&name))?;
        Ok(Json(json!({ "assignments": [wire::assignment(latest)] })))
    })
}

/// `type=validate|transaction` (transaction by default) and `refundToBalance`.
fn revoke_options(raw: &Option<String>) -> Result<(bool, bool), ApiError> {
    let pairs = query_pairs(raw);
    let transaction = match first(&pairs, "type") {
        None | Some("transaction") => true,
        Some("validate") => false,
        Some(other) => return Err(ApiError::bad_request(format!("Invalid type: {other}"))),
    };
    Ok((transaction, flag(&pairs, "refundToBalance")))
}

/// Revokes (or, for `validate`, describes revoking) the assignment `pick` chooses.
fn revoke(
    shared: &Shared,
    iccid: &str,
    name: &str,
    raw: &Option<String>,
    pick: impl Fn(&super::lifecycle::Esim) -> Result<usize, ApiError>,
) -> ApiResult {
    let (transaction, refund) = revoke_options(raw)?;
    shared.with_world(|world, now| {
        if world.catalogue.get(name).is_none() {
            return Err(ApiError::unknown_bundle(name));
        }
        let esim = world
            .esims
            .get_mut(iccid)
            .ok_or_else(|| ApiError::unknown_iccid(iccid))?;
        let index = pick(esim)?;
        let refundable = refund && esim.assignments[index].refundable(now);
        if !transaction {
            let status = if refundable {
                "Bundle can be revoked and refunded to balance"
            } else {
                "Bundle can be revoked without a refund"
            };
            return Ok(Json(json!({ "status": status })));
        }
        let refunded = esim.revoke(index, refund, now);
        let status = match refunded {
            Some(cents) => {
                world.balance_cents += cents;
                assumed::REVOKED_REFUNDED
            }
            None => assumed::REVOKED,
        };
        Ok(Json(json!({ "status": status })))
    })
}

/// `DELETE /esims/{iccid}/bundles/{name}`: the oldest unused assignment of that bundle.
async fn revoke_bundle(
    State(shared): State<Arc<Shared>>,
    Path((iccid, name)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    revoke(&shared, &iccid, &name, &raw, |esim| {
        esim.assignments
            .iter()
            .position(|a| a.bundle.name == name && a.state.is_waiting() && a.used_bytes == 0)
            .ok_or_else(|| ApiError::bad_request(assumed::nothing_to_revoke(&name, &iccid)))
    })
}

/// `DELETE /esims/{iccid}/bundles/{name}/assignments/{id}`: that assignment, if still unused.
async fn revoke_assignment(
    State(shared): State<Arc<Shared>>,
    Path((iccid, name, id)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    revoke(&shared, &iccid, &name, &raw, |esim| {
        let index = esim
            .assignments
            .iter()
            .position(|a| a.bundle.name == name && a.id.to_string() == id)
            .ok_or_else(|| ApiError::bad_request(format!("Assignment not found: {id}")))?;
        let assignment = &esim.assignments[index];
        if assignment.state.is_waiting() && assignment.used_bytes == 0 {
            Ok(index)
        } else {
            Err(ApiError::bad_request(assumed::nothing_to_revoke(
                &name, &iccid,
            )))
        }
    })
}

/// `GET /esims/{iccid}/compatible/{bundle}`.
async fn compatible(
    State(shared): State<Arc<Shared>>,
    Path((iccid, name)): Path<(String, String)>,
) -> ApiResult {
    shared.with_world(|world, _| {
        let esim = world
            .esims
            .get(&iccid)
            .ok_or_else(|| ApiError::unknown_iccid(&iccid))?;
        let bundle = world
            .catalogue
            .get(&name)
            .ok_or_else(|| ApiError::unknown_bundle(&name))?;
        Ok(Json(json!({ "compatible": bundle.family == esim.family })))
    })
}

/// `GET /organisation`: the OpenAPI's flat organisation object.
async fn organisation(State(shared): State<Arc<Shared>>) -> ApiResult {
    shared.with_world(|world, _| {
        Ok(Json(json!({
            "name": assumed::ORGANISATION_NAME,
            "currency": assumed::CURRENCY,
            "balance": wire::major(world.balance_cents),
            "groups": ["Standard Fixed", "Standard Unlimited Lite"],
        })))
    })
}
