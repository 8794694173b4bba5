//! `/esim/region/{region}`: the region's plans and the countries they cover.

use crate::api::catalogue::get_region_page;
use crate::components::json_ld::{destination_product, JsonLd};
use crate::components::load_error::LoadError;
use crate::components::page_meta::{public_url, PageMeta, SiteInfoResource};
use crate::components::plan_card::PlanCard;
use crate::components::sort_links::SortLinks;
use crate::pages::not_found_page::NotFoundPage;
use domain::PlanSort;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn RegionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let sort = move || PlanSort::from_query(query.read().get("sort").as_deref());
    let page = Resource::new(
        move || (slug(), sort()),
        |(slug, sort)| get_region_page(slug, sort.as_query().to_owned()),
    );
    let site = use_context::<SiteInfoResource>();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading plans…"</p> }>
            {move || Suspend::new(async move {
                let sort = sort();
                let base = public_url(site).await;
                match page.await {
                    Ok(Some(region)) => {
                        let name = region.summary.name.clone();
                        let path = format!("/esim/region/{}", region.summary.slug);
                        let json_ld = destination_product(&name, &region.plans, &format!("{base}{path}"));
                        let from = region.summary.from_price.map(|p| format!(" from {p}")).unwrap_or_default();
                        let country_count = region.countries.len();
                        view! {
                            <PageMeta
                                title=format!("{name} eSIM: one plan for {country_count} countries · Tern")
                                description=format!(
                                    "Regional eSIM data plans covering {country_count} countries in {name}{from}. One QR code for your whole trip.",
                                )
                                path=path.clone()
                            />
                            {json_ld.map(|data| view! { <JsonLd data/> })}
                            <nav class="breadcrumbs" aria-label="Breadcrumb">
                                <a href="/">"Destinations"</a>
                            </nav>
                            <header class="page-header">
                                <h1>{format!("{name} eSIM")}</h1>
                                <p class="lede">{format!("One eSIM for {country_count} countries{from}.")}</p>
                            </header>
                            <SortLinks current=sort/>
                            <section aria-labelledby="region-plans">
                                <h2 id="region-plans">{format!("{name} plans")}</h2>
                                <ul class="plan-list">
                                    {region.plans.into_iter().map(|plan| view! { <PlanCard plan show_coverage=true/> }).collect_view()}
                                </ul>
                            </section>
                            <section aria-labelledby="covered" class="section">
                                <h2 id="covered">{format!("Countries covered ({country_count})")}</h2>
                                <ul class="country-list">
                                    {region.countries.into_iter().map(|c| view! {
                                        <li>
                                            <a href=format!("/esim/{}", c.slug)>
                                                <span class="flag" aria-hidden="true">{c.code.flag()}</span>
                                                {format!(" {}", c.name)}
                                            </a>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any()
                    }
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(_) => view! { <LoadError/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
