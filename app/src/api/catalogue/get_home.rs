//! `get_home`: popular destinations, regions and the search index for `/`.

use domain::{CountrySummary, DestinationIndexEntry, RegionSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the home page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub popular: Vec<CountrySummary>,
    pub regions: Vec<RegionSummary>,
    pub index: Vec<DestinationIndexEntry>,
}

#[server(prefix = "/api", endpoint = "catalogue/home")]
pub async fn get_home() -> Result<HomeData, ServerFnError> {
    use crate::state::{app_state, internal};
    let db = app_state()?.db;
    let popular = store::catalogue::popular_countries(&db, 12)
        .await
        .map_err(internal)?;
    let regions = store::catalogue::regions(&db).await.map_err(internal)?;
    let index = store::catalogue::destination_index(&db)
        .await
        .map_err(internal)?;
    Ok(HomeData {
        popular,
        regions,
        index,
    })
}
