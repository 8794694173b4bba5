//! `/admin/orders?q=…&status=…&provider=…&from=…&to=…&page=…`: orders found by order id, email
//! or ICCID, filtered by status, provider and creation dates (a plain GET form, so the query
//! string drives the page and it works without JavaScript), newest first, 25 a page, each linking
//! to its detail.

use crate::api::admin::{
    is_admin_forbidden, is_admin_sign_in_required, list_orders, OrderListView,
};
use crate::api::my_esim::error_message;
use crate::components::admin_layout::{
    admin_time, AdminLayout, AdminPager, AdminRefusal, AdminTable,
};
use crate::links::{admin_order_href, query_value};
use domain::admin::{OrdersPage as Results, Paged};
use domain::OrderStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The search as the query string gives it; blanks are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Search {
    q: Option<String>,
    status: Option<String>,
    provider: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
}

impl Search {
    /// This search's page `page`.
    fn href(&self, page: u32) -> String {
        let mut href = format!("/admin/orders?page={page}");
        for (key, value) in [
            ("q", &self.q),
            ("status", &self.status),
            ("provider", &self.provider),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(value) = value {
                href.push_str(&format!("&{key}={}", query_value(value)));
            }
        }
        href
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || {
        let query = query.read();
        let read = |key: &str| query.get(key).filter(|value| !value.trim().is_empty());
        Search {
            q: read("q"),
            status: read("status"),
            provider: read("provider"),
            from: read("from"),
            to: read("to"),
            page: read("page").and_then(|page| page.parse::<u32>().ok()),
        }
    };
    let orders = Resource::new(search, |search| {
        list_orders(
            search.q,
            search.status,
            search.provider,
            search.from,
            search.to,
            search.page,
        )
    });
    view! {
        <AdminLayout title="Orders">
            <header class="page-header">
                <h1>"Orders"</h1>
                <p class="lede">"Find an order by its id, the traveller's email or the eSIM's ICCID."</p>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let search = search();
                    match orders.await {
                        Ok(OrderListView { page, providers }) => view! {
                            <SearchForm search=search.clone() providers/>
                            <OrderTable page search/>
                        }.into_any(),
                        Err(error) if is_admin_sign_in_required(&error) || is_admin_forbidden(&error) => {
                            view! { <AdminRefusal error next="/admin/orders"/> }.into_any()
                        }
                        // A filter that means nothing: say why, and offer the form again.
                        Err(error) => view! {
                            <p class="notice notice-error" role="alert">{error_message(&error)}</p>
                            <SearchForm search providers=Vec::new()/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn SearchForm(search: Search, providers: Vec<String>) -> impl IntoView {
    let Search {
        q,
        status,
        provider,
        from,
        to,
        page: _,
    } = search;
    view! {
        <form class="admin-filter" method="get" action="/admin/orders" role="search">
            <label for="orders-q">"Order id, email or ICCID"</label>
            <input id="orders-q" type="search" name="q" value=q.unwrap_or_default()/>
            <label for="orders-status">"Status"</label>
            <select id="orders-status" name="status">
                <option value="">"Any status"</option>
                {OrderStatus::ALL.into_iter().map(|option| {
                    let selected = status.as_deref() == Some(option.as_str());
                    view! { <option value=option.as_str() selected=selected>{option.as_str()}</option> }
                }).collect_view()}
            </select>
            <label for="orders-provider">"Provider"</label>
            <select id="orders-provider" name="provider">
                <option value="">"Any provider"</option>
                {providers.into_iter().map(|name| {
                    let selected = provider.as_deref() == Some(name.as_str());
                    let value = name.clone();
                    view! { <option value=value selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            <label for="orders-from">"Created from"</label>
            <input id="orders-from" type="date" name="from" value=from.unwrap_or_default()/>
            <label for="orders-to">"to"</label>
            <input id="orders-to" type="date" name="to" value=to.unwrap_or_default()/>
            <button type="submit">"Search"</button>
        </form>
    }
}

#[component]
fn OrderTable(page: Results, search: Search) -> impl IntoView {
    let pager = view! {
        <AdminPager
            page=page.page
            page_count=page.page_count()
            total=page.total
            has_next=page.has_next()
            noun=("order", "orders")
            href=move |n| search.href(n)
        />
    };
    view! {
        {if page.orders.is_empty() {
            view! { <p class="muted">"No orders match."</p> }.into_any()
        } else {
            view! {
                <AdminTable headings=&["Order", "Created", "Email", "Plan", "Provider", "Status", "Amount", "ICCID"]>
                            {page.orders.into_iter().map(|order| view! {
                                <tr data-testid="order-row">
                                    <td><a href=admin_order_href(&order.id)><code>{order.id.clone()}</code></a></td>
                                    <td>{admin_time(Some(order.created_at))}</td>
                                    <td>{order.email}</td>
                                    <td>{order.plan_title}</td>
                                    <td>{order.provider}</td>
                                    <td>{order.status.as_str()}</td>
                                    <td class="number">{order.amount.to_string()}</td>
                                    <td><code>{order.iccid.unwrap_or_default()}</code></td>
                                </tr>
                            }).collect_view()}
                </AdminTable>
            }.into_any()
        }}
        {pager}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_search() {
        let search = Search {
            q: Some("sarah+trip@example.com".into()),
            status: Some("ready".into()),
            to: Some("2027-01-14".into()),
            ..Search::default()
        };
        assert_eq!(
            search.href(2),
            "/admin/orders?page=2&q=sarah%2Btrip%40example.com&status=ready&to=2027-01-14"
        );
        assert_eq!(Search::default().href(1), "/admin/orders?page=1");
    }
}
