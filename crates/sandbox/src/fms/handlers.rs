//! The FMS API routes, each served under `/fms` and `/fms/v1.1`, behind the shared fault
//! injection. Catalogue calls and the payment webhook need no token; pre-orders, status and
//! eSIM details do (code 7 without a live one).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};

use super::assumed;
use super::catalogue::Catalogue;
use super::state::{Shared, World};
use super::wire::{self, Body, Fail};

/// Every API route; unknown paths answer like Spring Boot does.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let routes: [(&str, MethodRouter<Arc<Shared>>); 13] = [
        ("/user/emailVerificationCode", post(verification_code)),
        ("/user/emailRegister", post(register)),
        ("/user/emailLogin", post(login)),
        ("/user/login", post(login)),
        ("/user/passwordReset", post(password_reset)),
        ("/package/countryPackageList", post(country_list)),
        ("/package/packageList", post(package_list)),
        ("/package/detail", get(detail)),
        ("/package/preOrderPackage", post(pre_order)),
        ("/package/queryOrdStatus", post(order_status)),
        (
            "/package/queryOrdStatusAndEmail",
            post(order_status_and_email),
        ),
        ("/payment/webhook", post(webhook)),
        ("/order/myEsimDetail", post(esim_detail)),
    ];
    let mut router = Router::new();
    for (path, method) in routes {
        let context = assumed::CONTEXT_PATH;
        router = router
            .route(&format!("{context}{path}"), method.clone())
            .route(&format!("{context}/v1.1{path}"), method);
    }
    router
        .fallback(unknown_path)
        .layer(middleware::from_fn_with_state(
            shared.faults.clone(),
            crate::faults::apply,
        ))
        .with_state(shared)
}

async fn unknown_path() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "status": 404, "error": "Not Found", "path": "" })),
    )
        .into_response()
}

fn answer(result: Result<Value, Fail>) -> Response {
    match result {
        Ok(data) => wire::ok(data),
        Err(fail) => fail.into_response(),
    }
}

fn answer_with_token(result: Result<(String, Value), Fail>) -> Response {
    match result {
        Ok((token, data)) => wire::ok_with_token(&token, data),
        Err(fail) => fail.into_response(),
    }
}

/// The caller's token: the `x-access-token` header, or a bearer token.
fn token(headers: &HeaderMap) -> Option<&str> {
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    text(assumed::TOKEN_HEADER)
        .or_else(|| text(header::AUTHORIZATION.as_str())?.strip_prefix("Bearer "))
        .map(str::trim)
}

/// Runs a call for the signed-in user: the token is checked before the body.
fn signed_in(
    shared: &Shared,
    headers: &HeaderMap,
    bytes: &[u8],
    call: impl FnOnce(&mut World, &Catalogue, &str, &Body, i64) -> Result<Value, Fail>,
) -> Response {
    answer(shared.with_world(|world, catalogue, now| {
        let email = world.authenticate(token(headers), now)?;
        let body = Body::parse(bytes)?;
        call(world, catalogue, &email, &body, now)
    }))
}

/// Runs a call that needs no token.
fn open(
    shared: &Shared,
    bytes: &[u8],
    call: impl FnOnce(&mut World, &Catalogue, &Body, i64) -> Result<Value, Fail>,
) -> Response {
    answer(
        shared
            .with_world(|world, catalogue, now| call(world, catalogue, &Body::parse(bytes)?, now)),
    )
}

async fn verification_code(State(shared): State<Arc<Shared>>, bytes: Bytes) -> Response {
    open(&shared, &bytes, |world, _, body, _| {
        world.verification_code(body)
    })
}

async fn register(State(shared): State<Arc<Shared>>, bytes: Bytes) -> Response {
    answer_with_token(shared.with_world(|world, _, now| world.register(&Body::parse(&bytes)?, now)))
}

async fn login(State(shared): State<Arc<Shared>>, bytes: Bytes) -> Response {
    answer_with_token(shared.with_world(|world, _, now| world.login(&Body::parse(&bytes)?, now)))
}

async fn password_reset(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    signed_in(&shared, &headers, &bytes, |world, _, email, body, _| {
        world.password_reset(email, body)
    })
}

/// The search `type`: 1 "coverage includes the country", 2 "covers only this country".
fn search_type(body: &Body) -> Result<i64, Fail> {
    match body.int("type") {
        Some(kind @ (1 | 2)) => Ok(kind),
        _ => Err(Fail::parameters("type must be 1 or 2")),
    }
}

async fn country_list(State(shared): State<Arc<Shared>>, bytes: Bytes) -> Response {
    open(&shared, &bytes, |world, catalogue, body, _| {
        body.partner(&world.config.partner_code)?;
        search_type(body)?;
        let countries = catalogue
            .countries()
            .iter()
            .map(|country| {
                json!({
                    "countryCode": country.mcc,
                    "isoCountryName": country.name,
                    "iso2": country.iso2,
                    "logo": format!("https://fms-sandbox.test/flag/{}.png", country.iso2),
                })
            })
            .collect();
        Ok(Value::Array(countries))
    })
}

async fn package_list(State(shared): State<Arc<Shared>>, bytes: Bytes) -> Response {
    open(&shared, &bytes, |world, catalogue, body, _| {
        body.partner(&world.config.partner_code)?;
        let only_this = search_type(body)? == 2;
        // countryCode wins over isoCountryName when both are sent.
        let mcc = match body.raw("countryCode") {
            None => None,
            Some(_) => Some(
                body.int("countryCode")
                    .and_then(|mcc| u16::try_from(mcc).ok())
                    .ok_or_else(|| Fail::parameters("countryCode must be an MCC"))?,
            ),
        };
        let name = body.text("isoCountryName");
        if mcc.is_none() && name.is_none() {
            return Err(Fail::parameters(
                "countryCode or isoCountryName is required",
            ));
        }
        let packages = catalogue
            .country(mcc, name.as_deref())
            .map(|country| catalogue.listed_under(country, only_this))
            .unwrap_or_default();
        Ok(Value::Array(packages.iter().map(|p| p.json()).collect()))
    })
}

async fn detail(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let id = query
        .get(assumed::DETAIL_ID_PARAM)
        .and_then(|id| id.trim().parse::<u64>().ok());
    answer(match id {
        None => Err(Fail::parameters("id must be a package id")),
        Some(id) => Ok(shared
            .catalogue
            .get(id)
            .map_or(Value::Null, |package| package.json())),
    })
}

async fn pre_order(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    signed_in(
        &shared,
        &headers,
        &bytes,
        |world, catalogue, email, body, now| world.pre_order(email, body, catalogue, now),
    )
}

async fn order_status(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    signed_in(&shared, &headers, &bytes, |world, _, _, body, _| {
        world.order_status(body, false)
    })
}

async fn order_status_and_email(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    signed_in(&shared, &headers, &bytes, |world, _, _, body, _| {
        world.order_status(body, true)
    })
}

async fn webhook(State(shared): State<Arc<Shared>>, bytes: Bytes) -> Response {
    open(&shared, &bytes, |world, _, body, now| {
        world.notify(body, now)
    })
}

async fn esim_detail(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    signed_in(&shared, &headers, &bytes, |world, catalogue, _, body, _| {
        world.esim_detail(body, catalogue)
    })
}
