//! Pages whose address holds a secret (a sign-in link, an order link): the browser must not hand
//! the address to the next site as a referrer, nor keep the page in a shared cache.

use leptos::prelude::*;
use leptos_meta::Meta;

/// Sends `Referrer-Policy: no-referrer` and `Cache-Control: no-store` with the server-rendered
/// page, and the same referrer policy as a meta tag for pages reached in the browser.
#[component]
pub fn SecretAddress() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        use http::header::{HeaderValue, CACHE_CONTROL, REFERRER_POLICY};
        response.insert_header(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    view! { <Meta name="referrer" content="no-referrer"/> }
}
