//! `/admin/sign-in?next=…`: staff sign in with email and password. Without JavaScript the form
//! posts to the server function, which sets the cookie and sends the browser to `next`, or back
//! here with the error and the address typed. With JavaScript the page loads `next` afresh once
//! the cookie is set.

use crate::api::admin::SignInAdmin;
use crate::api::my_esim::error_message;
use crate::components::admin_layout::AdminLayout;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminSignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    let signed_out = query.read_untracked().get("signed_out").is_some();
    view! {
        <AdminLayout title="Sign in" public=true>
            <header class="page-header">
                <h1>"Sign in to the admin panel"</h1>
            </header>
            {signed_out.then(|| view! {
                <p class="notice notice-ok" role="status">"You have signed out."</p>
            })}
            <AdminSignInForm next/>
        </AdminLayout>
    }
}

/// The email and password form, also shown in place of any admin page to a visitor who is not
/// signed in; `next` is where to go once signed in.
#[component]
pub fn AdminSignInForm(#[prop(into)] next: String) -> impl IntoView {
    let next = domain::safe_admin_next(Some(&next));
    let query = use_query_map();
    let typed = query.read_untracked().get("email").unwrap_or_default();
    // A plain form post: the server answers it by opening `next`, or this form with the error.
    let action = ServerAction::<SignInAdmin>::new();
    let error = move || action.value().get().and_then(Result::err);
    let pending = action.pending();
    view! {
        <div class="form-card">
            <ActionForm action>
                <input type="hidden" name="next" value=next/>
                <label for="admin-email">"Email"</label>
                <input id="admin-email" name="email" type="email" autocomplete="username" required value=typed/>
                <label for="admin-password">"Password"</label>
                <input id="admin-password" name="password" type="password" autocomplete="current-password" required/>
                {move || error().map(|error| view! {
                    <p class="field-error" role="alert">{error_message(&error)}</p>
                })}
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        </div>
    }
}
