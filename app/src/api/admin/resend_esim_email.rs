//! `resend_esim_email`: support or an owner sends a delivered eSIM's email (install QR included)
//! again through the mail queue, once per confirmation. Without JavaScript the browser comes back
//! to the order with the outcome, or to the confirmation with the error.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/resend_esim_email")]
pub async fn resend_esim_email(
    order_id: String,
    action_id: String,
) -> Result<String, ServerFnError> {
    use leptos::server_fn::ServerFn;
    use store::admin::order_actions::{self, OrderAction};
    let resent = async {
        let (admin, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
        let message = order_actions::resend_esim_email(
            &state.db,
            &admin,
            &state.public_url,
            &order_id,
            &action_id,
        )
        .await
        .map_err(super::order_action_error)?;
        state.jobs.notify_one();
        Ok(message)
    }
    .await;
    super::answer_order_action(
        resent,
        ResendEsimEmail::PATH,
        &order_id,
        OrderAction::ResendEsimEmail,
    )
}
