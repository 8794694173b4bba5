//! Plain HTML form posts to server functions (JavaScript off, or not loaded yet). Such a post
//! expects a page back, so after it Leptos sends the browser back to the form's page; these
//! helpers send it somewhere more useful instead, carrying the outcome in the address.

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;

/// Whether the current request is a form the browser itself posted to a server function.
pub fn is_plain_post() -> bool {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return false;
    };
    parts.method == http::Method::POST
        && parts.uri.path().starts_with("/api/")
        && parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// Marks a server function's failed answer with `status` (401, 403, 404, 503), except for a plain
/// form post, which is answered with a redirect.
pub fn set_error_status(status: http::StatusCode) {
    if is_plain_post() {
        return;
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

/// After a plain form post, shows `location` rather than the form's page again. With JavaScript
/// the answer is data and the page updates in place, so nothing changes.
fn redirect_plain_post(location: &str) {
    if is_plain_post() {
        leptos_axum::redirect(location);
    }
}

/// After a plain form post that failed, shows `location` with the error attached the way Leptos
/// attaches it to the form's page, so the page's `ServerAction` holds it as its value; the page
/// refills what was typed from `location`'s query.
fn redirect_plain_post_with_error(location: &str, server_fn_path: &str, error: &ServerFnError) {
    if !is_plain_post() {
        return;
    }
    // Any absolute base will do: only the path and query are kept.
    let Ok(url) = ServerFnUrlError::new(server_fn_path, error.clone())
        .to_url(&format!("http://tern.invalid{location}"))
    else {
        return;
    };
    let mut target = url.path().to_owned();
    if let Some(query) = url.query() {
        target = format!("{target}?{query}");
    }
    if let Some(fragment) = url.fragment() {
        target = format!("{target}#{fragment}");
    }
    leptos_axum::redirect(&target);
}

/// Answers a plain form post with a page: on success the browser goes to `done(&value)`, on
/// failure back to `back` with the error where the page's `ServerAction` finds it. The result is
/// returned unchanged for calls made with JavaScript.
pub fn answer_plain_post<T>(
    result: Result<T, ServerFnError>,
    server_fn_path: &str,
    back: &str,
    done: impl FnOnce(&T) -> String,
) -> Result<T, ServerFnError> {
    match &result {
        Ok(value) => redirect_plain_post(&done(value)),
        Err(error) => redirect_plain_post_with_error(back, server_fn_path, error),
    }
    result
}
