//! The session cookie on plain (non-Leptos) routes.

pub use app::auth::session_secret as secret;
use app::state::AppState;
use axum::http::HeaderMap;
use store::accounts::{Account, SESSION_COOKIE, SESSION_DAYS};

/// The signed-in account; a broken database reads as signed out, and is logged.
pub async fn account(state: &AppState, headers: &HeaderMap) -> Option<Account> {
    let secret = secret(headers)?;
    match store::accounts::session_account(&state.db, &secret).await {
        Ok(account) => account,
        Err(error) => {
            tracing::error!(?error, "could not read the session");
            None
        }
    }
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure when the shop is served over HTTPS.
pub fn set_cookie(state: &AppState, secret: &str) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_DAYS * 86_400,
        secure(state)
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(state: &AppState) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure(state)
    )
}

fn secure(state: &AppState) -> &'static str {
    if state.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}
