//! `rename_esim`: the traveller's own name for an eSIM; answers with the name as stored. Without
//! JavaScript the browser returns to the eSIM page.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/rename_esim")]
pub async fn rename_esim(iccid: String, label: String) -> Result<String, ServerFnError> {
    use crate::state::{app_state, internal};
    use leptos::server_fn::ServerFn;
    use store::esims::RenameError;
    let renamed = async {
        let state = app_state()?;
        let account = crate::auth::require_account().await?;
        match store::esims::rename(&state.db, &account.id, &iccid, &label).await {
            Ok(label) => Ok(label),
            Err(RenameError::NotFound) => Err(super::owned::not_found()),
            Err(RenameError::Unexpected(error)) => Err(internal(error)),
            Err(expected) => Err(ServerFnError::new(expected.to_string())),
        }
    }
    .await;
    let page = crate::links::esim_href(&iccid);
    crate::form_post::answer_plain_post(renamed, RenameEsim::PATH, &page, |_| page.clone())
}
