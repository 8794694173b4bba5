//! `/esim/{country}`: the country's plans, sortable, plus regional plans that include it.

use crate::api::catalogue::get_country_page;
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
pub fn CountryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let sort = move || PlanSort::from_query(query.read().get("sort").as_deref());
    let page = Resource::new(
        move || (slug(), sort()),
        |(slug, sort)| get_country_page(slug, sort.as_query().to_owned()),
    );
    let site = use_context::<SiteInfoResource>();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading plans…"</p> }>
            {move || Suspend::new(async move {
                let sort = sort();
                let base = public_url(site).await;
                match page.await {
                    Ok(Some(page)) => {
                        let country = page.summary.country.clone();
                        let path = format!("/esim/{}", country.slug);
                        let all: Vec<_> = page.local_plans.iter().chain(&page.regional_plans).cloned().collect();
                        let json_ld = destination_product(&country.name, &all, &format!("{base}{path}"));
                        let from = page.summary.from_price.map(|p| format!(" from {p}")).unwrap_or_default();
                        let plan_count = page.summary.plan_count;
                        view! {
                            <PageMeta
                                title=format!("{} eSIM: data plans{} · Tern", country.name, from)
                                description=format!(
                                    "Compare {} prepaid eSIM data plans for {}{}. 4G/5G on local networks, instant delivery by QR code.",
                                    plan_count, country.name, from,
                                )
                                path=path.clone()
                            />
                            {json_ld.map(|data| view! { <JsonLd data/> })}
                            <nav class="breadcrumbs" aria-label="Breadcrumb">
                                <a href="/">"Destinations"</a>
                                {page.summary.region_slug.clone().zip(page.summary.region_name.clone()).map(|(slug, name)| view! {
                                    <span aria-hidden="true">" › "</span>
                                    <a href=format!("/esim/region/{slug}")>{name}</a>
                                })}
                            </nav>
                            <header class="page-header">
                                <h1>
                                    <span class="flag" aria-hidden="true">{country.code.flag()}</span>
                                    {format!(" {} eSIM", country.name)}
                                </h1>
                                <p class="lede">{format!("{plan_count} plans{from}. Install before you go; your plan starts when you connect in {}.", country.name)}</p>
                            </header>
                            <SortLinks current=sort/>
                            <section aria-labelledby="local-plans">
                                <h2 id="local-plans">{format!("Plans for {}", country.name)}</h2>
                                {if page.local_plans.is_empty() {
                                    view! { <p>"No single-country plans right now; the regional plans below cover it."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="plan-list">
                                            {page.local_plans.into_iter().map(|plan| view! { <PlanCard plan/> }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                            {(!page.regional_plans.is_empty()).then(|| view! {
                                <section aria-labelledby="regional-plans">
                                    <h2 id="regional-plans">{format!("Regional plans that include {}", country.name)}</h2>
                                    <ul class="plan-list">
                                        {page.regional_plans.into_iter().map(|plan| view! { <PlanCard plan show_coverage=true/> }).collect_view()}
                                    </ul>
                                </section>
                            })}
                        }.into_any()
                    }
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(_) => view! { <LoadError/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
