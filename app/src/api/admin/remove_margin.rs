//! `remove_margin`: an owner removes the margin of a scope, so the next more general one
//! applies; travellers' prices change at once. Answers how many prices changed. Without
//! JavaScript the browser comes back to the editor with the outcome.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/remove_margin")]
pub async fn remove_margin(scope: String, value: Option<String>) -> Result<usize, ServerFnError> {
    use crate::links::admin_prices_href;
    use leptos::server_fn::ServerFn;
    let value = value.unwrap_or_default();
    let removed = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        let scope = super::margin_scope(Some(&scope), Some(&value))?;
        store::admin::prices::remove(&state.db, state.pricing, &owner, &scope)
            .await
            .map_err(super::prices_error)
    }
    .await;
    let editor = admin_prices_href(&scope, &value);
    crate::form_post::answer_plain_post(removed, RemoveMargin::PATH, &editor, |changed| {
        format!("{editor}&removed={changed}")
    })
}
