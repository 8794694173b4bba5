//! `get_region_page`: plans for one region and the countries they cover.

use domain::RegionDetail;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "catalogue/region")]
pub async fn get_region_page(
    slug: String,
    sort: String,
) -> Result<Option<RegionDetail>, ServerFnError> {
    use crate::state::{app_state, internal};
    let db = app_state()?.db;
    store::catalogue::region_page(&db, &slug, domain::PlanSort::from_query(Some(&sort)))
        .await
        .map_err(internal)
}
