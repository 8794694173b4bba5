//! Setting the HTTP status of a server-rendered page (404 for unknown destinations and plans).

/// Marks the response being rendered as 404; does nothing in the browser.
pub fn set_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}
