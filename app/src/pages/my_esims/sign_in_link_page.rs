//! `/auth/verify?token=…`: the page an emailed sign-in link opens (from the sign-in form, or a
//! low-data alert's one-click top-up). It says which address the link signs in and asks to
//! confirm; only the confirmation, a plain form post to `POST /auth/verify` (with or without
//! JavaScript), uses the link. Opening the page changes nothing, so a mail scanner that fetches
//! links leaves them working, and a link someone else sent signs nobody in by being opened.

use crate::api::my_esim::get_sign_in_link;
use crate::components::account::current_traveller;
use crate::components::load_error::LoadError;
use crate::components::secret_address::SecretAddress;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let link = Resource::new(token, get_sign_in_link);
    view! {
        <SecretAddress/>
        <Title text="Sign in · Tern"/>
        <Meta name="robots" content="noindex"/>
        <header class="page-header">
            <h1>"Sign in"</h1>
        </header>
        <Suspense fallback=|| view! { <p class="loading">"Checking your link…"</p> }>
            {move || Suspend::new(async move {
                match link.await {
                    Ok(Some(preview)) => {
                        let signed_in = current_traveller().await;
                        view! { <Confirm email_hint=preview.email_hint token=token() signed_in=signed_in.map(|t| t.email)/> }.into_any()
                    }
                    Ok(None) => view! {
                        <div class="notice notice-error" role="alert">
                            <p>"This sign-in link has expired or was already used."</p>
                            <p><a class="button" href="/sign-in">"Email me a new link"</a></p>
                        </div>
                    }
                    .into_any(),
                    Err(_) => view! { <LoadError/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The question and the one button that signs in.
#[component]
fn Confirm(email_hint: String, token: String, signed_in: Option<String>) -> impl IntoView {
    view! {
        <div class="form-card">
            <form method="post" action="/auth/verify">
                <p class="lede">"Sign in as " <strong data-testid="sign-in-as">{email_hint}</strong> "?"</p>
                {signed_in.map(|email| view! {
                    <p class="muted">{format!("You are signed in as {email} now; this link signs you in with its own address instead.")}</p>
                })}
                <input type="hidden" name="token" value=token/>
                <button type="submit">"Yes, sign me in"</button>
            </form>
            <p class="muted">"Did not ask to sign in? Close this page: nothing happens until you press the button."</p>
        </div>
    }
}
