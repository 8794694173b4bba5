//! `get_routing`: which provider serves what — every routing rule in words, the default, and each
//! provider's health and the offers it serves. Support and owners.

use domain::admin::routing::RoutingOverview;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/get_routing")]
pub async fn get_routing() -> Result<RoutingOverview, ServerFnError> {
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    store::admin::routing::overview(&state.db, &state.providers)
        .await
        .map_err(crate::state::internal)
}
