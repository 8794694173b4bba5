//! `list_orders`: one page of orders found by order id, email or ICCID and filtered by status,
//! provider and creation dates, with the providers the filter offers.

use domain::admin::OrdersPage;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A page of orders and the choices of the provider filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderListView {
    pub page: OrdersPage,
    /// Every configured provider and every provider that served an order, sorted.
    pub providers: Vec<String>,
}

/// Support and owners may read orders. Dates are UTC days (`YYYY-MM-DD`), both included.
#[server(prefix = "/api", endpoint = "admin/list_orders")]
pub async fn list_orders(
    query: Option<String>,
    status: Option<String>,
    provider: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
) -> Result<OrderListView, ServerFnError> {
    use crate::state::internal;
    use store::admin::orders::{self, FilterForm, OrderFilter};
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    let filter = OrderFilter::parse(FilterForm {
        query: query.as_deref(),
        status: status.as_deref(),
        provider: provider.as_deref(),
        from: from.as_deref(),
        to: to.as_deref(),
    })
    .map_err(|error| ServerFnError::new(error.to_string()))?;
    let page = orders::search(&state.db, &filter, page.unwrap_or(1))
        .await
        .map_err(internal)?;
    let mut providers = orders::providers(&state.db).await.map_err(internal)?;
    providers.extend(state.providers.keys().map(|id| (*id).to_owned()));
    providers.sort();
    providers.dedup();
    Ok(OrderListView { page, providers })
}
