//! The unauthenticated control API under `/_sandbox/stripe/` that tests use to pay, expire,
//! inspect events and resend webhooks without a browser. Failures use Stripe's error JSON.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::cards::{self, CardInput};
use super::payment::{Attempt, RefundRequest};
use super::state::{Shared, World};
use super::time;
use super::webhooks::ResendError;
use super::wire::{self, ApiError};

/// Every control route.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_sandbox/stripe/expire/{session_id}", post(expire))
        .route("/_sandbox/stripe/sessions/{id}", get(session))
        .route("/_sandbox/stripe/sessions/{id}/pay", post(pay))
        .route(
            "/_sandbox/stripe/sessions/{id}/authenticate",
            post(authenticate),
        )
        .route("/_sandbox/stripe/sessions/{id}/pay_later", post(pay_later))
        .route("/_sandbox/stripe/sessions/{id}/settle", post(settle))
        .route(
            "/_sandbox/stripe/payment_intents/{id}/refund",
            post(dashboard_refund),
        )
        .route("/_sandbox/stripe/events", get(events))
        .route("/_sandbox/stripe/events/{id}/resend", post(resend))
        .route("/_sandbox/stripe/stats", get(stats))
        .with_state(shared)
}

/// A JSON body; empty means `{}`.
fn body<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, ApiError> {
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| ApiError::invalid(format!("malformed JSON body: {e}")))
}

/// The session after a control action, with the PaymentIntent expanded.
fn session_json(shared: &Shared, world: &World, id: &str) -> Value {
    let session = &world.sessions[id];
    let intent = session
        .payment_intent
        .as_ref()
        .and_then(|pi| world.intents.get(pi))
        .map(wire::payment_intent);
    wire::session(session, &shared.hosted_base(), intent)
}

/// `{outcome, session, …}` for a payment step.
fn attempt_json(shared: &Shared, world: &World, id: &str, attempt: Attempt) -> Json<Value> {
    let mut answer = match attempt {
        Attempt::Paid { redirect } => json!({ "outcome": "paid", "redirect_url": redirect }),
        Attempt::Declined { message } => json!({ "outcome": "declined", "message": message }),
        Attempt::NeedsAuthentication => json!({
            "outcome": "requires_action",
            "authenticate_url": format!("{}/checkout/{id}/authenticate", shared.hosted_base()),
        }),
        Attempt::Pending => json!({ "outcome": "pending" }),
    };
    answer["session"] = session_json(shared, world, id);
    Json(answer)
}

/// `POST /_sandbox/stripe/expire/{session_id}`: as if the session ran out of time.
#[tracing::instrument(skip_all)]
async fn expire(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, now| {
        world
            .expire(&id, now)
            .map_err(|refusal| refusal.into_api_error(&id))?;
        Ok(Json(session_json(&shared, world, &id)))
    })
}

/// `GET /_sandbox/stripe/sessions/{id}`: the session with its PaymentIntent expanded.
#[tracing::instrument(skip_all)]
async fn session(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, _| {
        if !world.sessions.contains_key(&id) {
            return Err(ApiError::missing("checkout.session", &id, "session"));
        }
        Ok(Json(session_json(&shared, world, &id)))
    })
}

/// The card for `pay`; only the number is required.
#[derive(Debug, Deserialize)]
struct PayRequest {
    card: String,
    /// `MM/YY`; defaults to December two years ahead.
    expiry: Option<String>,
    cvc: Option<String>,
    name: Option<String>,
}

/// `POST /_sandbox/stripe/sessions/{id}/pay {"card": "4242424242424242", …}`: the same
/// validation and outcomes as the hosted form.
#[tracing::instrument(skip_all)]
async fn pay(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: PayRequest = body(&bytes)?;
    shared.with_world(|world, now| {
        let today = time::year_month(now);
        let input = CardInput {
            card_number: request.card,
            expiry: request
                .expiry
                .unwrap_or_else(|| format!("12/{:02}", (today.0 + 2) % 100)),
            cvc: request.cvc.unwrap_or_else(|| "123".to_owned()),
            name: request.name.unwrap_or_else(|| "Sandbox Buyer".to_owned()),
        };
        let card = cards::validate(&input, today).map_err(|errors| {
            ApiError::invalid(format!(
                "The card details are invalid: {}",
                errors.summary()
            ))
            .status(StatusCode::UNPROCESSABLE_ENTITY)
        })?;
        let attempt = world
            .pay(&id, &card, now)
            .map_err(|refusal| refusal.into_api_error(&id))?;
        Ok(attempt_json(&shared, world, &id, attempt))
    })
}

/// How the 3-D Secure step ends.
#[derive(Debug, Deserialize)]
struct AuthenticateRequest {
    #[serde(default = "yes")]
    complete: bool,
}

fn yes() -> bool {
    true
}

/// `POST /_sandbox/stripe/sessions/{id}/authenticate {"complete": true|false}`.
#[tracing::instrument(skip_all)]
async fn authenticate(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: AuthenticateRequest = body(&bytes)?;
    shared.with_world(|world, now| {
        let attempt = world
            .authenticate(&id, request.complete, now)
            .map_err(|refusal| refusal.into_api_error(&id))?;
        Ok(attempt_json(&shared, world, &id, attempt))
    })
}

/// `POST /_sandbox/stripe/sessions/{id}/pay_later`: a delayed method (like a bank debit);
/// the session completes unpaid and `checkout.session.completed` is raised.
#[tracing::instrument(skip_all)]
async fn pay_later(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, now| {
        let attempt = world
            .pay_later(&id, "Sandbox Buyer", now)
            .map_err(|refusal| refusal.into_api_error(&id))?;
        Ok(attempt_json(&shared, world, &id, attempt))
    })
}

/// Whether the delayed payment arrives.
#[derive(Debug, Deserialize)]
struct SettleRequest {
    #[serde(default = "yes")]
    succeed: bool,
}

/// `POST /_sandbox/stripe/sessions/{id}/settle {"succeed": true|false}`: raises
/// `checkout.session.async_payment_succeeded` or `…_failed`.
#[tracing::instrument(skip_all)]
async fn settle(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: SettleRequest = body(&bytes)?;
    shared.with_world(|world, now| {
        let attempt = world
            .settle(&id, request.succeed, now)
            .map_err(|refusal| refusal.into_api_error(&id))?;
        Ok(attempt_json(&shared, world, &id, attempt))
    })
}

/// `POST /_sandbox/stripe/payment_intents/{id}/refund`: refunds the whole payment as someone
/// in the Stripe dashboard would, raising `charge.refunded`; answers the refund's id.
#[tracing::instrument(skip_all)]
async fn dashboard_refund(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, now| {
        let request = RefundRequest {
            payment_intent: Some(id),
            ..RefundRequest::default()
        };
        let refund = world.refund(request, now)?;
        Ok(Json(json!({ "refund": refund })))
    })
}

/// `GET /_sandbox/stripe/events`: every event raised, oldest first, with delivery status.
#[tracing::instrument(skip_all)]
async fn events(State(shared): State<Arc<Shared>>) -> Json<Value> {
    // Apply due expiries first, so their events are listed.
    shared.with_world(|_, _| ());
    Json(json!({ "object": "list", "data": shared.webhooks.log_json() }))
}

/// `POST /_sandbox/stripe/events/{id}/resend`: delivers the same event (same id) again.
#[tracing::instrument(skip_all)]
async fn resend(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    match shared.webhooks.resend(&id) {
        Ok(()) => Ok(Json(json!({ "id": id, "queued": true }))),
        Err(ResendError::NotFound) => Err(ApiError::missing("event", &id, "id")),
        Err(ResendError::NoEndpoint) => Err(ApiError::invalid(
            "No webhook URL is set; configure webhook_url or call set_webhook_url first.",
        )),
    }
}

/// `GET /_sandbox/stripe/stats`.
#[tracing::instrument(skip_all)]
async fn stats(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.stats()))
}
