//! The hosted checkout page a session's `url` points at: `GET`/`POST /checkout/{id}` for the
//! card form and `/checkout/{id}/authenticate` for the 3-D Secure step.

mod page;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::cards::{self, CardInput, FieldErrors};
use super::objects::{IntentStatus, SessionStatus};
use super::payment::{Attempt, Refusal};
use super::state::{Shared, World};
use super::time;

/// The hosted checkout routes.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/checkout/{id}", get(show).post(pay))
        .route(
            "/checkout/{id}/authenticate",
            get(show_authentication).post(authenticate),
        )
        .with_state(shared)
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location.to_owned())]).into_response()
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

/// The page for a session that cannot take a card (gone, paid, processing or expired).
fn closed_page(world: &World, id: &str) -> Response {
    let Some(session) = world.sessions.get(id) else {
        return html(StatusCode::NOT_FOUND, page::not_found());
    };
    let summary = page::Summary::of(session);
    let processing = session
        .payment_intent
        .as_ref()
        .and_then(|pi| world.intents.get(pi))
        .is_some_and(|pi| pi.status == IntentStatus::Processing);
    let body = match session.status {
        SessionStatus::Expired => page::expired(&summary),
        _ if processing => page::processing(&summary, &session.success_redirect()),
        _ => page::complete(&summary, &session.success_redirect()),
    };
    html(StatusCode::OK, body)
}

/// The card form again, with what the buyer typed and what went wrong.
fn form_page(
    world: &World,
    id: &str,
    status: StatusCode,
    input: &CardInput,
    errors: &FieldErrors,
    alert: Option<&str>,
) -> Response {
    match world.sessions.get(id) {
        Some(session) if session.status == SessionStatus::Open => html(
            status,
            page::form(&page::Summary::of(session), input, errors, alert),
        ),
        _ => closed_page(world, id),
    }
}

fn authenticate_url(shared: &Shared, id: &str) -> String {
    format!("{}/checkout/{id}/authenticate", shared.hosted_base())
}

/// `GET /checkout/{id}`.
#[tracing::instrument(skip(shared))]
async fn show(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    shared.with_world(|world, _| {
        if world.awaiting_authentication(&id) {
            return see_other(&authenticate_url(&shared, &id));
        }
        form_page(
            world,
            &id,
            StatusCode::OK,
            &CardInput::default(),
            &FieldErrors::default(),
            None,
        )
    })
}

/// `POST /checkout/{id}`: validate, then charge, decline or ask for authentication.
#[tracing::instrument(skip(shared, input))]
async fn pay(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Form(input): Form<CardInput>,
) -> Response {
    shared.with_world(|world, now| {
        let card = match cards::validate(&input, time::year_month(now)) {
            Ok(card) => card,
            Err(errors) => {
                return form_page(
                    world,
                    &id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &input,
                    &errors,
                    Some("Check the highlighted fields."),
                )
            }
        };
        match world.pay(&id, &card, now) {
            Ok(Attempt::Paid { redirect }) => see_other(&redirect),
            Ok(Attempt::NeedsAuthentication) => see_other(&authenticate_url(&shared, &id)),
            Ok(Attempt::Declined { message }) => form_page(
                world,
                &id,
                StatusCode::PAYMENT_REQUIRED,
                &input,
                &FieldErrors::default(),
                Some(&message),
            ),
            Ok(Attempt::Pending) | Err(_) => closed_page(world, &id),
        }
    })
}

/// `GET /checkout/{id}/authenticate`.
#[tracing::instrument(skip(shared))]
async fn show_authentication(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Response {
    shared.with_world(|world, _| {
        if !world.awaiting_authentication(&id) {
            return match world.sessions.get(&id) {
                Some(_) => see_other(&format!("{}/checkout/{id}", shared.hosted_base())),
                None => html(StatusCode::NOT_FOUND, page::not_found()),
            };
        }
        let summary = page::Summary::of(&world.sessions[&id]);
        html(StatusCode::OK, page::authenticate(&summary))
    })
}

/// The button pressed on the authentication page.
#[derive(Debug, Deserialize)]
struct Choice {
    action: String,
}

/// `POST /checkout/{id}/authenticate` with `action=complete` or `action=fail`.
#[tracing::instrument(skip(shared))]
async fn authenticate(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Form(choice): Form<Choice>,
) -> Response {
    shared.with_world(|world, now| {
        let complete = match choice.action.as_str() {
            "complete" => true,
            "fail" => false,
            _ => return see_other(&authenticate_url(&shared, &id)),
        };
        match world.authenticate(&id, complete, now) {
            Ok(Attempt::Paid { redirect }) => see_other(&redirect),
            Ok(Attempt::Declined { message }) => form_page(
                world,
                &id,
                StatusCode::PAYMENT_REQUIRED,
                &CardInput::default(),
                &FieldErrors::default(),
                Some(&message),
            ),
            Err(Refusal::NoAuthentication) => {
                see_other(&format!("{}/checkout/{id}", shared.hosted_base()))
            }
            Ok(_) | Err(_) => closed_page(world, &id),
        }
    })
}
