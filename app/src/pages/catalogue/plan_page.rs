//! `/plan/{id}`: everything about one plan before buying it.

use crate::api::catalogue::get_plan;
use crate::components::buy_form::BuyForm;
use crate::components::json_ld::{plan_product, JsonLd};
use crate::components::load_error::LoadError;
use crate::components::page_meta::{public_url, PageMeta, SiteInfoResource};
use crate::pages::not_found_page::NotFoundPage;
use domain::{CountryCode, Network, PlanDetail};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let plan = Resource::new(id, get_plan);
    let site = use_context::<SiteInfoResource>();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading plan…"</p> }>
            {move || Suspend::new(async move {
                let base = public_url(site).await;
                match plan.await {
                    Ok(Some(detail)) => view! { <PlanDetailView detail base/> }.into_any(),
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(_) => view! { <LoadError/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PlanDetailView(detail: PlanDetail, base: String) -> impl IntoView {
    let PlanDetail {
        plan,
        coverage,
        region,
        home_country,
        topups_available,
        activation_window_days,
    } = detail;
    let path = format!("/plan/{}", plan.id);
    let json_ld = plan_product(&plan, &format!("{base}{path}"));
    let per_gb = plan.price_per_gb().map(|m| format!("{m} per GB"));
    let networks = networks_by_country(&plan.networks, &coverage);
    let back = match (&home_country, &region) {
        (Some(country), _) => Some((
            format!("/esim/{}", country.slug),
            format!("All {} plans", country.name),
        )),
        (None, Some(region)) => Some((
            format!("/esim/region/{}", region.slug),
            format!("All {} plans", region.name),
        )),
        _ => None,
    };
    let coverage_count = coverage.len();
    view! {
        <PageMeta
            title=format!("{} eSIM · {} · Tern", plan.title, plan.price)
            description=format!(
                "{} of data for {} days in {} for {}. Delivered instantly as a QR code; activate within {} days.",
                plan.data, plan.validity_days, plan.coverage_label, plan.price, activation_window_days,
            )
            path=path.clone()
        />
        <JsonLd data=json_ld/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href="/">"Destinations"</a>
            {back.clone().map(|(href, label)| view! { <span aria-hidden="true">" › "</span><a href=href>{label}</a> })}
        </nav>
        <article class="plan-detail">
            <header class="page-header">
                <h1>{plan.title.clone()}</h1>
                <p class="lede">{plan.coverage_label.clone()}</p>
                {plan.is_unlimited().then(|| view! { <span class="badge badge-unlimited">"Unlimited"</span> })}
            </header>
            <div class="price-box">
                <p class="plan-price">{plan.price.to_string()}</p>
                {per_gb.map(|p| view! { <p class="muted">{p}</p> })}
                <p class="muted">"One-time payment. No contract, no roaming charges."</p>
                <BuyForm plan_id=plan.id.clone() price=plan.price/>
            </div>
            <dl class="facts">
                <div><dt>"Data"</dt><dd>{plan.data.to_string()}</dd></div>
                <div><dt>"Validity"</dt><dd>{format!("{} days from first connection", plan.validity_days)}</dd></div>
                <div><dt>"Coverage"</dt><dd>{if coverage_count == 1 { plan.coverage_label.clone() } else { format!("{coverage_count} countries") }}</dd></div>
                <div><dt>"Speed"</dt><dd>{plan.best_speed().unwrap_or("4G").to_owned()}</dd></div>
                <div>
                    <dt>"Activation"</dt>
                    <dd>{format!(
                        "Activate within {activation_window_days} days of purchase. The {}-day validity starts when the eSIM first connects to a network at your destination.",
                        plan.validity_days,
                    )}</dd>
                </div>
                <div>
                    <dt>"Top-ups"</dt>
                    <dd>{if topups_available {
                        "Available: add more data to the same eSIM later, no reinstall needed."
                    } else {
                        "Not available for this plan; buy a new plan if you need more data."
                    }}</dd>
                </div>
            </dl>
            <section aria-labelledby="networks" class="section">
                <h2 id="networks">"Networks"</h2>
                <table class="networks">
                    <thead><tr><th scope="col">"Country"</th><th scope="col">"Network"</th><th scope="col">"Speed"</th></tr></thead>
                    <tbody>
                        {networks.into_iter().map(|(country, network)| view! {
                            <tr><td>{country}</td><td>{network.name}</td><td>{network.speed}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            {(coverage_count > 1).then(|| view! {
                <section aria-labelledby="coverage" class="section">
                    <h2 id="coverage">{format!("Countries covered ({coverage_count})")}</h2>
                    <ul class="country-list">
                        {coverage.into_iter().map(|c| view! {
                            <li><a href=format!("/esim/{}", c.slug)><span class="flag" aria-hidden="true">{c.code.flag()}</span>{format!(" {}", c.name)}</a></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </article>
    }
}

/// Networks labelled with their country's name, sorted by country.
fn networks_by_country(
    networks: &[Network],
    coverage: &[domain::CountryRef],
) -> Vec<(String, Network)> {
    let name_of = |code: Option<CountryCode>| {
        code.and_then(|code| coverage.iter().find(|c| c.code == code))
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "—".into())
    };
    let mut rows: Vec<(String, Network)> = networks
        .iter()
        .map(|n| (name_of(n.country), n.clone()))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    rows
}
