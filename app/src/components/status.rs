//! Setting the HTTP status of a server-rendered page (404 for unknown destinations, plans and
//! eSIMs; 401 for a signed-in-only page opened by a guest). Only 200 pages are kept for offline use.

/// Marks the response being rendered as 404; does nothing in the browser.
pub fn set_not_found() {
    set_status(404);
}

/// Marks the response being rendered as 401 (a guest on a signed-in-only page); does nothing in
/// the browser.
pub fn set_unauthorized() {
    set_status(401);
}

/// Marks the response being rendered as 503 (its data could not be loaded); does nothing in the
/// browser.
pub fn set_unavailable() {
    set_status(503);
}

/// The header a real server failure is marked with while the response passes through the server,
/// so the HTTP layer can tell it from a request that was wrong (which it answers 400). The layer
/// removes it before the response leaves.
pub const INTERNAL_FAILURE_HEADER: &str = "x-tern-internal-failure";

/// Marks the response as a failure on the server's side (kept as 500).
pub fn mark_internal_failure() {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::HeaderName::from_static(INTERNAL_FAILURE_HEADER),
            http::HeaderValue::from_static("1"),
        );
    }
}

fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
