//! `get_country_page`: plans for one destination country, sorted.

use domain::CountryPage;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "catalogue/country")]
pub async fn get_country_page(
    slug: String,
    sort: String,
) -> Result<Option<CountryPage>, ServerFnError> {
    use crate::state::{app_state, internal};
    let db = app_state()?.db;
    store::catalogue::country_page(&db, &slug, domain::PlanSort::from_query(Some(&sort)))
        .await
        .map_err(internal)
}
