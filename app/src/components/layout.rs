//! The frame around every page: header with the brand, main content, footer. The header links to
//! My eSIMs always, and offers "Sign out" (a plain form post) to a signed-in traveller. Admin
//! pages (`/admin…`) bring their own frame (`AdminLayout`) and never show the traveller's.

use crate::components::account::current_traveller;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    // Nothing links from the shop to the admin panel or back, so the area never changes in place.
    let path = use_location().pathname.get_untracked();
    if path == "/admin" || path.starts_with("/admin/") {
        return children().into_any();
    }
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
                <a href="/my-esims">"My eSIMs"</a>
                <Suspense>
                    {move || Suspend::new(async move {
                        current_traveller().await.map(|_| view! {
                            <form class="sign-out" method="post" action="/auth/sign-out">
                                <button type="submit" class="link-button">"Sign out"</button>
                            </form>
                        })
                    })}
                </Suspense>
            </nav>
        </header>
        <main id="main">{children()}</main>
        <footer class="site-footer">
            <p>"Tern · prepaid eSIM data for travellers. Install before you fly, connect when you land."</p>
        </footer>
    }
    .into_any()
}
