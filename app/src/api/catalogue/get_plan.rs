//! `get_plan`: one plan with its coverage and policies.

use domain::PlanDetail;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "catalogue/plan")]
pub async fn get_plan(id: String) -> Result<Option<PlanDetail>, ServerFnError> {
    use crate::state::{app_state, internal};
    let db = app_state()?.db;
    store::catalogue::plan_detail(&db, &id)
        .await
        .map_err(internal)
}
