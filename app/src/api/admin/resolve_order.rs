//! `resolve_order`: support or an owner marks an order resolved with a note, once per
//! confirmation; it leaves the dashboard's list of orders needing attention. Without JavaScript
//! the browser comes back to the order with the outcome, or to the confirmation with the error.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/resolve_order")]
pub async fn resolve_order(
    order_id: String,
    action_id: String,
    note: String,
) -> Result<String, ServerFnError> {
    use leptos::server_fn::ServerFn;
    use store::admin::order_actions::{self, OrderAction};
    let resolved = async {
        let (admin, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
        order_actions::resolve(&state.db, &admin, &order_id, &action_id, &note)
            .await
            .map_err(super::order_action_error)
    }
    .await;
    super::answer_order_action(
        resolved,
        ResolveOrder::PATH,
        &order_id,
        OrderAction::Resolve,
    )
}
