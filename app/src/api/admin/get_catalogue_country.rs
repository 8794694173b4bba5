//! `get_catalogue_country`: one country with every plan sold for it alone, each provider's
//! wholesale price, margin and traveller price, and which one travellers see. `None` for an
//! unknown code.

use domain::admin::catalogue::CatalogueCountryDetail;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/get_catalogue_country")]
pub async fn get_catalogue_country(
    code: String,
) -> Result<Option<CatalogueCountryDetail>, ServerFnError> {
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    store::admin::catalogue::country_detail(&state.db, state.pricing, &code)
        .await
        .map_err(crate::state::internal)
}
