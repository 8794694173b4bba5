//! `/webhooks/esimfx`: usage, activation and expiry events. A missing or wrong `token` header gets
//! 401 and stores nothing; a malformed body 400; a repeat delivery changes nothing; a failure to
//! apply one gets 500 so eSIMfx delivers it again.

use app::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Extension;
use providers::esimfx::webhook::{self, WebhookEvent};
use std::sync::Arc;
use store::esims::{EventOutcome, UsageEvent, UsageEventKind};
use tokio::sync::Notify;

/// What the provider webhook routes need beyond the app state.
#[derive(Clone)]
pub struct ProviderWebhooks {
    /// The Secret Key eSIMfx sends as `token`; `None` refuses every delivery.
    pub esimfx_token: Option<String>,
    /// Wakes the usage refresher after an event.
    pub usage_wake: Arc<Notify>,
}

#[tracing::instrument(skip_all)]
pub async fn esimfx(
    State(state): State<AppState>,
    Extension(hooks): Extension<ProviderWebhooks>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let presented = headers.get("token").and_then(|v| v.to_str().ok());
    let authentic = hooks
        .esimfx_token
        .as_deref()
        .is_some_and(|expected| webhook::token_matches(expected, presented));
    if !authentic {
        tracing::warn!("rejected an eSIMfx webhook with a missing or wrong token");
        return (StatusCode::UNAUTHORIZED, "invalid token");
    }
    let parsed = match webhook::parse(&body) {
        Ok(parsed) => parsed,
        Err(reason) => {
            tracing::warn!(reason, "rejected a malformed eSIMfx webhook");
            return (StatusCode::BAD_REQUEST, "malformed event");
        }
    };
    let event = UsageEvent {
        provider: providers::esimfx::PROVIDER_ID.as_str().to_owned(),
        dedupe_key: parsed.dedupe_key.clone(),
        kind: match parsed.event {
            WebhookEvent::Activation => UsageEventKind::Activation,
            WebhookEvent::Expiration => UsageEventKind::Expiration,
            WebhookEvent::DataUsage => UsageEventKind::DataUsage,
            WebhookEvent::Other(_) => UsageEventKind::Other,
        },
        name: parsed.event.as_str().to_owned(),
        iccid: parsed.iccid.as_ref().map(|i| i.as_str().to_owned()),
        package_id: parsed.order_id.clone(),
        threshold: parsed.threshold,
        used_bytes: parsed.used_bytes,
        limit_bytes: parsed.limit_bytes,
    };
    match store::esims::handle_usage_event(&state.db, &state.care, &event).await {
        Ok(outcome) => {
            tracing::info!(event = %event.dedupe_key, kind = %event.name, ?outcome, "eSIMfx webhook");
            if matches!(outcome, EventOutcome::Applied { .. }) {
                hooks.usage_wake.notify_one();
                state.jobs.notify_one();
            }
            (StatusCode::OK, "ok")
        }
        Err(error) => {
            tracing::error!(
                ?error,
                "could not apply an eSIMfx webhook; it will be delivered again"
            );
            (StatusCode::INTERNAL_SERVER_ERROR, "try again")
        }
    }
}
