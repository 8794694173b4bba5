//! `retry_order`: support or an owner runs a paid order's fulfilment again now (its job waiting
//! for a backoff, or given up), once per confirmation. Without JavaScript the browser comes back to
//! the order with the outcome, or to the confirmation with the error.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/retry_order")]
pub async fn retry_order(order_id: String, action_id: String) -> Result<String, ServerFnError> {
    use leptos::server_fn::ServerFn;
    use store::admin::order_actions::{self, OrderAction};
    let retried = async {
        let (admin, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
        let message = order_actions::retry_fulfilment(&state.db, &admin, &order_id, &action_id)
            .await
            .map_err(super::order_action_error)?;
        state.jobs.notify_one();
        Ok(message)
    }
    .await;
    super::answer_order_action(
        retried,
        RetryOrder::PATH,
        &order_id,
        OrderAction::RetryFulfilment,
    )
}
