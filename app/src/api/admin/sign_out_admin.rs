//! `sign_out_admin`: ends the admin session (written to the audit log) and removes the cookie.
//! Without JavaScript the browser then lands on the sign-in page.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/sign_out_admin")]
pub async fn sign_out_admin() -> Result<(), ServerFnError> {
    use crate::admin_auth::{admin_secret, clear_session_cookie, require_admin, set_cookie};
    use leptos::server_fn::ServerFn;
    let signed_out = async {
        let (admin, state) = require_admin(domain::admin::AdminRole::Support).await?;
        let secret = use_context::<http::request::Parts>()
            .and_then(|parts| admin_secret(&parts.headers))
            .unwrap_or_default();
        store::admin::sign_out(&state.db, &secret, store::clock::now_millis())
            .await
            .map_err(crate::state::internal)?;
        tracing::info!(admin = %admin.id, "admin signed out");
        set_cookie(&clear_session_cookie(&state));
        Ok(())
    }
    .await;
    crate::form_post::answer_plain_post(signed_out, SignOutAdmin::PATH, "/admin/sign-in", |()| {
        "/admin/sign-in?signed_out=1".to_owned()
    })
}
