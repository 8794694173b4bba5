//! `get_customer`: one customer in full — figures, every eSIM with its packages, every order.

use domain::admin::customers::CustomerDetail;
use leptos::prelude::*;

/// What an email address with neither an order nor an account answers.
pub const CUSTOMER_NOT_FOUND: &str = "No customer with that email.";

/// Whether the error says there is no such customer.
pub fn is_customer_not_found(error: &ServerFnError) -> bool {
    matches!(error, ServerFnError::ServerError(message) if message == CUSTOMER_NOT_FOUND)
}

/// Support and owners may read customers; an unknown email is an error, and the response 404.
#[server(prefix = "/api", endpoint = "admin/get_customer")]
pub async fn get_customer(email: String) -> Result<CustomerDetail, ServerFnError> {
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    store::admin::customers::detail(&state.db, &email)
        .await
        .map_err(crate::state::internal)?
        .ok_or_else(|| {
            crate::components::status::set_not_found();
            ServerFnError::new(CUSTOMER_NOT_FOUND)
        })
}
