//! `sign_in_admin`: email and password in, the `tern_admin` cookie out. Without JavaScript the
//! browser then goes to `next` (an admin page), or back to the form with the error; the password
//! is never put in an address.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/sign_in_admin")]
pub async fn sign_in_admin(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, ServerFnError> {
    use crate::admin_auth::{session_cookie, set_cookie};
    use crate::links::query_value;
    use leptos::server_fn::ServerFn;
    use store::admin::SignInError;
    let next = domain::safe_admin_next(next.as_deref());
    let typed = email.trim().to_owned();
    let signed_in = async {
        let state = crate::state::app_state()?;
        match store::admin::sign_in(&state.db, &typed, &password, store::clock::now_millis()).await
        {
            Ok(session) => {
                tracing::info!(admin = %session.admin.id, "admin signed in");
                set_cookie(&session_cookie(&state, &session.secret));
                Ok(next.clone())
            }
            Err(SignInError::Unexpected(error)) => Err(crate::state::internal(error)),
            Err(expected) => {
                tracing::warn!(reason = %expected, "admin sign-in refused");
                Err(ServerFnError::new(expected.to_string()))
            }
        }
    }
    .await;
    crate::form_post::answer_plain_post(
        signed_in,
        SignInAdmin::PATH,
        &format!(
            "/admin/sign-in?email={}&next={}",
            query_value(&typed),
            query_value(&next)
        ),
        |next| next.clone(),
    )
}
