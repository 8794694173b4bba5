//! `POST /auth/verify`: the confirmation on the page an emailed sign-in link opens (`GET
//! /auth/verify`, a page of the app, uses nothing); only this post uses the link and opens a
//! session. `POST /auth/sign-out`: ends the session.

use super::session;
use app::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    token: String,
}

#[tracing::instrument(skip_all)]
pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ConfirmForm>,
) -> Response {
    if from_another_site(&headers, &state.public_url) {
        tracing::warn!("sign-in confirmation posted from another site refused");
        return (
            StatusCode::FORBIDDEN,
            Html(format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in refused · Tern</title>\
                 <link rel=\"stylesheet\" href=\"{}\"></head><body><main><h1>Sign-in refused</h1>\
                 <p>This sign-in was sent from another website, so it was not used. \
                 Open the link in your email again, or <a href=\"/sign-in\">ask for a new one</a>.</p></main></body></html>",
                app::assets::stylesheet_href()
            )),
        )
            .into_response();
    }
    match store::accounts::confirm_sign_in(&state.db, form.token.trim()).await {
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

/// Whether a browser posted the confirmation from a page of another site. That would be login
/// forgery: a page that submits its author's own link signs the visitor into the author's
/// account, where the visitor's next purchases would land. Browsers say where a post comes from
/// (`Sec-Fetch-Site`, or else `Origin`); a client that says neither carries no visitor's cookies.
fn from_another_site(headers: &HeaderMap, public_url: &str) -> bool {
    let value = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = value(HeaderName::from_static("sec-fetch-site")) {
        return site != "same-origin";
    }
    let Some(origin) = value(header::ORIGIN) else {
        return false;
    };
    let host = value(header::HOST).unwrap_or_default();
    let own = origin == public_url.trim_end_matches('/')
        || origin
            .split_once("://")
            .is_some_and(|(_, authority)| !host.is_empty() && authority == host);
    !own
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

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn only_posts_from_the_shop_itself_are_accepted() {
        let shop = "https://tern.example";
        let same = headers(&[("sec-fetch-site", "same-origin")]);
        assert!(!from_another_site(&same, shop));
        for site in ["cross-site", "same-site", "none"] {
            assert!(from_another_site(
                &headers(&[("sec-fetch-site", site)]),
                shop
            ));
        }
        let ours = headers(&[("origin", "https://tern.example")]);
        assert!(!from_another_site(&ours, shop));
        let by_host = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!from_another_site(&by_host, shop));
        let theirs = headers(&[("origin", "https://evil.example"), ("host", "tern.example")]);
        assert!(from_another_site(&theirs, shop));
        assert!(from_another_site(&headers(&[("origin", "null")]), shop));
        assert!(!from_another_site(&HeaderMap::new(), shop), "not a browser");
    }
}
