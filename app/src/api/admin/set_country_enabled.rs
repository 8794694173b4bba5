//! `set_country_enabled`: an owner takes a country off sale (its page, search entry and
//! single-country plans) or puts it back. Without JavaScript the browser comes back to the
//! country's catalogue page with the outcome.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/set_country_enabled")]
pub async fn set_country_enabled(code: String, enabled: bool) -> Result<(), ServerFnError> {
    use leptos::server_fn::ServerFn;
    let changed = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        store::admin::catalogue::set_country_enabled(&state.db, &owner, &code, enabled)
            .await
            .map_err(super::catalogue_error)
    }
    .await;
    let page = crate::links::admin_catalogue_country_href(&code);
    let done = if enabled { "enabled" } else { "disabled" };
    crate::form_post::answer_plain_post(changed, SetCountryEnabled::PATH, &page, |_| {
        format!("{page}?done={done}")
    })
}
