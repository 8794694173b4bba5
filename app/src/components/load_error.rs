//! The message shown when a page's data could not be loaded.

use leptos::prelude::*;

#[component]
pub fn LoadError() -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <h2>"We couldn't load this page"</h2>
            <p>"Something went wrong on our side. Please try again in a moment."</p>
            <p><a href="/">"Back to all destinations"</a></p>
        </div>
    }
}
