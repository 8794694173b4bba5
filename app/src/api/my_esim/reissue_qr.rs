//! `reissue_qr`: "Show my QR again": asks the provider for the eSIM now (including its install
//! QR) and answers with the fresh page. Without JavaScript the browser returns to the eSIM page.

use domain::my_esim::EsimDetail;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/reissue_qr")]
pub async fn reissue_qr(iccid: String) -> Result<EsimDetail, ServerFnError> {
    use super::owned::{detail, owned_esim};
    use leptos::server_fn::ServerFn;
    let reissued = async {
        let state = crate::state::app_state()?;
        let account = crate::auth::require_account().await?;
        let esim = owned_esim(&state, &account.id, &iccid).await?;
        let refresh_error = crate::care::refresh_now(&state, &esim.provider, &esim.iccid).await;
        detail(&state, &account.id, &esim, refresh_error).await
    }
    .await;
    let page = crate::links::esim_href(&iccid);
    crate::form_post::answer_plain_post(
        reissued,
        ReissueQr::PATH,
        &format!("{page}#install"),
        |fresh| {
            let outcome = if fresh.refresh_error.is_some() {
                "stale"
            } else {
                "1"
            };
            format!("{page}?reissued={outcome}#install")
        },
    )
}
