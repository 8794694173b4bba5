//! `revoke_admin_sessions`: an owner ends every session of a staff account, which must then sign
//! in again. Owner only, written to the audit log. Answers how many sessions ended; the browser
//! comes back to `/admin/team` with the outcome.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/revoke_admin_sessions")]
pub async fn revoke_admin_sessions(admin_id: String) -> Result<u64, ServerFnError> {
    use leptos::server_fn::ServerFn;
    use store::admin::staff::{self, Actor};
    let revoked = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        let ended = staff::revoke_sessions(&state.db, Actor::Admin(&owner), &admin_id)
            .await
            .map_err(super::staff_error)?;
        tracing::info!(admin = %owner.id, subject = %admin_id, ended, "admin sessions revoked");
        Ok(ended)
    }
    .await;
    super::answer_team_change(
        revoked,
        RevokeAdminSessions::PATH,
        "revoked_sessions",
        &admin_id,
    )
}
