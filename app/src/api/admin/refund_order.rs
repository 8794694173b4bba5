//! `refund_order`: support or an owner refunds an order in full, once per confirmation: a paid
//! order not yet delivered fails and is refunded; a delivered one has its package terminated where
//! the provider allows it, then is refunded. Without JavaScript the browser comes back to the
//! order with the outcome, or to the confirmation with the error.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/refund_order")]
pub async fn refund_order(
    order_id: String,
    action_id: String,
    reason: String,
) -> Result<String, ServerFnError> {
    use leptos::server_fn::ServerFn;
    use store::admin::order_actions::{self, OrderAction};
    let refunded = async {
        let (admin, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
        let order = store::orders::load(&state.db, &order_id)
            .await
            .map_err(crate::state::internal)?;
        let provider = order
            .as_ref()
            .and_then(|order| state.providers.get(order.provider.as_str()))
            .map(|provider| provider.as_ref());
        let message =
            order_actions::refund(&state.db, &admin, provider, &order_id, &action_id, &reason)
                .await
                .map_err(super::order_action_error)?;
        state.jobs.notify_one();
        Ok(message)
    }
    .await;
    super::answer_order_action(refunded, RefundOrder::PATH, &order_id, OrderAction::Refund)
}
