//! `get_sign_in_link`: what an emailed sign-in link would do (the address it signs in, partly
//! hidden), or `None` for an unknown, used or expired one. Reads only: the link stays usable.

use domain::my_esim::SignInLinkPreview;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/sign_in_link")]
pub async fn get_sign_in_link(token: String) -> Result<Option<SignInLinkPreview>, ServerFnError> {
    use crate::state::{app_state, internal};
    let state = app_state()?;
    let link = store::accounts::find_sign_in_link(&state.db, token.trim())
        .await
        .map_err(internal)?;
    Ok(link.map(|link| SignInLinkPreview {
        email_hint: store::accounts::email_hint(&link.email),
    }))
}
