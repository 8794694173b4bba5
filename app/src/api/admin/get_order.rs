//! `get_order`: one order as an operator sees it — facts, full timeline, jobs and emails.

use domain::admin::OrderDetail;
use leptos::prelude::*;

/// Support and owners may read orders; `None` for an unknown id.
#[server(prefix = "/api", endpoint = "admin/get_order")]
pub async fn get_order(order_id: String) -> Result<Option<OrderDetail>, ServerFnError> {
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    store::admin::orders::detail(&state.db, &order_id)
        .await
        .map_err(crate::state::internal)
}
