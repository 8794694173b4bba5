//! `my_esim`: one of the traveller's eSIMs with install details and every package, refreshed from
//! the provider first when the figures are stale.

use domain::my_esim::EsimDetail;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/my_esim")]
pub async fn my_esim(iccid: String) -> Result<EsimDetail, ServerFnError> {
    use super::owned::{detail, owned_esim};
    let state = crate::state::app_state()?;
    let account = crate::auth::require_account().await?;
    let esim = owned_esim(&state, &account.id, &iccid).await?;
    let refresh_error =
        crate::care::refresh_if_stale(&state, &esim.provider, &esim.iccid, esim.synced_at).await;
    detail(&state, &account.id, &esim, refresh_error).await
}
