//! `get_prices`: every margin set, each provider's, and the editor for one scope (global when
//! none is named) with the plans whose price it decides. Support and owners may look.

use domain::admin::catalogue::PricesView;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/get_prices")]
pub async fn get_prices(
    scope: Option<String>,
    value: Option<String>,
) -> Result<PricesView, ServerFnError> {
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    let scope = super::margin_scope(scope.as_deref(), value.as_deref())?;
    let providers: Vec<&str> = state.providers.keys().copied().collect();
    store::admin::prices::view(&state.db, state.pricing, &providers, &scope)
        .await
        .map_err(super::prices_error)
}
