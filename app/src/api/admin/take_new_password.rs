//! `take_new_password`: the password `reset_admin_password` just generated, read from its
//! short-lived cookie and removed at once, so the team page shows it a single time. Owner only.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/take_new_password")]
pub async fn take_new_password() -> Result<Option<String>, ServerFnError> {
    use crate::admin_auth::{clear_new_password_cookie, new_password_from, set_cookie};
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
    let password =
        use_context::<http::request::Parts>().and_then(|parts| new_password_from(&parts.headers));
    if password.is_some() {
        set_cookie(&clear_new_password_cookie(&state));
    }
    Ok(password)
}
