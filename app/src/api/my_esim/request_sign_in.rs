//! `request_sign_in`: emails a one-time sign-in link that lands on `next`. Without JavaScript the
//! browser comes back to `/sign-in` with the outcome (or the error and what was typed).

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_esim/request_sign_in")]
pub async fn request_sign_in(email: String, next: Option<String>) -> Result<(), ServerFnError> {
    use crate::links::query_value;
    use crate::state::internal;
    use leptos::server_fn::ServerFn;
    use store::accounts::SignInError;
    let next = next.filter(|path| domain::LocalPath::parse(path).is_ok());
    let typed = email.trim();
    let requested = async {
        let state = crate::state::app_state()?;
        let outcome =
            store::accounts::request_sign_in(&state.db, typed, next.as_deref(), &state.public_url)
                .await;
        match outcome {
            Ok(()) => {
                state.jobs.notify_one();
                Ok(())
            }
            Err(SignInError::Unexpected(error)) => Err(internal(error)),
            Err(expected) => Err(ServerFnError::new(expected.to_string())),
        }
    }
    .await;
    let next_query = next
        .as_deref()
        .map(|path| format!("&next={}", query_value(path)))
        .unwrap_or_default();
    let email = query_value(typed);
    crate::form_post::answer_plain_post(
        requested,
        RequestSignIn::PATH,
        &format!("/sign-in?email={email}{next_query}"),
        |()| format!("/sign-in?sent={email}{next_query}"),
    )
}
