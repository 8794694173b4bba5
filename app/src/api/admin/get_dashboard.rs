//! `get_dashboard`: sales, orders by status, orders needing attention, provider health.

use domain::admin::Dashboard;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/get_dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, ServerFnError> {
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    store::admin::dashboard::load(&state.db, &state.providers, store::clock::now_millis())
        .await
        .map_err(crate::state::internal)
}
