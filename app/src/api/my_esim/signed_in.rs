//! `signed_in`: who is signed in, for the header; `None` for a guest.

use domain::my_esim::Traveller;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/signed_in")]
pub async fn signed_in() -> Result<Option<Traveller>, ServerFnError> {
    let account = crate::auth::current_account().await?;
    Ok(account.map(|account| Traveller {
        email: account.email,
    }))
}
