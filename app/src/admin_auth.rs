//! Who is signed in to the admin panel, read from the `tern_admin` cookie (server only), and the
//! guard every admin server function starts with. A traveller's `tern_session` opens nothing here.

use crate::api::admin::{ADMIN_FORBIDDEN, ADMIN_SIGN_IN_REQUIRED};
use crate::form_post::set_error_status;
use crate::state::{app_state, internal, AppState};
use leptos::prelude::*;
use store::admin::{session_admin, session_from_cookies, Admin, AdminRole, ADMIN_COOKIE};

/// The admin session secret in a request's cookies, if any.
pub fn admin_secret(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(session_from_cookies)
        .map(str::to_owned)
}

/// The signed-in admin, or `None` (no cookie, an ended session, or a disabled account). Using the
/// session extends it.
pub async fn current_admin() -> Result<Option<Admin>, ServerFnError> {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Ok(None);
    };
    let Some(secret) = admin_secret(&parts.headers) else {
        return Ok(None);
    };
    let state = app_state()?;
    session_admin(&state.db, &secret, store::clock::now_millis())
        .await
        .map_err(internal)
}

/// The signed-in admin if their role is at least `min_role`: otherwise an error, and the
/// response marked 401 (not signed in) or 403 (signed in, role too low). Every admin server
/// function calls this first.
pub async fn require_admin(min_role: AdminRole) -> Result<(Admin, AppState), ServerFnError> {
    let state = app_state()?;
    let Some(admin) = current_admin().await? else {
        set_error_status(http::StatusCode::UNAUTHORIZED);
        return Err(ServerFnError::new(ADMIN_SIGN_IN_REQUIRED));
    };
    if !admin.role.allows(min_role) {
        tracing::warn!(admin = %admin.id, role = admin.role.as_str(), required = min_role.as_str(), "admin refused");
        set_error_status(http::StatusCode::FORBIDDEN);
        return Err(ServerFnError::new(ADMIN_FORBIDDEN));
    }
    Ok((admin, state))
}

/// `Set-Cookie` for a new admin session: HttpOnly, SameSite=Strict, Secure when served over HTTPS.
pub fn session_cookie(state: &AppState, secret: &str) -> String {
    format!(
        "{ADMIN_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        store::admin::SESSION_MAX_DAYS * 86_400,
        secure(state)
    )
}

/// `Set-Cookie` that removes the admin cookie.
pub fn clear_session_cookie(state: &AppState) -> String {
    format!(
        "{ADMIN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        secure(state)
    )
}

/// The cookie carrying a password `reset_admin_password` generated to the team page, which
/// shows it once and removes it: only that page is sent it, and only for five minutes.
const NEW_PASSWORD_COOKIE: &str = "tern_admin_new_password";

/// `Set-Cookie` handing a generated password to the team page.
pub fn new_password_cookie(state: &AppState, password: &str) -> String {
    format!(
        "{NEW_PASSWORD_COOKIE}={password}; Path=/admin/team; HttpOnly; SameSite=Strict; Max-Age=300{}",
        secure(state)
    )
}

/// `Set-Cookie` that removes the generated password once shown.
pub fn clear_new_password_cookie(state: &AppState) -> String {
    format!(
        "{NEW_PASSWORD_COOKIE}=; Path=/admin/team; HttpOnly; SameSite=Strict; Max-Age=0{}",
        secure(state)
    )
}

/// The generated password in a request's cookies, if any.
pub fn new_password_from(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == NEW_PASSWORD_COOKIE && !value.is_empty())
        .map(|(_, value)| value.trim().to_owned())
}

fn secure(state: &AppState) -> &'static str {
    if state.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

/// Adds a `Set-Cookie` header to the response being built.
pub fn set_cookie(cookie: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}
