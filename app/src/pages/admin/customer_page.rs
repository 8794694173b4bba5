//! `/admin/customers/{email}`: one traveller as support needs them — the account and the figures,
//! every eSIM with its packages and the data used on each, then every order linking to its page.

use crate::api::admin::{get_customer, is_customer_not_found};
use crate::components::admin_layout::{admin_time, AdminLayout, AdminRefusal, AdminTable};
use crate::components::state_badge::StateBadge;
use crate::components::status::set_not_found;
use crate::components::usage_meter::UsageMeter;
use crate::links::{admin_customer_href, admin_order_href};
use crate::pages::admin::customers_page::spent_text;
use domain::admin::customers::{CustomerDetail, CustomerEsim, CustomerPackage};
use domain::admin::OrderRow;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let email = move || params.read().get("email").unwrap_or_default();
    let customer = Resource::new(email, get_customer);
    view! {
        <AdminLayout title="Customer">
            <header class="page-header">
                <p><a href="/admin/customers">"← All customers"</a></p>
                <h1 class="admin-customer-email">{email}</h1>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match customer.await {
                        Ok(customer) => view! { <CustomerView customer/> }.into_any(),
                        Err(error) if is_customer_not_found(&error) => {
                            set_not_found();
                            view! { <p class="notice" role="alert">"No customer with that email."</p> }
                                .into_any()
                        }
                        Err(error) => {
                            view! { <AdminRefusal error next=admin_customer_href(&email())/> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn CustomerView(customer: CustomerDetail) -> impl IntoView {
    let CustomerDetail {
        summary,
        esims,
        orders,
    } = customer;
    let spent = spent_text(&summary);
    let (account, last_sign_in) = match &summary.account {
        Some(account) => (
            format!("Since {}", admin_time(Some(account.created_at))),
            admin_time(account.last_sign_in_at),
        ),
        None => ("None: a guest".to_owned(), "—".to_owned()),
    };
    let facts: [(&'static str, String); 8] = [
        ("Email", summary.email),
        ("Account", account),
        ("Last sign-in", last_sign_in),
        ("Orders", summary.orders.to_string()),
        ("Paid orders", summary.paid_orders.to_string()),
        ("Spent (less refunds)", spent),
        ("Last order", admin_time(summary.last_order_at)),
        ("Last active", admin_time(Some(summary.last_active_at))),
    ];
    view! {
        <section class="section" aria-labelledby="summary">
            <h2 id="summary">"Summary"</h2>
            <dl class="facts admin-facts">
                {facts.into_iter().map(|(label, value)| view! {
                    <div>
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
        <section class="section" aria-labelledby="esims">
            <h2 id="esims">"eSIMs"</h2>
            {if esims.is_empty() {
                view! { <p class="muted">"No eSIMs."</p> }.into_any()
            } else {
                view! {
                    <ul class="esim-list admin-esims">
                        {esims.into_iter().map(|esim| view! { <EsimCard esim/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="section" aria-labelledby="orders">
            <h2 id="orders">"Orders"</h2>
            <Orders orders/>
        </section>
    }
}

#[component]
fn EsimCard(esim: CustomerEsim) -> impl IntoView {
    let CustomerEsim {
        iccid,
        provider,
        label,
        destination,
        state,
        order_id,
        created_at,
        synced_at,
        packages,
    } = esim;
    let title = if label == destination {
        label
    } else {
        format!("{label} ({destination})")
    };
    view! {
        <li class="esim-card" data-testid="customer-esim">
            <h3 class="esim-card-title">{title}</h3>
            <StateBadge word=state.as_str() plain=state.plain_words() testid="customer-esim-state"/>
            <dl class="package-times admin-facts">
                <div><dt>"ICCID"</dt><dd><code data-testid="customer-esim-iccid">{iccid}</code></dd></div>
                <div><dt>"Provider"</dt><dd>{provider}</dd></div>
                <div><dt>"Order"</dt><dd><a href=admin_order_href(&order_id)><code>{order_id.clone()}</code></a></dd></div>
                <div><dt>"Created"</dt><dd>{admin_time(Some(created_at))}</dd></div>
                <div><dt>"Usage read"</dt><dd>{admin_time(synced_at)}</dd></div>
            </dl>
            {if packages.is_empty() {
                view! { <p class="muted">"No packages reported yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="packages">
                        {packages.into_iter().map(|package| view! { <Package package/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </li>
    }
}

#[component]
fn Package(package: CustomerPackage) -> impl IntoView {
    let CustomerPackage {
        id,
        name,
        state,
        usage,
        bought_at,
        activated_at,
        expires_at,
        order_id,
    } = package;
    view! {
        <li class="package" data-testid="customer-package">
            <div class="package-head">
                <h4>{name.clone()}</h4>
                <span class=format!("badge state-{}", state.as_str().to_ascii_lowercase())>{state.as_str()}</span>
            </div>
            <UsageMeter usage label=format!("Data used on {name}")/>
            <dl class="package-times admin-facts">
                <div><dt>"Package"</dt><dd><code>{id}</code></dd></div>
                <div><dt>"Bought"</dt><dd>{admin_time(bought_at)}</dd></div>
                <div><dt>"Activated"</dt><dd>{activated_at.map_or_else(|| "Not yet".to_owned(), |at| admin_time(Some(at)))}</dd></div>
                <div><dt>"Expires"</dt><dd>{expires_at.map_or_else(|| "—".to_owned(), |at| admin_time(Some(at)))}</dd></div>
                {order_id.map(|order_id| view! {
                    <div><dt>"Paid by"</dt><dd><a href=admin_order_href(&order_id)><code>{order_id.clone()}</code></a></dd></div>
                })}
            </dl>
        </li>
    }
}

#[component]
fn Orders(orders: Vec<OrderRow>) -> impl IntoView {
    if orders.is_empty() {
        return view! { <p class="muted">"No orders."</p> }.into_any();
    }
    view! {
        <AdminTable headings=&["Order", "Created", "Plan", "Amount", "Status", "ICCID"]>
            {orders.into_iter().map(|order| view! {
                <tr data-testid="customer-order">
                    <td><a href=admin_order_href(&order.id)><code>{order.id.clone()}</code></a></td>
                    <td>{admin_time(Some(order.created_at))}</td>
                    <td>{order.plan_title}</td>
                    <td class="number">{order.amount.to_string()}</td>
                    <td>{order.status.as_str()}</td>
                    <td><code>{order.iccid.unwrap_or_default()}</code></td>
                </tr>
            }).collect_view()}
        </AdminTable>
    }
    .into_any()
}
