//! Fresh figures when a traveller opens an eSIM (server only): if the stored usage is older than
//! the policy allows, ask the provider first, but never keep the page waiting long.

use crate::state::AppState;
use std::time::Duration;

/// How long a page waits for the provider before showing the stored figures.
const REFRESH_WAIT: Duration = Duration::from_secs(5);

/// Refreshes the eSIM if its figures are stale; returns a message to show when that failed.
pub async fn refresh_if_stale(
    state: &AppState,
    provider_id: &str,
    iccid: &str,
    synced_at: Option<i64>,
) -> Option<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let stale_ms = state.care.stale_after.as_millis() as i64;
    if synced_at.is_some_and(|at| now - at < stale_ms) {
        return None;
    }
    refresh_now(state, provider_id, iccid).await
}

/// Refreshes the eSIM from its provider now; returns a message to show when that failed.
pub async fn refresh_now(state: &AppState, provider_id: &str, iccid: &str) -> Option<String> {
    let provider = state.providers.get(provider_id)?;
    let refresh = store::esims::refresh(&state.db, provider.as_ref(), &state.care, iccid);
    match tokio::time::timeout(REFRESH_WAIT, refresh).await {
        Ok(Ok(store::esims::RefreshOutcome::ProviderFailed(error))) => {
            tracing::warn!(iccid, %error, "usage refresh failed on page open");
            Some(
                "We could not reach the network just now, so these figures may be out of date."
                    .into(),
            )
        }
        Ok(Ok(_)) => {
            // An alert email may have been queued.
            state.jobs.notify_one();
            None
        }
        Ok(Err(error)) => {
            tracing::error!(?error, iccid, "usage refresh failed");
            Some("These figures may be out of date.".into())
        }
        Err(_) => {
            Some("The network is slow to answer, so these figures may be out of date.".into())
        }
    }
}
