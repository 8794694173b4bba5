//! `GET /auth/verify`: the emailed sign-in link. `POST /auth/sign-out`: ends the session.

use super::session;
use app::state::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct VerifyQuery {
    #[serde(default)]
    token: String,
}

#[tracing::instrument(skip_all)]
pub async fn verify(State(state): State<AppState>, Query(query): Query<VerifyQuery>) -> Response {
    match store::accounts::verify_sign_in(&state.db, query.token.trim()).await {
        Ok(Some(signed_in)) => {
            tracing::info!(account = %signed_in.account.id, "signed in");
            let mut response = Redirect::to(&signed_in.next_path).into_response();
            if let Ok(cookie) =
                HeaderValue::from_str(&session::set_cookie(&state, &signed_in.session_secret))
            {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Ok(None) => Redirect::to("/sign-in?expired=1").into_response(),
        Err(error) => {
            tracing::error!(?error, "sign-in failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Signing in is not possible right now. Please try the link again in a minute.",
            )
                .into_response()
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(secret) = session::secret(&headers) {
        if let Err(error) = store::accounts::sign_out(&state.db, &secret).await {
            tracing::error!(?error, "sign-out failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Signing out failed. Please try again.",
            )
                .into_response();
        }
    }
    let mut response = Redirect::to("/").into_response();
    let headers = response.headers_mut();
    if let Ok(cookie) = HeaderValue::from_str(&session::clear_cookie(&state)) {
        headers.insert(header::SET_COOKIE, cookie);
    }
    // The offline copies of eSIM pages hold QR codes: a shared phone must not keep them.
    headers.insert(
        "clear-site-data",
        HeaderValue::from_static("\"cache\", \"storage\""),
    );
    response
}
