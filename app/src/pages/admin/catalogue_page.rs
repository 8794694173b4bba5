//! `/admin/catalogue?q=…`: the countries the shop sells (or those matching a search), whether
//! each is on sale, its offers, cheapest price, margin and featured position, and the featured
//! destinations in home-page order. Each country links to its plans.

use crate::api::admin::get_catalogue;
use crate::components::admin_layout::{AdminLayout, AdminRefusal, AdminTable};
use crate::links::admin_catalogue_country_href;
use domain::admin::catalogue::{CatalogueCountry, CatalogueOverview};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CataloguePage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").filter(|q| !q.trim().is_empty());
    let catalogue = Resource::new(search, get_catalogue);
    view! {
        <AdminLayout title="Catalogue">
            <header class="page-header">
                <h1>"Catalogue"</h1>
                <p class="lede">"Which countries and plans travellers can buy, and the destinations the home page features."</p>
            </header>
            <form class="admin-filter" method="get" action="/admin/catalogue" role="search">
                <label for="catalogue-q">"Country name or code"</label>
                <input id="catalogue-q" type="search" name="q" value=move || search().unwrap_or_default()/>
                <button type="submit">"Search"</button>
            </form>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match catalogue.await {
                        Ok(CatalogueOverview { countries, featured }) => view! {
                            <Featured featured/>
                            <section class="section" aria-labelledby="countries">
                                <h2 id="countries">"Countries"</h2>
                                <Countries countries/>
                            </section>
                        }.into_any(),
                        Err(error) => view! { <AdminRefusal error next="/admin/catalogue"/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn Featured(featured: Vec<CatalogueCountry>) -> impl IntoView {
    view! {
        <section class="section" aria-labelledby="featured">
            <h2 id="featured">"Featured on the home page"</h2>
            {if featured.is_empty() {
                view! { <p class="muted">"No destination is featured. Feature one from its page."</p> }.into_any()
            } else {
                view! {
                    <ol class="featured-list">
                        {featured.into_iter().map(|country| view! {
                            <li data-testid="featured-country">
                                <a href=admin_catalogue_country_href(&country.code)>{country.name}</a>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Countries(countries: Vec<CatalogueCountry>) -> impl IntoView {
    if countries.is_empty() {
        return view! { <p class="muted">"No country matches."</p> }.into_any();
    }
    view! {
        <AdminTable headings=&["Country", "Region", "On sale", "Offers", "From", "Margin", "Featured"]>
            {countries.into_iter().map(|country| view! {
                <tr data-testid="catalogue-country">
                    <td>
                        <a href=admin_catalogue_country_href(&country.code)>{country.name}</a>
                        " " <span class="muted">{country.code}</span>
                    </td>
                    <td>{country.region_name}</td>
                    <td>{if country.enabled { "Yes" } else { "No" }}</td>
                    <td class="number">{country.offers}</td>
                    <td class="number">{country.from_price.map_or_else(|| "—".to_owned(), |p| p.to_string())}</td>
                    <td class="number">{country.margin.map_or_else(|| "—".to_owned(), |m| m.to_string())}</td>
                    <td class="number">{country.featured.map_or_else(|| "—".to_owned(), |f| f.to_string())}</td>
                </tr>
            }).collect_view()}
        </AdminTable>
    }
    .into_any()
}
