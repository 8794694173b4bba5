//! `/webhooks/stripe`: signed payment events. Forged or malformed ones get 400 and change nothing;
//! a failure to apply one gets 500 so Stripe delivers it again.

use app::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use store::orders::EventOutcome;

#[tracing::instrument(skip_all)]
pub async fn stripe(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, &'static str) {
    let Some(signature) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return (StatusCode::BAD_REQUEST, "missing Stripe-Signature");
    };
    let event = match state.payments.verify_webhook(&body, signature) {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(%error, "rejected a payment webhook");
            return (StatusCode::BAD_REQUEST, "invalid signature or payload");
        }
    };
    match store::orders::handle_payment_event(&state.db, &event).await {
        Ok(outcome) => {
            tracing::info!(event = %event.id, kind = %event.event_type, ?outcome, "payment webhook");
            if outcome == EventOutcome::Applied {
                state.jobs.notify_one();
            }
            (StatusCode::OK, "ok")
        }
        Err(error) => {
            tracing::error!(?error, event = %event.id, "could not apply a payment webhook; it will be delivered again");
            (StatusCode::INTERNAL_SERVER_ERROR, "try again")
        }
    }
}
