//! `start_top_up`: opens a checkout for a top-up that fits the eSIM and answers with where to pay.
//! Without JavaScript the browser goes straight there (or back to the offers with the error).

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/start_top_up")]
pub async fn start_top_up(iccid: String, plan_id: String) -> Result<String, ServerFnError> {
    use super::owned::owned_esim;
    use super::top_up_offers::top_up_error;
    use leptos::server_fn::ServerFn;
    let started = async {
        let state = crate::state::app_state()?;
        let account = crate::auth::require_account().await?;
        let esim = owned_esim(&state, &account.id, &iccid).await?;
        let provider = state.provider(&esim.provider)?;
        let started = store::esims::start_top_up(
            &state.db,
            provider,
            state.payments.as_ref(),
            &state.providers,
            &account,
            store::esims::TopUpChoice {
                iccid: &iccid,
                plan_id: &plan_id,
                public_url: &state.public_url,
            },
        )
        .await
        .map_err(top_up_error)?;
        Ok(started.payment_url)
    }
    .await;
    let offers = format!("{}/top-up", crate::links::esim_href(&iccid));
    crate::form_post::answer_plain_post(started, StartTopUp::PATH, &offers, Clone::clone)
}
