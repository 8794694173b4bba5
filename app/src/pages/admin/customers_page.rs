//! `/admin/customers?q=…&page=…`: travellers found by part of their email, an ICCID or an order
//! id (a plain GET form, so the query string drives the page and it works without JavaScript),
//! most recently active first, 25 a page, each linking to the customer's page.

use crate::api::admin::{is_admin_forbidden, is_admin_sign_in_required, list_customers};
use crate::api::my_esim::error_message;
use crate::components::admin_layout::{
    admin_time, AdminLayout, AdminPager, AdminRefusal, AdminTable,
};
use crate::links::{admin_customer_href, query_value};
use domain::admin::customers::{CustomerRow, CustomersPage as Results};
use domain::admin::Paged;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Page `page` of the search for `q` (none lists everyone).
fn page_href(q: Option<&str>, page: u32) -> String {
    match q {
        Some(q) => format!("/admin/customers?q={}&page={page}", query_value(q)),
        None => format!("/admin/customers?page={page}"),
    }
}

/// What a customer spent, every currency joined ("$12.00 + €4.50"), or "—" before any payment.
pub(crate) fn spent_text(customer: &CustomerRow) -> String {
    if customer.spent.is_empty() {
        return "—".to_owned();
    }
    customer
        .spent
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || {
        let query = query.read();
        (
            query.get("q").filter(|q| !q.trim().is_empty()),
            query.get("page").and_then(|page| page.parse::<u32>().ok()),
        )
    };
    let customers = Resource::new(search, |(q, page)| list_customers(q, page));
    view! {
        <AdminLayout title="Customers">
            <header class="page-header">
                <h1>"Customers"</h1>
                <p class="lede">"Everyone who ordered or has an account, most recently active first."</p>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (q, _) = search();
                    match customers.await {
                        Ok(page) => view! {
                            <SearchForm q=q.clone()/>
                            <CustomerTable page q/>
                        }.into_any(),
                        Err(error) if is_admin_sign_in_required(&error) || is_admin_forbidden(&error) => {
                            let next = page_href(q.as_deref(), 1);
                            view! { <AdminRefusal error next/> }.into_any()
                        }
                        // A search that cannot run: say why, and offer the form again.
                        Err(error) => view! {
                            <p class="notice notice-error" role="alert">{error_message(&error)}</p>
                            <SearchForm q/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn SearchForm(q: Option<String>) -> impl IntoView {
    view! {
        <form class="admin-filter" method="get" action="/admin/customers" role="search">
            <label for="customers-q">"Email, ICCID or order id"</label>
            <input id="customers-q" type="search" name="q" maxlength="200" value=q.unwrap_or_default()/>
            <button type="submit">"Search"</button>
        </form>
    }
}

#[component]
fn CustomerTable(page: Results, q: Option<String>) -> impl IntoView {
    let pager = view! {
        <AdminPager
            page=page.page
            page_count=page.page_count()
            total=page.total
            has_next=page.has_next()
            noun=("customer", "customers")
            href=move |n| page_href(q.as_deref(), n)
        />
    };
    view! {
        {if page.customers.is_empty() {
            view! { <p class="muted">"No customers match."</p> }.into_any()
        } else {
            view! {
                <AdminTable headings=&["Email", "Account", "Orders", "Paid", "Spent", "eSIMs", "Last order"]>
                    {page.customers.into_iter().map(|customer| {
                        let spent = spent_text(&customer);
                        let account = match &customer.account {
                            Some(account) => format!("Since {}", admin_time(Some(account.created_at))),
                            None => "Guest".to_owned(),
                        };
                        view! {
                            <tr data-testid="customer-row">
                                <td><a href=admin_customer_href(&customer.email)>{customer.email.clone()}</a></td>
                                <td>{account}</td>
                                <td class="number">{customer.orders}</td>
                                <td class="number">{customer.paid_orders}</td>
                                <td class="number">{spent}</td>
                                <td class="number">{customer.esims}</td>
                                <td>{admin_time(customer.last_order_at)}</td>
                            </tr>
                        }
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
        assert_eq!(
            page_href(Some("sarah+trip@example.com"), 2),
            "/admin/customers?q=sarah%2Btrip%40example.com&page=2"
        );
        assert_eq!(page_href(None, 1), "/admin/customers?page=1");
    }
}
