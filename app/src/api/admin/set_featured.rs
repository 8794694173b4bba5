//! `set_featured`: an owner features a country on the home page at a position (1 = first), or
//! stops featuring it (an empty position). Without JavaScript the browser comes back to the
//! country's catalogue page with the outcome, or with the error.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/set_featured")]
pub async fn set_featured(code: String, position: String) -> Result<(), ServerFnError> {
    use leptos::server_fn::ServerFn;
    let changed = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        let position = match position.trim() {
            "" => None,
            text => Some(text.parse::<u32>().map_err(|_| {
                ServerFnError::new(store::admin::catalogue::CatalogueError::BadPosition.to_string())
            })?),
        };
        store::admin::catalogue::set_featured(&state.db, &owner, &code, position)
            .await
            .map_err(super::catalogue_error)
    }
    .await;
    let page = crate::links::admin_catalogue_country_href(&code);
    crate::form_post::answer_plain_post(changed, SetFeatured::PATH, &page, |_| {
        format!("{page}?done=featured")
    })
}
