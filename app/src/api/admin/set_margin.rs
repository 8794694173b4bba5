//! `set_margin`: an owner sets the margin of a scope (global, a provider, a country, a plan) from
//! a typed percentage; travellers' prices change at once. Answers how many prices changed.
//! Without JavaScript the browser comes back to the editor with the outcome, or with the error
//! and what was typed.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/set_margin")]
pub async fn set_margin(
    scope: String,
    value: Option<String>,
    margin: String,
) -> Result<usize, ServerFnError> {
    use crate::links::{admin_prices_href, query_value};
    use leptos::server_fn::ServerFn;
    let value = value.unwrap_or_default();
    let changed = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        let scope = super::margin_scope(Some(&scope), Some(&value))?;
        let providers: Vec<&str> = state.providers.keys().copied().collect();
        store::admin::prices::set(
            &state.db,
            state.pricing,
            &owner,
            &providers,
            &scope,
            &margin,
        )
        .await
        .map_err(super::prices_error)
    }
    .await;
    let editor = admin_prices_href(&scope, &value);
    crate::form_post::answer_plain_post(
        changed,
        SetMargin::PATH,
        &format!("{editor}&margin={}", query_value(margin.trim())),
        |changed| format!("{editor}&saved={changed}"),
    )
}
