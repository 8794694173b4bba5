//! `/admin`: today's and this week's sales, orders by status, orders that need a person, and
//! each provider's health and balance.

use crate::api::admin::get_dashboard;
use crate::components::admin_layout::{admin_time, AdminLayout, AdminRefusal, AdminTable};
use domain::admin::{AttentionOrder, Balance, Dashboard, ProviderStatus, SalesFigures};
use domain::{Money, OrderStatus};
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let dashboard = Resource::new(|| (), |()| get_dashboard());
    view! {
        <AdminLayout title="Dashboard">
            <header class="page-header">
                <h1>"Dashboard"</h1>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match dashboard.await {
                        Ok(dashboard) => view! { <DashboardView dashboard/> }.into_any(),
                        Err(error) => view! { <AdminRefusal error next="/admin"/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let generated = admin_time(Some(dashboard.generated_at));
    view! {
        <section class="section" aria-labelledby="sales">
            <h2 id="sales">"Sales"</h2>
            <div class="admin-stats">
                <Sales label="Today (UTC)" testid="sales-today" figures=dashboard.today/>
                <Sales label="Last 7 days" testid="sales-week" figures=dashboard.last_7_days/>
            </div>
            <p class="muted">{format!("Paid orders, less refunds. As of {generated}.")}</p>
        </section>
        <section class="section" aria-labelledby="by-status">
            <h2 id="by-status">"Orders by status"</h2>
            {if dashboard.by_status.is_empty() {
                view! { <p class="muted">"No orders yet."</p> }.into_any()
            } else {
                view! {
                    <AdminTable headings=&["Status", "Orders"]>
                                {dashboard.by_status.into_iter().map(|row| view! {
                                    <tr>
                                        <td>{status_label(&row.status)}</td>
                                        <td class="number">{row.count}</td>
                                    </tr>
                                }).collect_view()}
                    </AdminTable>
                }.into_any()
            }}
        </section>
        <section class="section" aria-labelledby="attention">
            <h2 id="attention">"Needs attention"</h2>
            <Attention orders=dashboard.attention/>
        </section>
        <section class="section" aria-labelledby="providers">
            <h2 id="providers">"Providers"</h2>
            <Providers providers=dashboard.providers/>
        </section>
    }
}

#[component]
fn Sales(label: &'static str, testid: &'static str, figures: SalesFigures) -> impl IntoView {
    let orders = match figures.orders {
        1 => "1 order".to_owned(),
        n => format!("{n} orders"),
    };
    let revenue = money_list(&figures.revenue);
    let refunded = (!figures.refunded.is_empty())
        .then(|| format!("{} refunded", money_list(&figures.refunded)));
    view! {
        <div class="admin-stat" data-testid=testid>
            <h3>{label}</h3>
            <p class="admin-stat-value">{revenue}</p>
            <p>{orders}</p>
            {refunded.map(|text| view! { <p class="muted">{text}</p> })}
        </div>
    }
}

#[component]
fn Attention(orders: Vec<AttentionOrder>) -> impl IntoView {
    if orders.is_empty() {
        return view! { <p class="muted">"Nothing needs attention."</p> }.into_any();
    }
    view! {
        <AdminTable headings=&["Order", "Why", "Status", "Plan", "Provider", "Amount", "Email", "Last change"]>
                    {orders.into_iter().map(|order| view! {
                        <tr>
                            <td><a href=crate::links::admin_order_href(&order.id)><code>{order.id.clone()}</code></a></td>
                            <td>{order.reason}</td>
                            <td>{status_label(&order.status)}</td>
                            <td>{order.plan_title}</td>
                            <td>{order.provider}</td>
                            <td class="number">{order.amount.to_string()}</td>
                            <td>{order.email}</td>
                            <td>{admin_time(Some(order.updated_at))}</td>
                        </tr>
                    }).collect_view()}
        </AdminTable>
    }
    .into_any()
}

#[component]
fn Providers(providers: Vec<ProviderStatus>) -> impl IntoView {
    view! {
        <AdminTable headings=&["Provider", "Health", "Calls", "Error rate", "Average latency", "Last success", "Last failure", "Balance"]>
                    {providers.into_iter().map(|provider| {
                        let balance = match provider.balance {
                            Balance::Known(money) => money.to_string(),
                            Balance::Unavailable => "unavailable".to_owned(),
                            Balance::NotApplicable => "—".to_owned(),
                        };
                        view! {
                            <tr data-testid="provider-row">
                                <th scope="row">{provider.provider}</th>
                                <td>
                                    {if provider.healthy {
                                        view! { <span class="state state-active">"Healthy"</span> }.into_any()
                                    } else {
                                        view! { <span class="state state-expired">"Unhealthy"</span> }.into_any()
                                    }}
                                </td>
                                <td class="number">{provider.calls}</td>
                                <td class="number">{format!("{} %", provider.error_rate_percent)}</td>
                                <td class="number">{format!("{} ms", provider.average_latency_ms)}</td>
                                <td>{admin_time(provider.last_success_at)}</td>
                                <td>{admin_time(provider.last_failure_at)}</td>
                                <td class="number">{balance}</td>
                            </tr>
                        }
                    }).collect_view()}
        </AdminTable>
    }
}

/// "$12.99", or "$12.99 + €3.00" for several currencies; "0.00" for none.
fn money_list(amounts: &[Money]) -> String {
    if amounts.is_empty() {
        return "0.00".to_owned();
    }
    amounts
        .iter()
        .map(Money::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// "Waiting for payment" for `awaiting_payment`; an unknown status as stored.
fn status_label(status: &str) -> String {
    OrderStatus::parse(status)
        .map(|status| status.label().to_owned())
        .unwrap_or_else(|| status.to_owned())
}
