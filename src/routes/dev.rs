//! Development helpers, mounted only while every service is a sandbox (every enabled provider,
//! Stripe, and email into the outbox):
//! `GET /dev/sandboxes` says where the sandboxes listen, so local tools and browser tests can
//! drive them (move a clock, use data), and `POST /dev/routing` sets a routing rule, so a test
//! can choose which provider serves a country (the admin panel does this in a real shop).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use store::routing::{Rule, Scope, Strategy};

/// Where each sandbox listens; `None` for a provider Tern does not sell from.
#[derive(Clone, Serialize)]
pub struct DevSandboxes {
    pub esimfx: Option<String>,
    pub esimgo: Option<String>,
    pub truphone: Option<String>,
    pub fms: Option<String>,
    pub stripe: Option<String>,
}

pub async fn sandboxes(Extension(sandboxes): Extension<DevSandboxes>) -> Json<DevSandboxes> {
    Json(sandboxes)
}

/// `{"country": "JP", "strategy": "fixed", "providers": ["truphone"]}`; no country sets the
/// default rule. `strategy: "cheapest"` needs no providers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRequest {
    country: Option<String>,
    strategy: String,
    #[serde(default)]
    providers: Vec<String>,
}

pub async fn set_routing(
    axum::extract::State(state): axum::extract::State<app::state::AppState>,
    Json(request): Json<RoutingRequest>,
) -> Response {
    let scope = match request.country {
        Some(code) => match domain::CountryCode::parse(&code) {
            Ok(code) => Scope::Country(code.as_str().to_owned()),
            Err(error) => return (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
        },
        None => Scope::Default,
    };
    if let Some(unknown) = request
        .providers
        .iter()
        .find(|p| !state.providers.contains_key(p.as_str()))
    {
        let message = format!("unknown provider {unknown}");
        return (StatusCode::BAD_REQUEST, message).into_response();
    }
    let strategy = match (request.strategy.as_str(), request.providers.as_slice()) {
        ("cheapest", []) => Strategy::Cheapest,
        ("fixed", [one]) => Strategy::Fixed(one.clone()),
        ("priority", [_, ..]) => Strategy::Priority(request.providers.clone()),
        _ => {
            let message =
                "strategy must be cheapest (no providers), fixed (one) or priority (one or more)";
            return (StatusCode::BAD_REQUEST, message).into_response();
        }
    };
    match store::routing::save_rule(&state.db, &Rule { scope, strategy }).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => {
            tracing::error!(?error, "could not save a routing rule");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
