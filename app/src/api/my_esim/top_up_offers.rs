//! `top_up_offers`: the top-ups the eSIM's provider says fit it, priced from Tern's catalogue.

use domain::my_esim::TopUpPage;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/top_up_offers")]
pub async fn top_up_offers(iccid: String) -> Result<TopUpPage, ServerFnError> {
    use super::owned::owned_esim;
    let state = crate::state::app_state()?;
    let account = crate::auth::require_account().await?;
    let esim = owned_esim(&state, &account.id, &iccid).await?;
    let provider = state.provider(&esim.provider)?;
    store::esims::top_up_offers(&state.db, provider, &account.id, &iccid)
        .await
        .map_err(top_up_error)
}

/// A message safe to show for each way a top-up can fail; the rest is logged.
#[cfg(feature = "ssr")]
pub(super) fn top_up_error(error: store::esims::TopUpError) -> ServerFnError {
    use crate::state::internal;
    use store::esims::TopUpError;
    use store::orders::CheckoutError;
    match error {
        TopUpError::NotFound => super::owned::not_found(),
        TopUpError::Unexpected(error) | TopUpError::Checkout(CheckoutError::Unexpected(error)) => {
            internal(error)
        }
        TopUpError::Provider(ref provider) => {
            tracing::warn!(error = %provider, "top-up offers unavailable from the provider");
            super::owned::provider_unavailable(error.to_string())
        }
        expected => ServerFnError::new(expected.to_string()),
    }
}
