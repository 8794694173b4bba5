//! Who is signed in, read from the session cookie on the current request (server only).

use crate::state::{app_state, internal};
use leptos::prelude::*;
use store::accounts::{session_account, session_from_cookies, Account};

/// The session secret in a request's cookies, if any.
pub fn session_secret(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(session_from_cookies)
        .map(str::to_owned)
}

/// The signed-in traveller, or `None` for a guest.
pub async fn current_account() -> Result<Option<Account>, ServerFnError> {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Ok(None);
    };
    let Some(secret) = session_secret(&parts.headers) else {
        return Ok(None);
    };
    let state = app_state()?;
    session_account(&state.db, &secret).await.map_err(internal)
}

/// The message every signed-in-only server function answers a guest with; pages show a sign-in link.
pub use crate::api::my_esim::SIGN_IN_REQUIRED;

/// The signed-in traveller, or an error asking to sign in (answered 401).
pub async fn require_account() -> Result<Account, ServerFnError> {
    current_account().await?.ok_or_else(|| {
        crate::form_post::set_error_status(http::StatusCode::UNAUTHORIZED);
        ServerFnError::new(SIGN_IN_REQUIRED)
    })
}
