//! `/admin/catalogue/{code}`: one country as the shop sells it — on sale or not, its featured
//! position, its margin — and every provider's plan for it alone, grouped by offer, with the
//! wholesale price, the margin and where it comes from, the traveller's price, which plan
//! travellers see, and a button taking each plan off sale or back. The forms are plain posts that
//! come back here with the outcome, with or without JavaScript; only owners may change anything.

use crate::api::admin::{get_catalogue_country, SetCountryEnabled, SetFeatured, SetPlanEnabled};
use crate::api::my_esim::error_message;
use crate::components::admin_layout::{AdminLayout, AdminRefusal, AdminTable};
use crate::components::status::set_not_found;
use crate::links::{admin_catalogue_country_href, admin_prices_href};
use domain::admin::catalogue::{
    margin_source, CatalogueCountry, CatalogueCountryDetail, CatalogueOffer, MAX_FEATURED,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CatalogueCountryPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default().to_uppercase();
    let detail = Resource::new(code, get_catalogue_country);
    view! {
        <AdminLayout title="Country">
            <header class="page-header">
                <p><a href="/admin/catalogue">"← Catalogue"</a></p>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(Some(detail)) => view! { <Country detail/> }.into_any(),
                        Ok(None) => {
                            set_not_found();
                            view! { <p class="notice" role="alert">"There is no country with that code."</p> }.into_any()
                        }
                        Err(error) => view! {
                            <AdminRefusal error next=admin_catalogue_country_href(&code())/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

/// What `?done=` reports after a change.
fn outcome(done: &str) -> Option<&'static str> {
    Some(match done {
        "enabled" => "The country is on sale again.",
        "disabled" => "The country is off sale: travellers no longer see it.",
        "plan-enabled" => "The plan is on sale again.",
        "plan-disabled" => "The plan is off sale.",
        "featured" => "The featured destinations are saved.",
        _ => return None,
    })
}

#[component]
fn Country(detail: CatalogueCountryDetail) -> impl IntoView {
    let query = use_query_map();
    // Created here so a plain form post's error (carried in the address) reaches the page.
    let enable = ServerAction::<SetCountryEnabled>::new();
    let feature = ServerAction::<SetFeatured>::new();
    let plan = ServerAction::<SetPlanEnabled>::new();
    let error = move || {
        enable
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| feature.value().get().and_then(Result::err))
            .or_else(|| plan.value().get().and_then(Result::err))
    };
    let done = query
        .read_untracked()
        .get("done")
        .and_then(|done| outcome(&done));
    let CatalogueCountryDetail { country, offers } = detail;
    view! {
        <h1>{country.name.clone()} " " <span class="muted">{country.code.clone()}</span></h1>
        {done.map(|text| view! { <p class="notice notice-ok" role="status">{text}</p> })}
        {move || error().map(|error| view! { <p class="notice notice-error" role="alert">{error_message(&error)}</p> })}
        <CountryFacts country=country.clone()/>
        <section class="section" aria-labelledby="offers">
            <h2 id="offers">"Plans for " {country.name.clone()} " alone"</h2>
            <p class="muted">
                "Each offer is listed once to travellers; the routing rules pick which provider's plan. "
                "A plan off sale is never listed or ordered."
            </p>
            {if offers.is_empty() {
                view! { <p class="muted">"No provider sells a plan for this country alone."</p> }.into_any()
            } else {
                offers.into_iter().map(|offer| view! { <Offer offer code=country.code.clone()/> }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn CountryFacts(country: CatalogueCountry) -> impl IntoView {
    let traveller_page = format!("/esim/{}", country.slug);
    let margin = country
        .margin
        .map_or_else(|| "No margin of its own".to_owned(), |m| m.to_string());
    let sale_label = if country.enabled {
        format!("Take {} off sale", country.name)
    } else {
        format!("Put {} on sale", country.name)
    };
    let sale_class = if country.enabled { "button-danger" } else { "" };
    let position = country.featured.map(|p| p.to_string()).unwrap_or_default();
    view! {
        <dl class="facts admin-facts">
            <div><dt>"On sale"</dt><dd data-testid="country-on-sale">{if country.enabled { "Yes" } else { "No" }}</dd></div>
            <div><dt>"Region"</dt><dd>{country.region_name}</dd></div>
            <div><dt>"Offers"</dt><dd>{country.offers}</dd></div>
            <div><dt>"From"</dt><dd>{country.from_price.map_or_else(|| "—".to_owned(), |p| p.to_string())}</dd></div>
            <div>
                <dt>"Margin"</dt>
                <dd>{margin} " · " <a href=admin_prices_href("country", &country.code)>"Change the country's margin"</a></dd>
            </div>
            <div><dt>"Travellers' page"</dt><dd><a href=traveller_page.clone()>{traveller_page.clone()}</a></dd></div>
        </dl>
        <div class="admin-forms">
            <form method="post" action=SetCountryEnabled::PATH>
                <input type="hidden" name="code" value=country.code.clone()/>
                <input type="hidden" name="enabled" value=(!country.enabled).to_string()/>
                <button type="submit" class=sale_class>{sale_label}</button>
            </form>
            <form method="post" action=SetFeatured::PATH class="form-card">
                <input type="hidden" name="code" value=country.code.clone()/>
                <label for="featured-position">"Featured position on the home page"</label>
                <input
                    id="featured-position"
                    name="position"
                    type="number"
                    min="1"
                    max=MAX_FEATURED.to_string()
                    value=position
                    aria-describedby="featured-hint"
                />
                <p id="featured-hint" class="muted">{format!("1 is first; leave it empty to stop featuring. At most {MAX_FEATURED} are featured.")}</p>
                <button type="submit">"Save position"</button>
            </form>
        </div>
    }
}

#[component]
fn Offer(offer: CatalogueOffer, code: String) -> impl IntoView {
    view! {
        <h3>{offer.label}</h3>
        <AdminTable headings=&["Provider", "Product", "Wholesale", "Margin", "Price", "Travellers see", "On sale", ""]>
            {offer.plans.into_iter().map(|plan| {
                let margin = format!("{} ({})", plan.margin, margin_source(plan.margin_scope.as_ref()));
                let toggle = if plan.enabled { "Take off sale" } else { "Put on sale" };
                let provider = plan.provider.clone();
                view! {
                    <tr data-testid="catalogue-plan" data-provider=provider>
                        <td>{plan.provider}</td>
                        <td><code>{plan.product_id}</code></td>
                        <td class="number">{plan.wholesale.to_string()}</td>
                        <td class="number"><a href=admin_prices_href("plan", &plan.id)>{margin}</a></td>
                        <td class="number">{plan.retail.to_string()}</td>
                        <td>{if plan.listed { "Listed" } else { "—" }}</td>
                        <td>{if plan.enabled { "Yes" } else { "No" }}</td>
                        <td>
                            <form method="post" action=SetPlanEnabled::PATH>
                                <input type="hidden" name="plan_id" value=plan.id.clone()/>
                                <input type="hidden" name="country" value=code.clone()/>
                                <input type="hidden" name="enabled" value=(!plan.enabled).to_string()/>
                                <button type="submit" class="button-quiet">{toggle}</button>
                            </form>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </AdminTable>
    }
}
