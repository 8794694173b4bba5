//! `GET /v1/sim/{iccid}` (profile and install code) and `GET /v1/sim/{iccid}/subscriptions`
//! (every subscription on the SIM, with usage).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use serde_json::Value;

use super::extract::Call;
use crate::truphone::state::Shared;
use crate::truphone::wire::{self, ApiError};

#[tracing::instrument(skip_all)]
pub(crate) async fn sim(
    State(shared): State<Arc<Shared>>,
    _: Call,
    Path(iccid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, _| {
        world
            .fleet
            .sims
            .get(&iccid)
            .map(|sim| Json(wire::sim(sim)))
            .ok_or_else(|| ApiError::sim_not_found(&iccid))
    })
}

#[tracing::instrument(skip_all)]
pub(crate) async fn subscriptions(
    State(shared): State<Arc<Shared>>,
    _: Call,
    Path(iccid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, _| {
        if !world.fleet.sims.contains_key(&iccid) {
            return Err(ApiError::sim_not_found(&iccid));
        }
        let subs: Vec<Value> = world
            .fleet
            .subscriptions_of(&iccid)
            .map(wire::subscription)
            .collect();
        Ok(Json(Value::Array(subs)))
    })
}
