//! `my_esims`: the signed-in traveller's eSIMs, newest first, with figures refreshed from the
//! provider when they are older than the care policy allows.

use domain::my_esim::EsimSummary;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/my_esims")]
pub async fn my_esims() -> Result<Vec<EsimSummary>, ServerFnError> {
    use crate::state::{app_state, internal};
    let state = app_state()?;
    let account = crate::auth::require_account().await?;
    let summaries = store::esims::list_for_account(&state.db, &account.id)
        .await
        .map_err(internal)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let stale_ms = state.care.stale_after.as_millis() as i64;
    // Ask the providers about every stale eSIM at once, so the page waits for the slowest only.
    let mut refreshes = tokio::task::JoinSet::new();
    for summary in &summaries {
        if summary.synced_at.is_some_and(|at| now - at < stale_ms) {
            continue;
        }
        let owned = store::esims::owned_esim(&state.db, &account.id, &summary.iccid)
            .await
            .map_err(internal)?;
        let Some(esim) = owned else { continue };
        let state = state.clone();
        refreshes.spawn(async move {
            crate::care::refresh_if_stale(&state, &esim.provider, &esim.iccid, esim.synced_at).await
        });
    }
    if refreshes.is_empty() {
        return Ok(summaries);
    }
    while refreshes.join_next().await.is_some() {}
    store::esims::list_for_account(&state.db, &account.id)
        .await
        .map_err(internal)
}
