//! `/admin/orders/{id}`: one order as an operator needs it — the facts (amounts with wholesale
//! and margin, provider and payment references, the eSIM), the actions (retry fulfilment, refund,
//! mark resolved, resend the eSIM email), then the whole timeline oldest first (routing and
//! provider notes say why the order went where it went), then its background jobs and its emails.
//!
//! Each action asks first: its button links to `?confirm=<action>`, which shows what will happen
//! and a form carrying a fresh action id, so the action runs once however often it is sent. With
//! or without JavaScript the page then shows `?done=<action>`.

use crate::api::admin::{
    get_order, new_action_id, RefundOrder, ResendEsimEmail, ResolveOrder, RetryOrder,
};
use crate::api::my_esim::error_message;
use crate::components::admin_layout::{admin_time, AdminLayout, AdminRefusal, AdminTable};
use crate::components::status::set_not_found;
use crate::links::{admin_customer_href, admin_order_href};
use domain::admin::{OrderDetail, OrderEmail, OrderEvent, OrderJob};
use domain::OrderStatus;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The page's four actions, created once so that a plain form post's error reaches them.
#[derive(Clone, Copy)]
struct Actions {
    retry: ServerAction<RetryOrder>,
    refund: ServerAction<RefundOrder>,
    resolve: ServerAction<ResolveOrder>,
    resend: ServerAction<ResendEsimEmail>,
}

impl Actions {
    /// Changes each time an action finishes, so the order is read again.
    fn version(&self) -> usize {
        self.retry.version().get()
            + self.refund.version().get()
            + self.resolve.version().get()
            + self.resend.version().get()
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let actions = Actions {
        retry: ServerAction::<RetryOrder>::new(),
        refund: ServerAction::<RefundOrder>::new(),
        resolve: ServerAction::<ResolveOrder>::new(),
        resend: ServerAction::<ResendEsimEmail>::new(),
    };
    let order = Resource::new(move || (id(), actions.version()), |(id, _)| get_order(id));
    view! {
        <AdminLayout title="Order">
            <header class="page-header">
                <p><a href="/admin/orders">"← All orders"</a></p>
                <h1>"Order " <code>{id}</code></h1>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(Some(order)) => view! { <OrderView order actions/> }.into_any(),
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

/// What `?done=<action>` says.
fn done_message(action: &str) -> Option<&'static str> {
    match action {
        "retry_fulfilment" => Some("Fulfilment is running again."),
        "refund" => Some("The refund has started."),
        "resolve" => Some("The order is marked resolved."),
        "resend_esim_email" => Some("The eSIM email is on its way again, with a new order link."),
        _ => None,
    }
}

/// The actions this order's state allows, as `(action, button label)`.
fn available_actions(order: &OrderDetail) -> Vec<(&'static str, &'static str)> {
    let mut actions = Vec::new();
    if matches!(order.status, OrderStatus::Paid | OrderStatus::Provisioning) {
        actions.push(("retry_fulfilment", "Retry fulfilment"));
    }
    if matches!(
        order.status,
        OrderStatus::Paid | OrderStatus::Provisioning | OrderStatus::Ready
    ) {
        actions.push(("refund", "Refund"));
    }
    if order.status == OrderStatus::Ready && order.topup_iccid.is_none() {
        actions.push(("resend_esim_email", "Resend eSIM email"));
    }
    actions.push(("resolve", "Mark resolved"));
    actions
}

#[component]
fn OrderActions(order: OrderDetail, actions: Actions) -> impl IntoView {
    let query = use_query_map();
    let confirm = move || query.read().get("confirm").filter(|v| !v.is_empty());
    let done = move || {
        query
            .read()
            .get("done")
            .and_then(|done| done_message(&done))
    };
    let href = admin_order_href(&order.id);
    let buttons = available_actions(&order);
    let buttons = move || {
        buttons
            .iter()
            .map(|(action, label)| {
                let link = format!("{href}?confirm={action}");
                view! { <a class="button button-secondary" href=link>{*label}</a> " " }
            })
            .collect_view()
    };
    view! {
        <section class="section" aria-labelledby="actions">
            <h2 id="actions">"Actions"</h2>
            {move || done().map(|message| view! {
                <p class="notice notice-ok" role="status">{message}</p>
            })}
            {move || match confirm() {
                Some(action) => view! { <Confirm order=order.clone() action actions/> }.into_any(),
                None => view! { <p class="admin-actions">{buttons()}</p> }.into_any(),
            }}
        </section>
    }
}

/// The confirmation step of one action: what it will do, then the form that does it.
#[component]
fn Confirm(order: OrderDetail, action: String, actions: Actions) -> impl IntoView {
    let action_id = Resource::new(move || actions.version(), |_| new_action_id());
    let cancel = admin_order_href(&order.id);
    let id = order.id.clone();
    let hidden = move |action_id: String| {
        view! {
            <input type="hidden" name="order_id" value=id.clone()/>
            <input type="hidden" name="action_id" value=action_id/>
        }
    };
    let error_of = move |error: Option<ServerFnError>| {
        error.map(|error| view! { <p class="field-error" role="alert">{error_message(&error)}</p> })
    };
    let amount = order.amount.to_string();
    let email = order.email.clone();
    let form = move |action_id: String| {
        match action.as_str() {
        "retry_fulfilment" => view! {
            <ActionForm action=actions.retry>
                <p>"Runs this order's fulfilment at its provider again now. The provider order carries the same idempotency key, so no second eSIM is issued."</p>
                {hidden(action_id)}
                {move || error_of(actions.retry.value().get().and_then(Result::err))}
                <button type="submit">"Confirm retry"</button>
            </ActionForm>
        }
        .into_any(),
        "refund" => view! {
            <ActionForm action=actions.refund>
                <p>"Refunds " <strong data-testid="refund-amount">{amount.clone()}</strong>
                   " to the traveller in full. An order still without its eSIM fails; a delivered eSIM's package is ended at the provider where it allows it."</p>
                {hidden(action_id)}
                <label for="refund-reason">"Reason"</label>
                <input id="refund-reason" name="reason" type="text" required maxlength="1000"/>
                {move || error_of(actions.refund.value().get().and_then(Result::err))}
                <button type="submit">{format!("Confirm refund of {amount}")}</button>
            </ActionForm>
        }
        .into_any(),
        "resolve" => view! {
            <ActionForm action=actions.resolve>
                <p>"Marks the order resolved: it leaves the dashboard's list of orders that need a person."</p>
                {hidden(action_id)}
                <label for="resolve-note">"Note"</label>
                <textarea id="resolve-note" name="note" required maxlength="1000"></textarea>
                {move || error_of(actions.resolve.value().get().and_then(Result::err))}
                <button type="submit">"Confirm resolved"</button>
            </ActionForm>
        }
        .into_any(),
        "resend_esim_email" => view! {
            <ActionForm action=actions.resend>
                <p>"Sends the eSIM email (install QR code and manual codes) to " <strong>{email.clone()}</strong> " again, with a new link to the order page (earlier links keep working)."</p>
                {hidden(action_id)}
                {move || error_of(actions.resend.value().get().and_then(Result::err))}
                <button type="submit">"Confirm resend"</button>
            </ActionForm>
        }
        .into_any(),
        _ => view! { <p class="notice" role="alert">"There is no such action."</p> }.into_any(),
    }
    };
    view! {
        <div class="form-card" data-testid="confirm-action">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {
                    let form = form.clone();
                    move || {
                        let form = form.clone();
                        Suspend::new(async move {
                            match action_id.await {
                                Ok(action_id) => form(action_id).into_any(),
                                Err(error) => view! {
                                    <p class="field-error" role="alert">{error_message(&error)}</p>
                                }
                                .into_any(),
                            }
                        })
                    }
                }
            </Suspense>
            <p><a href=cancel>"Cancel"</a></p>
        </div>
    }
}

#[component]
fn OrderView(order: OrderDetail, actions: Actions) -> impl IntoView {
    let for_actions = order.clone();
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
        (
            "eSIM after refund",
            order
                .late_esim
                .as_ref()
                .map(domain::admin::LateEsim::summary),
        ),
        (
            "Resolved",
            order.resolved.map(|resolved| {
                format!(
                    "{} by {}: {}",
                    admin_time(Some(resolved.at)),
                    resolved.by,
                    resolved.note
                )
            }),
        ),
    ];
    view! {
        <section class="section" aria-labelledby="summary">
            <h2 id="summary">"Summary"</h2>
            <dl class="facts admin-facts">
                {facts.into_iter().map(|(label, value)| view! {
                    <div>
                        <dt>{label}</dt>
                        <dd>{match (label, value) {
                            ("Email", Some(email)) => {
                                let href = admin_customer_href(&email);
                                view! { <a href=href>{email}</a> }.into_any()
                            }
                            (_, value) => value.unwrap_or_else(|| "—".to_owned()).into_any(),
                        }}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
        <OrderActions order=for_actions actions/>
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
        <AdminTable headings=&["Job", "State", "Attempts", "Runs / ran", "Last error"]>
                    {jobs.into_iter().map(|job| view! {
                        <tr data-testid="job-row">
                            <td>{job.kind}</td>
                            <td>{job.state}</td>
                            <td class="number">{job.attempts}</td>
                            <td>{admin_time(Some(job.run_at))}</td>
                            <td>{job.last_error.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
        </AdminTable>
    }
    .into_any()
}

#[component]
fn Emails(emails: Vec<OrderEmail>) -> impl IntoView {
    if emails.is_empty() {
        return view! { <p class="muted">"No emails."</p> }.into_any();
    }
    view! {
        <AdminTable headings=&["Email", "Subject", "To", "Written", "Sent"]>
                    {emails.into_iter().map(|email| view! {
                        <tr data-testid="email-row">
                            <td>{email.kind}</td>
                            <td>{email.subject}</td>
                            <td>{email.recipient}</td>
                            <td>{admin_time(Some(email.created_at))}</td>
                            <td>{email.sent_at.map_or_else(|| "not yet".to_owned(), |at| admin_time(Some(at)))}</td>
                        </tr>
                    }).collect_view()}
        </AdminTable>
    }
    .into_any()
}
