//! `list_customers`: one page of customers found by part of their email, an ICCID or an order id.

use domain::admin::customers::CustomersPage;
use leptos::prelude::*;

/// Support and owners may read customers. A blank or missing query lists everyone.
#[server(prefix = "/api", endpoint = "admin/list_customers")]
pub async fn list_customers(
    query: Option<String>,
    page: Option<u32>,
) -> Result<CustomersPage, ServerFnError> {
    use store::admin::customers::{self, SearchError};
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    customers::search(
        &state.db,
        query.as_deref().unwrap_or_default(),
        page.unwrap_or(1),
    )
    .await
    .map_err(|error| match error {
        SearchError::Unexpected(error) => crate::state::internal(error),
        expected => ServerFnError::new(expected.to_string()),
    })
}
