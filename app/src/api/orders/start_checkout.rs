//! `start_checkout`: creates the order and returns where to pay. The price comes from the database.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "orders/start_checkout")]
pub async fn start_checkout(plan_id: String, email: String) -> Result<String, ServerFnError> {
    use crate::state::app_state;
    use store::orders::{CheckoutError, StartCheckout};
    let state = app_state()?;
    let input = StartCheckout {
        plan_id,
        email,
        public_url: state.public_url.clone(),
    };
    match store::orders::start_checkout(&state.db, state.payments.as_ref(), input).await {
        Ok(started) => Ok(started.payment_url),
        Err(CheckoutError::Unexpected(error)) => Err(crate::state::internal(error)),
        Err(expected) => Err(ServerFnError::new(expected.to_string())),
    }
}
