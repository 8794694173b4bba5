//! `reset_admin_password`: an owner sets a new password for a staff account, typed or (left
//! empty) generated; the account's sessions end. Owner only, written to the audit log without
//! the password. Answers a generated password, never a typed one. After the form, the browser
//! comes back to `/admin/team`, and a generated password rides along in a short-lived cookie
//! that only that page reads, once (see `take_new_password`), so it never appears in an address.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/reset_admin_password")]
pub async fn reset_admin_password(
    admin_id: String,
    password: Option<String>,
) -> Result<Option<String>, ServerFnError> {
    use crate::admin_auth::{new_password_cookie, set_cookie};
    use leptos::server_fn::ServerFn;
    use store::admin::staff::{self, Actor, NewPassword};
    let reset = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        let new_password = NewPassword::typed_or_generated(password.as_deref());
        let generated =
            staff::reset_password(&state.db, Actor::Admin(&owner), &admin_id, new_password)
                .await
                .map_err(super::staff_error)?;
        tracing::info!(admin = %owner.id, subject = %admin_id, "admin password reset");
        if let Some(generated) = generated.as_deref() {
            if crate::form_post::is_plain_post() {
                set_cookie(&new_password_cookie(&state, generated));
            }
        }
        Ok(generated)
    }
    .await;
    super::answer_team_change(reset, ResetAdminPassword::PATH, "reset_password", &admin_id)
}
