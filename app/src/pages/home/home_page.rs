//! `/`: destination search, popular destinations and regions.

use crate::api::catalogue::get_home;
use crate::components::destination_search::DestinationSearch;
use crate::components::load_error::LoadError;
use crate::components::page_meta::PageMeta;
use domain::{CountrySummary, RegionSummary};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let home = Resource::new(|| (), |_| get_home());
    // Read now, not inside the async block: a request dropped mid-render disposes the query signal.
    let initial = query.read_untracked().get("q").unwrap_or_default();
    view! {
        <PageMeta
            title="Tern · eSIM data plans for 190+ countries".into()
            description="Prepaid travel eSIMs for 190+ countries and regions. Compare data plans, install before you fly and connect the moment you land.".into()
            path="/".into()
        />
        <section class="hero">
            <h1>"Mobile data for your next trip"</h1>
            <p class="lede">"Prepaid eSIM plans for 190+ destinations. Install before you fly, connect when you land."</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading destinations…"</p> }>
                {move || {
                    let initial = initial.clone();
                    Suspend::new(async move {
                    match home.await {
                        Ok(home) => {
                            view! { <DestinationSearch index=home.index initial/> }.into_any()
                        }
                        Err(_) => view! { <LoadError/> }.into_any(),
                    }
                    })
                }}
            </Suspense>
        </section>
        <Suspense>
            {move || Suspend::new(async move {
                home.await.ok().map(|home| view! {
                    <PopularDestinations countries=home.popular/>
                    <Regions regions=home.regions/>
                })
            })}
        </Suspense>
    }
}

#[component]
fn PopularDestinations(countries: Vec<CountrySummary>) -> impl IntoView {
    view! {
        <section id="destinations" class="section">
            <h2>"Popular destinations"</h2>
            <ul class="tile-grid">
                {countries
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li class="tile">
                                <a href=format!("/esim/{}", c.country.slug)>
                                    <span class="flag" aria-hidden="true">{c.country.code.flag()}</span>
                                    <span class="name">{c.country.name.clone()}</span>
                                    {c.from_price.map(|p| view! { <span class="from">{format!("from {p}")}</span> })}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Regions(regions: Vec<RegionSummary>) -> impl IntoView {
    view! {
        <section id="regions" class="section">
            <h2>"Regional and global plans"</h2>
            <p class="section-intro">"One eSIM for a multi-country trip."</p>
            <ul class="tile-grid">
                {regions
                    .into_iter()
                    .map(|r| {
                        view! {
                            <li class="tile">
                                <a href=format!("/esim/region/{}", r.slug)>
                                    <span class="name">{r.name.clone()}</span>
                                    <span class="meta">{format!("{} countries", r.country_count)}</span>
                                    {r.from_price.map(|p| view! { <span class="from">{format!("from {p}")}</span> })}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
