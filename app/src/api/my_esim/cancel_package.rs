//! `cancel_package`: cancels an unused package and answers with what is refunded. Without
//! JavaScript the browser returns to the eSIM's packages with the outcome.

use domain::Money;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/cancel_package")]
pub async fn cancel_package(iccid: String, package_id: String) -> Result<Money, ServerFnError> {
    use super::owned::owned_esim;
    use crate::links::{esim_href, query_value};
    use crate::state::internal;
    use leptos::server_fn::ServerFn;
    use store::esims::CancelError;
    let cancelled = async {
        let state = crate::state::app_state()?;
        let account = crate::auth::require_account().await?;
        let esim = owned_esim(&state, &account.id, &iccid).await?;
        let provider = state.provider(&esim.provider)?;
        let outcome = store::esims::cancel_package(
            &state.db,
            provider,
            &state.care,
            &account.id,
            &iccid,
            &package_id,
        )
        .await;
        match outcome {
            Ok(cancelled) => {
                // The refund and its email are queued.
                state.jobs.notify_one();
                Ok(cancelled.refund)
            }
            Err(CancelError::Unexpected(error)) => Err(internal(error)),
            Err(CancelError::Provider(error)) => {
                tracing::warn!(%error, iccid = %iccid, package = %package_id, "package cancellation failed");
                Err(super::owned::provider_unavailable(
                    CancelError::Provider(error).to_string(),
                ))
            }
            Err(CancelError::RefundDeclined) => {
                // Support is told through a queued job.
                state.jobs.notify_one();
                Err(ServerFnError::new(CancelError::RefundDeclined.to_string()))
            }
            Err(expected) => Err(ServerFnError::new(expected.to_string())),
        }
    }
    .await;
    let page = esim_href(&iccid);
    let package = query_value(&package_id);
    crate::form_post::answer_plain_post(
        cancelled,
        CancelPackage::PATH,
        &format!("{page}?cancel={package}#package-{package}"),
        |_| format!("{page}?cancelled={package}#packages"),
    )
}
