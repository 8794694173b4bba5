//! The buy form: an email and one button. Without JavaScript it posts to `/checkout`; with it, the
//! server function answers in place, so a mistake is shown without losing what was typed.

use crate::api::orders::start_checkout;
use domain::Money;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The message for an error code `/checkout` puts in the URL.
fn message_for(code: &str) -> &'static str {
    match code {
        "email" => "Please enter a valid email address: we send your eSIM there.",
        "unavailable" => "This plan is no longer available. Please choose another one.",
        "provider" => "We cannot reserve this eSIM right now, so nothing was charged. Please try again in a few minutes.",
        _ => "Payments are not reachable right now, so nothing was charged. Please try again in a few minutes.",
    }
}

/// The form with what the address says: the email typed before, the error of a post without
/// JavaScript, or that the traveller came back from a cancelled checkout.
#[component]
pub fn BuyForm(plan_id: String, price: Money) -> impl IntoView {
    let query = use_query_map();
    let email = query.read_untracked().get("email").unwrap_or_default();
    let error = query
        .read_untracked()
        .get("error")
        .map(|code| message_for(&code).to_owned());
    let cancelled = query.read_untracked().get("cancelled").is_some();
    view! {
        {cancelled.then(|| view! {
            <p class="notice" role="status">"Checkout cancelled. You were not charged."</p>
        })}
        <BuyFormIsland plan_id label=format!("Buy for {price}") email error/>
    }
}

/// The form itself: an island, so a mistake is answered in place.
#[island]
fn BuyFormIsland(
    plan_id: String,
    label: String,
    email: String,
    error: Option<String>,
) -> impl IntoView {
    let email_input = NodeRef::<leptos::html::Input>::new();
    let (error, set_error) = signal(error);
    let (pending, set_pending) = signal(false);
    let plan = plan_id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        set_pending.set(true);
        set_error.set(None);
        // Read the box itself: what was typed before the page hydrated is there, not in any signal.
        let email = email_input
            .get_untracked()
            .map(|input| input.value())
            .unwrap_or_default();
        let plan = plan.clone();
        leptos::task::spawn_local(async move {
            match start_checkout(plan, email).await {
                Ok(url) => {
                    #[cfg(feature = "hydrate")]
                    let _ = window().location().set_href(&url);
                    #[cfg(not(feature = "hydrate"))]
                    let _ = url;
                }
                Err(e) => {
                    let message = match e {
                        ServerFnError::ServerError(message) => message,
                        _ => "We couldn't reach the shop. Please check your connection and try again.".to_owned(),
                    };
                    set_error.set(Some(message));
                    set_pending.set(false);
                }
            }
        });
    };
    view! {
        <form id="buy" class="buy" method="post" action="/checkout" on:submit=on_submit>
            <input type="hidden" name="plan_id" value=plan_id/>
            <label for="email">"Your email"</label>
            <input
                node_ref=email_input
                id="email"
                name="email"
                type="email"
                autocomplete="email"
                inputmode="email"
                required
                value=email
                aria-describedby="email-hint"
            />
            <p id="email-hint" class="muted">"We send your eSIM's QR code and install guide here."</p>
            {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <button type="submit" class="buy-button" disabled=move || pending.get()>
                {move || if pending.get() { "Opening secure checkout…".to_owned() } else { label.clone() }}
            </button>
        </form>
    }
}
