//! Title, meta description and canonical link for a page.

use crate::api::site::{get_site_info, SiteInfo};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// The site info resource, created once by `provide_site_info` and shared by every page.
pub type SiteInfoResource = OnceResource<Result<SiteInfo, ServerFnError>>;

/// Loads site-wide facts once per visit and shares them with every page.
pub fn provide_site_info() {
    provide_context::<SiteInfoResource>(OnceResource::new(get_site_info()));
}

/// The site's absolute base URL, or "" when it could not be loaded (links then stay relative).
pub async fn public_url(site: Option<SiteInfoResource>) -> String {
    match site {
        Some(site) => site.await.map(|info| info.public_url).unwrap_or_default(),
        None => String::new(),
    }
}

#[component]
pub fn PageMeta(title: String, description: String, path: String) -> impl IntoView {
    let site = use_context::<SiteInfoResource>();
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Suspense>
            {move || {
                let path = path.clone();
                Suspend::new(async move {
                    let info = match site {
                        Some(site) => site.await.ok(),
                        None => None,
                    };
                    info.map(|info| view! { <Link rel="canonical" href=format!("{}{}", info.public_url, path)/> })
                })
            }}
        </Suspense>
    }
}
