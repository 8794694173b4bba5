//! `/sign-in?next=…`: passwordless sign-in. The traveller types their email address and gets a
//! one-time link that signs them in and opens `next`. Without JavaScript the form posts to the
//! server function and the page comes back with the outcome, or with the error and what was typed.

use crate::api::my_esim::{error_message, request_sign_in, RequestSignIn};
use crate::components::account::current_traveller;
use crate::components::page_meta::{PageMeta, SiteInfoResource};
use domain::local_path::{LocalPath, TRAVELLER_HOME};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let read = move |key: &str| query.read_untracked().get(key).filter(|v| !v.is_empty());
    // Only a path on this site is followed or passed on; anything else is as if none was given.
    let next = read("next")
        .and_then(|next| LocalPath::parse(&next).ok())
        .map(LocalPath::into_string);
    // Set when the form was posted without JavaScript: the refusal, or else the address a link
    // went to.
    let error_in_address = ServerAction::<RequestSignIn>::new()
        .value()
        .get_untracked()
        .and_then(Result::err);
    let sent = read("sent").filter(|_| error_in_address.is_none());
    // Set by `/auth/verify` for a link that was unknown, used or too old.
    let expired = read("expired").is_some();
    let typed = read("email").or_else(|| sent.clone()).unwrap_or_default();
    let error = error_in_address.map(|error| error_message(&error));
    let site = use_context::<SiteInfoResource>();
    let home = next.clone().unwrap_or_else(|| TRAVELLER_HOME.to_owned());
    view! {
        <PageMeta
            title="Sign in · Tern".to_owned()
            description="Sign in with your email address to see your eSIMs, the data left on them, and to top them up. No password needed.".to_owned()
            path="/sign-in".to_owned()
        />
        <Meta name="robots" content="noindex"/>
        <header class="page-header">
            <h1>"Sign in"</h1>
            <p class="lede">"See your eSIMs and the data left on them, install them again, top them up. No password: we email you a link."</p>
        </header>
        {expired.then(|| view! {
            <p class="notice notice-error" role="alert">
                "That sign-in link has expired or was already used. Enter your email address to get a new one."
            </p>
        })}
        <Suspense>
            {move || {
                let home = home.clone();
                Suspend::new(async move {
                    current_traveller().await.map(|traveller| view! {
                        <p class="notice">
                            {format!("You are signed in as {}. ", traveller.email)}
                            <a href=home>"Go to My eSIMs"</a>
                        </p>
                    })
                })
            }}
        </Suspense>
        <Suspense>
            {move || {
                let (next, typed, sent, error) = (next.clone(), typed.clone(), sent.clone(), error.clone());
                Suspend::new(async move {
                    let outbox = match site {
                        Some(site) => site.await.is_ok_and(|info| info.outbox_mode),
                        None => false,
                    };
                    let next = next.unwrap_or_default();
                    view! { <SignInForm next typed sent error outbox/> }
                })
            }}
        </Suspense>
    }
}

/// The form and its outcome: an island, so the answer comes in place. `sent` and `error` are the
/// outcome of a post made without JavaScript; `outbox` says sign-in emails go to `/dev/outbox`.
/// It calls the server function itself rather than through `ActionForm`, which would bring the
/// decoding of forms into the WebAssembly.
#[island]
fn SignInForm(
    next: String,
    typed: String,
    sent: Option<String>,
    error: Option<String>,
    outbox: bool,
) -> impl IntoView {
    let email_input = NodeRef::<leptos::html::Input>::new();
    let (sent_to, set_sent_to) = signal(sent);
    let (error, set_error) = signal(error);
    let (pending, set_pending) = signal(false);
    let target = next.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Read the box itself: what was typed before the island woke is there, not in a signal.
        let email = email_input
            .get_untracked()
            .map(|input| input.value().trim().to_owned())
            .unwrap_or_default();
        let next = Some(target.clone()).filter(|next| !next.is_empty());
        set_pending.set(true);
        leptos::task::spawn_local(async move {
            match request_sign_in(email.clone(), next).await {
                Ok(()) => {
                    set_error.set(None);
                    set_sent_to.set(Some(email));
                }
                Err(failure) => {
                    set_sent_to.set(None);
                    set_error.set(Some(error_message(&failure)));
                }
            }
            set_pending.set(false);
        });
    };
    view! {
        {move || sent_to.get().map(|email| view! {
            <div class="notice notice-ok" role="status">
                <p>
                    <strong>"Check your inbox: "</strong>
                    "we sent a sign-in link to "
                    <strong>{email}</strong>
                    "."
                </p>
                <p class="muted">"The link works once, for a short while. Not there? Check your spam folder, or send another link below."</p>
                {outbox.then(|| view! {
                    <p class="muted">"(development: open " <a href="/dev/outbox">"/dev/outbox"</a> ")"</p>
                })}
            </div>
        })}
        <div class="form-card">
            <form method="post" action=RequestSignIn::PATH on:submit=on_submit>
                <input type="hidden" name="next" value=next/>
                <label for="sign-in-email">"Your email"</label>
                <input
                    node_ref=email_input
                    id="sign-in-email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    inputmode="email"
                    required
                    value=typed
                    aria-describedby="sign-in-hint"
                />
                <p id="sign-in-hint" class="muted">"Use the address you bought your eSIM with."</p>
                {move || error.get().map(|message| view! {
                    <p class="field-error" role="alert">{message}</p>
                })}
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Sending…" } else { "Email me a sign-in link" }}
                </button>
            </form>
        </div>
    }
}
