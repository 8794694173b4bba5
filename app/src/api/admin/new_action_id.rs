//! `new_action_id`: a fresh random id for one confirmation form of an order action; the action
//! runs once per id however often the form is sent.

use leptos::prelude::*;

/// Support and owners only.
#[server(prefix = "/api", endpoint = "admin/new_action_id")]
pub async fn new_action_id() -> Result<String, ServerFnError> {
    crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    Ok(store::admin::order_actions::new_action_id())
}
