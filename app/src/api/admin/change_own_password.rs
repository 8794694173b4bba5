//! `change_own_password`: any admin changes their own password, giving the current one; their
//! other sessions end and this one stays. Written to the audit log. The browser comes back to
//! `/admin/team` with the outcome, or the error.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/change_own_password")]
pub async fn change_own_password(
    current_password: String,
    new_password: String,
) -> Result<(), ServerFnError> {
    use crate::admin_auth::admin_secret;
    use leptos::server_fn::ServerFn;
    let changed = async {
        let (admin, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
        let secret = use_context::<http::request::Parts>()
            .and_then(|parts| admin_secret(&parts.headers))
            .unwrap_or_default();
        store::admin::staff::change_own_password(
            &state.db,
            &admin,
            &secret,
            &current_password,
            &new_password,
            store::clock::now_millis(),
        )
        .await
        .map_err(super::staff_error)?;
        tracing::info!(admin = %admin.id, "admin changed their password");
        Ok(())
    }
    .await;
    super::answer_team_change(changed, ChangeOwnPassword::PATH, "changed_password", "")
}
