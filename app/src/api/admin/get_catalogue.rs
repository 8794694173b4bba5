//! `get_catalogue`: the countries the shop sells (or those matching a search by name or code),
//! and the featured destinations in order. Support and owners may look.

use domain::admin::catalogue::CatalogueOverview;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/get_catalogue")]
pub async fn get_catalogue(query: Option<String>) -> Result<CatalogueOverview, ServerFnError> {
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    let query = query.unwrap_or_default();
    if query.chars().count() > 100 {
        return Err(ServerFnError::new("Search for at most 100 characters."));
    }
    store::admin::catalogue::overview(&state.db, state.pricing, &query)
        .await
        .map_err(crate::state::internal)
}
