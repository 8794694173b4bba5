//! `list_admins`: every staff account, for the team page.

use domain::admin::TeamMember;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/list_admins")]
pub async fn list_admins() -> Result<Vec<TeamMember>, ServerFnError> {
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    store::admin::list_admins(&state.db)
        .await
        .map_err(crate::state::internal)
}
