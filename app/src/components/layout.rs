//! The frame around every page: header with the brand, main content, footer.

use leptos::prelude::*;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/" aria-label="Tern home">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Tern"
            </a>
            <nav aria-label="Main">
                <a href="/#destinations">"Destinations"</a>
                <a href="/#regions">"Regions"</a>
            </nav>
        </header>
        <main id="main">{children()}</main>
        <footer class="site-footer">
            <p>"Tern · prepaid eSIM data for travellers. Install before you fly, connect when you land."</p>
        </footer>
    }
}
