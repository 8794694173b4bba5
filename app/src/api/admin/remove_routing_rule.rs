//! `remove_routing_rule`: an owner removes a routing rule, so a more general one applies (written
//! to the audit log; plans are relisted at once). Owner only. Without JavaScript the browser
//! comes back to `/admin/routing` with the outcome or the error.

use leptos::prelude::*;

/// `scope` is "default", "country" or "offer"; `value` the country code or offer key. Answers the
/// removed rule in words.
#[server(prefix = "/api", endpoint = "admin/remove_routing_rule")]
pub async fn remove_routing_rule(
    scope: String,
    value: Option<String>,
) -> Result<String, ServerFnError> {
    use crate::links::query_value;
    use leptos::server_fn::ServerFn;
    use store::admin::routing::RoutingError;
    let removed = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        let value = value.unwrap_or_default();
        match store::admin::routing::remove(&state.db, &owner, &scope, &value).await {
            Ok(words) => Ok(words),
            Err(RoutingError::Unexpected(error)) => Err(crate::state::internal(error)),
            Err(expected) => Err(ServerFnError::new(expected.to_string())),
        }
    }
    .await;
    crate::form_post::answer_plain_post(
        removed,
        RemoveRoutingRule::PATH,
        "/admin/routing",
        |words| format!("/admin/routing?removed={}", query_value(words)),
    )
}
