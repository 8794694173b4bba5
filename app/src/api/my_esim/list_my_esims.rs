//! `my_esims`: the signed-in traveller's eSIMs, newest first, with figures refreshed from the
//! provider when they are older than the care policy allows.

use domain::my_esim::EsimSummary;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/my_esims")]
pub async fn my_esims() -> Result<Vec<EsimSummary>, ServerFnError> {
    use crate::state::{app_state, internal};
    let state = app_state()?;
    let account = crate::auth::require_account().await?;
    let stale = store::esims::stale_for_account(&state.db, &account.id, state.care.stale_after)
        .await
        .map_err(internal)?;
    // Ask the providers about every stale eSIM at once, so the page waits for the slowest only.
    let mut refreshes = tokio::task::JoinSet::new();
    for (iccid, provider) in stale {
        let state = state.clone();
        refreshes.spawn(async move { crate::care::refresh_now(&state, &provider, &iccid).await });
    }
    while refreshes.join_next().await.is_some() {}
    store::esims::list_for_account(&state.db, &account.id)
        .await
        .map_err(internal)
}
