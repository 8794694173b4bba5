//! `GET /v1/payment_intents/{id}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use serde_json::Value;

use crate::stripe::state::Shared;
use crate::stripe::wire::{self, ApiError};

/// A PaymentIntent created by a checkout attempt.
#[tracing::instrument(skip(shared))]
pub(crate) async fn retrieve(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, _| {
        world
            .intents
            .get(&id)
            .map(|intent| Json(wire::payment_intent(intent)))
            .ok_or_else(|| ApiError::missing("payment_intent", &id, "intent"))
    })
}
