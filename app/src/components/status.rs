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
