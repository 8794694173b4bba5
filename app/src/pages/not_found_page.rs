//! The 404 page, for unknown paths, destinations and plans.

use crate::components::status::set_not_found;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_not_found();
    view! {
        <Title text="Page not found · Tern"/>
        <Meta name="robots" content="noindex"/>
        <section class="not-found">
            <h1>"We couldn't find that page"</h1>
            <p>"The destination or plan may have moved, or the link may be mistyped."</p>
            <p><a class="button" href="/">"Browse all destinations"</a></p>
        </section>
    }
}
