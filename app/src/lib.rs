//! Tern's web UI: the HTML shell, routes, pages, components and the server functions they call.
// Release builds keep every view's full type; the search component's nesting needs more than the default 128.
#![recursion_limit = "256"]

#[cfg(feature = "ssr")]
pub mod admin_auth;
pub mod api;
#[cfg(feature = "ssr")]
pub mod assets;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod care;
pub mod components;
#[cfg(feature = "ssr")]
pub mod form_post;
pub mod links;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod state;

use components::layout::Layout;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{provide_meta_context, Link, Meta};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use pages::admin::routing_page::RoutingPage;
use pages::admin::{
    admin_sign_in_page::AdminSignInPage, audit_log_page::AuditLogPage,
    dashboard_page::DashboardPage, team_page::TeamPage,
};
use pages::admin::{
    catalogue_country_page::CatalogueCountryPage, catalogue_page::CataloguePage,
    prices_page::PricesPage,
};
use pages::admin::{customer_page::CustomerPage, customers_page::CustomersPage};
use pages::admin::{order_page::OrderPage as AdminOrderPage, orders_page::OrdersPage};
use pages::catalogue::{country_page::CountryPage, plan_page::PlanPage, region_page::RegionPage};
use pages::home::home_page::HomePage;
use pages::my_esims::{
    esim_page::EsimPage, my_esims_page::MyEsimsPage, sign_in_link_page::SignInLinkPage,
    sign_in_page::SignInPage, top_up_page::TopUpPage,
};
use pages::not_found_page::NotFoundPage;
use pages::orders::order_page::OrderPage;

/// The HTML document every page is rendered into.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use assets::stylesheet_href;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b5f73"/>
                <AutoReload options=options.clone()/>
                <link rel="stylesheet" id="leptos" href=stylesheet_href()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: routes inside the shared layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::page_meta::provide_site_info();
    components::account::provide_traveller();
    // Pages that show data render fully on the server (SsrMode::Async), so they work without JavaScript.
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="color-scheme" content="light"/>
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/esim/region/:slug") view=RegionPage ssr=SsrMode::Async/>
                    <Route path=path!("/esim/:slug") view=CountryPage ssr=SsrMode::Async/>
                    <Route path=path!("/plan/:id") view=PlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/order/:id") view=OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/auth/verify") view=SignInLinkPage ssr=SsrMode::Async/>
                    <Route path=path!("/my-esims") view=MyEsimsPage ssr=SsrMode::Async/>
                    <Route path=path!("/my-esims/:iccid") view=EsimPage ssr=SsrMode::Async/>
                    <Route path=path!("/my-esims/:iccid/top-up") view=TopUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/sign-in") view=AdminSignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/team") view=TeamPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders") view=OrdersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders/:id") view=AdminOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/customers") view=CustomersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/customers/:email") view=CustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/catalogue") view=CataloguePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/catalogue/:code") view=CatalogueCountryPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/prices") view=PricesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/routing") view=RoutingPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
