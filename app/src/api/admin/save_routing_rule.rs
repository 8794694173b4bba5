//! `save_routing_rule`: an owner sets the rule for everything, a country or one offer (written to
//! the audit log; plans are relisted at once). Owner only. Without JavaScript the browser comes
//! back to `/admin/routing` with the rule saved, or with the error and what was typed.

use leptos::prelude::*;

/// Answers the rule in words ("Japan (JP): fixed to esimgo").
#[server(prefix = "/api", endpoint = "admin/save_routing_rule")]
pub async fn save_routing_rule(
    scope: String,
    country: Option<String>,
    offer: Option<String>,
    strategy: String,
    provider: Option<String>,
    providers: Option<String>,
) -> Result<String, ServerFnError> {
    use crate::links::query_value;
    use leptos::server_fn::ServerFn;
    use store::admin::routing::{RoutingError, RuleForm};
    let form = RuleForm {
        scope,
        country: country.unwrap_or_default(),
        offer: offer.unwrap_or_default(),
        strategy,
        provider: provider.unwrap_or_default(),
        providers: providers.unwrap_or_default(),
    };
    let saved = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        let configured: Vec<&str> = state.providers.keys().copied().collect();
        match store::admin::routing::save(&state.db, &owner, &configured, &form).await {
            Ok(words) => Ok(words),
            Err(RoutingError::Unexpected(error)) => Err(crate::state::internal(error)),
            Err(expected) => Err(ServerFnError::new(expected.to_string())),
        }
    }
    .await;
    let typed = [
        ("scope", &form.scope),
        ("country", &form.country),
        ("offer", &form.offer),
        ("strategy", &form.strategy),
        ("provider", &form.provider),
        ("providers", &form.providers),
    ]
    .iter()
    .map(|(key, value)| format!("{key}={}", query_value(value.trim())))
    .collect::<Vec<_>>()
    .join("&");
    crate::form_post::answer_plain_post(
        saved,
        SaveRoutingRule::PATH,
        &format!("/admin/routing?{typed}#set-rule"),
        |words| format!("/admin/routing?saved={}", query_value(words)),
    )
}
