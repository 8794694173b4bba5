//! `get_order`: the order behind a secret link; on return from payment it also checks the payment directly.

use domain::OrderPage;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "orders/get")]
pub async fn get_order(
    order_id: String,
    token: String,
    returned_from_payment: bool,
) -> Result<Option<OrderPage>, ServerFnError> {
    use crate::state::{app_state, internal};
    use domain::OrderStatus;
    let state = app_state()?;
    let view = store::orders::order_view(&state.db, &order_id, &token)
        .await
        .map_err(internal)?;
    let Some(view) = view else { return Ok(None) };
    if !(returned_from_payment && view.status == OrderStatus::AwaitingPayment) {
        return Ok(Some(view));
    }
    // The webhook may not have arrived yet; fulfilment must not wait for it.
    match store::orders::confirm_checkout(&state.db, state.payments.as_ref(), &order_id).await {
        Ok(()) => state.jobs.notify_one(),
        Err(error) => {
            tracing::warn!(?error, order = %order_id, "could not verify the payment from the success page")
        }
    }
    store::orders::order_view(&state.db, &order_id, &token)
        .await
        .map_err(internal)
}
