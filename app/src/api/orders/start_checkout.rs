//! `start_checkout`: creates the order and returns where to pay. The price comes from the database.
//! A signed-in traveller's order belongs to their account from the start.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "orders/start_checkout")]
pub async fn start_checkout(plan_id: String, email: String) -> Result<String, ServerFnError> {
    use crate::state::app_state;
    use store::orders::{CheckoutError, StartCheckout};
    let state = app_state()?;
    let account = crate::auth::current_account().await?;
    let input = StartCheckout {
        plan_id,
        email,
        public_url: state.public_url.clone(),
        account_id: account.map(|account| account.id),
        top_up: None,
    };
    match store::orders::start_checkout(&state.db, state.payments.as_ref(), &state.providers, input)
        .await
    {
        Ok(started) => Ok(started.payment_url),
        Err(CheckoutError::Unexpected(error)) => Err(crate::state::internal(error)),
        Err(expected) => Err(ServerFnError::new(expected.to_string())),
    }
}
