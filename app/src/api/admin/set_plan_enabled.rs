//! `set_plan_enabled`: an owner takes one provider's plan off sale or puts it back; another
//! provider's plan may then serve its offer. Without JavaScript the browser comes back to the
//! country's catalogue page with the outcome.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/set_plan_enabled")]
pub async fn set_plan_enabled(
    plan_id: String,
    country: String,
    enabled: bool,
) -> Result<(), ServerFnError> {
    use leptos::server_fn::ServerFn;
    let changed = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        store::admin::catalogue::set_plan_enabled(&state.db, &owner, &plan_id, enabled)
            .await
            .map_err(super::catalogue_error)
    }
    .await;
    let page = crate::links::admin_catalogue_country_href(&country);
    let done = if enabled {
        "plan-enabled"
    } else {
        "plan-disabled"
    };
    crate::form_post::answer_plain_post(changed, SetPlanEnabled::PATH, &page, |_| {
        format!("{page}?done={done}")
    })
}
