//! `/admin/orders/{id}`: one order as an operator needs it — the facts (amounts with wholesale
//! and margin, provider and payment references, the eSIM), then the whole timeline oldest first
//! (routing and provider notes say why the order went where it went), then its background jobs
//! and its emails.

use crate::api::admin::get_order;
use crate::components::admin_layout::{admin_time, AdminLayout, AdminRefusal};
use crate::components::status::set_not_found;
use crate::links::admin_order_href;
use domain::admin::{OrderDetail, OrderEmail, OrderEvent, OrderJob};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let order = Resource::new(id, get_order);
    view! {
        <AdminLayout title="Order">
            <header class="page-header">
                <p><a href="/admin/orders">"← All orders"</a></p>
                <h1>"Order " <code>{id}</code></h1>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(Some(order)) => view! { <OrderView order/> }.into_any(),
                        Ok(None) => {
                            set_not_found();
                            view! { <p class="notice" role="alert">"No order has this id."</p> }
                                .into_any()
                        }
                        Err(error) => {
                            view! { <AdminRefusal error next=admin_order_href(&id())/> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn OrderView(order: OrderDetail) -> impl IntoView {
    let provider_status = order
        .provider_status
        .map(|status| format!("{status} (asked {} times)", order.provider_checks));
    let failed_providers =
        (!order.failed_providers.is_empty()).then(|| order.failed_providers.join(", "));
    let facts: Vec<(&'static str, Option<String>)> = vec![
        ("Status", Some(order.status.as_str().to_owned())),
        ("Created", Some(admin_time(Some(order.created_at)))),
        ("Last change", Some(admin_time(Some(order.updated_at)))),
        ("Email", Some(order.email)),
        ("Account", order.account_email),
        (
            "Plan",
            Some(format!("{} ({})", order.plan_title, order.plan_id)),
        ),
        ("Country", order.country_code),
        ("Paid", Some(order.amount.to_string())),
        ("Wholesale", Some(order.wholesale.to_string())),
        ("Margin", Some(order.margin.to_string())),
        (
            "Partial refund",
            order.refund.map(|money| money.to_string()),
        ),
        ("Provider", Some(order.provider)),
        ("Provider product", Some(order.provider_product_id)),
        ("Provider order", order.provider_order_id),
        ("Provider status", provider_status),
        ("Failed providers", failed_providers),
        ("Failure reason", order.failure_reason),
        ("Checkout session", order.checkout_session_id),
        ("Payment intent", order.payment_intent),
        ("ICCID", order.iccid),
        ("Tops up ICCID", order.topup_iccid),
    ];
    view! {
        <section class="section" aria-labelledby="summary">
            <h2 id="summary">"Summary"</h2>
            <dl class="facts admin-facts">
                {facts.into_iter().map(|(label, value)| view! {
                    <div>
                        <dt>{label}</dt>
                        <dd>{value.unwrap_or_else(|| "—".to_owned())}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
        <section class="section" aria-labelledby="timeline">
            <h2 id="timeline">"Timeline"</h2>
            <Timeline events=order.timeline/>
        </section>
        <section class="section" aria-labelledby="jobs">
            <h2 id="jobs">"Background jobs"</h2>
            <Jobs jobs=order.jobs/>
        </section>
        <section class="section" aria-labelledby="emails">
            <h2 id="emails">"Emails"</h2>
            <Emails emails=order.emails/>
        </section>
    }
}

#[component]
fn Timeline(events: Vec<OrderEvent>) -> impl IntoView {
    view! {
        <ol class="admin-timeline">
            {events.into_iter().map(|event| {
                let change = event.to.map(|to| match event.from {
                    Some(from) => format!("{} → {}", from.as_str(), to.as_str()),
                    None => format!("→ {}", to.as_str()),
                });
                view! {
                    <li data-testid="timeline-entry">
                        <span class="muted">{admin_time(Some(event.at))}</span>
                        " "
                        <span class="badge">{event.kind}</span>
                        {change.map(|change| view! { " " <strong>{change}</strong> })}
                        <p>{event.message}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn Jobs(jobs: Vec<OrderJob>) -> impl IntoView {
    if jobs.is_empty() {
        return view! { <p class="muted">"No background jobs."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="admin-table">
                <thead>
                    <tr>
                        <th scope="col">"Job"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Attempts"</th>
                        <th scope="col">"Runs / ran"</th>
                        <th scope="col">"Last error"</th>
                    </tr>
                </thead>
                <tbody>
                    {jobs.into_iter().map(|job| view! {
                        <tr data-testid="job-row">
                            <td>{job.kind}</td>
                            <td>{job.state}</td>
                            <td class="number">{job.attempts}</td>
                            <td>{admin_time(Some(job.run_at))}</td>
                            <td>{job.last_error.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Emails(emails: Vec<OrderEmail>) -> impl IntoView {
    if emails.is_empty() {
        return view! { <p class="muted">"No emails."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="admin-table">
                <thead>
                    <tr>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Subject"</th>
                        <th scope="col">"To"</th>
                        <th scope="col">"Written"</th>
                        <th scope="col">"Sent"</th>
                    </tr>
                </thead>
                <tbody>
                    {emails.into_iter().map(|email| view! {
                        <tr data-testid="email-row">
                            <td>{email.kind}</td>
                            <td>{email.subject}</td>
                            <td>{email.recipient}</td>
                            <td>{admin_time(Some(email.created_at))}</td>
                            <td>{email.sent_at.map_or_else(|| "not yet".to_owned(), |at| admin_time(Some(at)))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
