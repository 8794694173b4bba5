//! `POST /v1/refunds` (by `payment_intent` or `charge`) and `GET /v1/refunds/{id}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::Value;

use crate::stripe::form::Form;
use crate::stripe::payment::RefundRequest;
use crate::stripe::state::Shared;
use crate::stripe::wire::{self, ApiError};

const KNOWN: &[&str] = &[
    "amount",
    "charge",
    "currency",
    "customer",
    "expand",
    "instructions_email",
    "metadata",
    "origin",
    "payment_intent",
    "reason",
    "refund_application_fee",
    "reverse_transfer",
];

fn parse(form: &Form) -> Result<RefundRequest, ApiError> {
    form.only(KNOWN)?;
    let root = form.root();
    let reason = root.string("reason")?.map(str::to_owned);
    if let Some(reason) = &reason {
        if !matches!(
            reason.as_str(),
            "duplicate" | "fraudulent" | "requested_by_customer"
        ) {
            return Err(ApiError::invalid(
                "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
            )
            .param("reason"));
        }
    }
    Ok(RefundRequest {
        payment_intent: root.string("payment_intent")?.map(str::to_owned),
        charge: root.string("charge")?.map(str::to_owned),
        amount: root.integer("amount")?,
        currency: root.string("currency")?.map(str::to_owned),
        reason,
        metadata: root.strings("metadata")?,
    })
}

/// `POST /v1/refunds`: settles at once and raises `charge.refunded`.
#[tracing::instrument(skip_all)]
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request = parse(&Form::parse(&body)?)?;
    shared.with_world(|world, now| {
        let id = world.refund(request, now)?;
        Ok(Json(wire::refund(&world.refunds[&id])))
    })
}

/// `GET /v1/refunds/{id}`.
#[tracing::instrument(skip(shared))]
pub(crate) async fn retrieve(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.with_world(|world, _| {
        world
            .refunds
            .get(&id)
            .map(|refund| Json(wire::refund(refund)))
            .ok_or_else(|| ApiError::missing("refund", &id, "id"))
    })
}
