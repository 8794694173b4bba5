//! `set_admin_enabled`: an owner disables a staff account (it can no longer sign in and its
//! sessions end at once) or enables it again; the last active owner cannot be disabled. Owner
//! only, written to the audit log. The browser comes back to `/admin/team` with the outcome.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/set_admin_enabled")]
pub async fn set_admin_enabled(admin_id: String, enabled: bool) -> Result<(), ServerFnError> {
    use leptos::server_fn::ServerFn;
    use store::admin::staff::{self, Actor};
    let changed = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        let now = store::clock::now_millis();
        staff::set_enabled(&state.db, Actor::Admin(&owner), &admin_id, enabled, now)
            .await
            .map_err(super::staff_error)?;
        tracing::info!(admin = %owner.id, subject = %admin_id, enabled, "admin account changed");
        Ok(())
    }
    .await;
    let done = if enabled { "enabled" } else { "disabled" };
    super::answer_team_change(changed, SetAdminEnabled::PATH, done, &admin_id)
}
