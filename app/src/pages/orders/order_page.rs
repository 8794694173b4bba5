//! `/order/{id}?token=…`: live progress from payment to eSIM, then everything needed to install it.
//! A top-up order ends with the data added to the traveller's eSIM instead: nothing to install.

use crate::api::orders::{get_order, order_moment};
use crate::components::install_guide::InstallGuide;
use crate::components::load_error::LoadError;
use crate::components::secret_address::SecretAddress;
use crate::links::{esim_href, sign_in_href};
use crate::pages::not_found_page::NotFoundPage;
use domain::{OrderPage as Order, OrderStatus};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// Without JavaScript, a moving order's page reloads this often.
const REFRESH_SECONDS: u64 = 2;
/// With JavaScript, the page asks where the order is this often (a few bytes) and is shown again
/// only when that changes.
#[cfg(feature = "hydrate")]
const WATCH_MILLIS: u64 = 500;

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let token = move || query.read().get("token").unwrap_or_default();
    let returned = move || query.read().get("session_id").is_some();
    let order = Resource::new(
        move || (id(), token(), returned()),
        |(id, token, returned)| get_order(id, token, returned),
    );

    view! {
        <SecretAddress/>
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"Loading your order…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(Some(order)) => {
                        let watch = in_progress(order.status).then(|| view! {
                            <OrderWatch
                                order_id=order.order_id.clone()
                                token=token()
                                returned=returned()
                                seen=order.moment()
                            />
                        });
                        view! { {watch} <OrderDetail order/> }.into_any()
                    }
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(_) => view! { <LoadError/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn in_progress(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::AwaitingPayment
            | OrderStatus::Paid
            | OrderStatus::Provisioning
            | OrderStatus::Failed
            | OrderStatus::Refunding
    )
}

/// The headline and the sentence under it, for a new eSIM or a top-up.
fn wording(status: OrderStatus, top_up: bool) -> (&'static str, &'static str) {
    match (status, top_up) {
        (OrderStatus::AwaitingPayment, false) => ("Waiting for your payment", "As soon as the payment is confirmed we order your eSIM."),
        (OrderStatus::AwaitingPayment, true) => ("Waiting for your payment", "As soon as the payment is confirmed we add the data to your eSIM."),
        (OrderStatus::Paid | OrderStatus::Provisioning, false) => ("We're preparing your eSIM", "Payment received. This usually takes a few seconds; this page updates by itself."),
        (OrderStatus::Paid | OrderStatus::Provisioning, true) => ("We're adding your top-up", "Payment received. This usually takes a few seconds; this page updates by itself."),
        (OrderStatus::Ready, false) => ("Your eSIM is ready", "Install it now, while you have Wi-Fi. We also emailed you the QR code."),
        (OrderStatus::Ready, true) => ("Top-up added", "It starts automatically when the current data runs out or expires. There is nothing to install."),
        (OrderStatus::Failed | OrderStatus::Refunding, false) => ("We couldn't issue your eSIM", "Our provider could not issue it, so we are refunding your payment in full. No action is needed."),
        (OrderStatus::Failed | OrderStatus::Refunding, true) => ("We couldn't add your top-up", "The network could not add it, so we are refunding your payment in full. No action is needed."),
        (OrderStatus::Refunded, _) => ("Your payment was refunded", "We refunded your payment in full. Refunds usually appear within 5–10 days."),
        (OrderStatus::Expired | OrderStatus::Cancelled, _) => ("This checkout was not completed", "You were not charged. You can start again at any time."),
    }
}

#[component]
fn OrderDetail(order: Order) -> impl IntoView {
    let status = order.status;
    let top_up = order.top_up_iccid.clone();
    let (headline, explanation) = wording(status, top_up.is_some());
    let (steps, again) = match &top_up {
        Some(iccid) => (
            TOP_UP_STEPS,
            (
                format!("{}/top-up", esim_href(iccid)),
                "Choose a top-up again",
            ),
        ),
        None => (
            NEW_ESIM_STEPS,
            (format!("/plan/{}", order.plan_id), "Choose this plan again"),
        ),
    };
    let delivered = match (top_up, order.esim.clone()) {
        // A top-up adds data to an eSIM the traveller has: nothing to install.
        (Some(iccid), _) => (status == OrderStatus::Ready).then(|| view! {
            <p><a class="button" href=esim_href(&iccid)>"Open your eSIM"</a></p>
        }.into_any()),
        (None, Some(esim)) => Some(view! {
            <InstallGuide esim/>
            <p class="manage"><a href=sign_in_href("/my-esims")>"Manage it any time in My eSIMs"</a></p>
        }.into_any()),
        (None, None) => None,
    };
    view! {
        <Title text=format!("{headline} · Tern")/>
        {in_progress(status).then(|| view! {
            // Without JavaScript the browser reloads the page instead.
            <noscript><meta http-equiv="refresh" content=REFRESH_SECONDS.to_string()/></noscript>
        })}
        <header class="page-header">
            <h1>{headline}</h1>
            <p class="lede" role="status" aria-live="polite">{explanation}</p>
            {order.progress.clone().map(|progress| view! {
                <p class="order-progress" data-testid="order-progress">
                    {progress.stage}
                    <span class="muted">{format!(" · checked {} {}", progress.checks, if progress.checks == 1 { "time" } else { "times" })}</span>
                </p>
            })}
        </header>
        <Progress status steps/>
        {order.payment_url.clone().map(|url| view! { <p><a class="button" href=url>"Complete payment"</a></p> })}
        {matches!(status, OrderStatus::Expired | OrderStatus::Cancelled).then(|| view! {
            <p><a class="button" href=again.0>{again.1}</a></p>
        })}
        {delivered}
        <OrderSummary order/>
    }
}

#[component]
fn OrderSummary(order: Order) -> impl IntoView {
    view! {
        <section class="section order-summary" aria-labelledby="summary">
            <h2 id="summary">"Order"</h2>
            <dl class="facts">
                <div><dt>"Plan"</dt><dd>{order.plan_title}</dd></div>
                <div><dt>"Paid"</dt><dd>{order.amount.to_string()}</dd></div>
                <div><dt>"Email"</dt><dd>{order.email}</dd></div>
                <div><dt>"Order number"</dt><dd><code>{order.order_id}</code></dd></div>
            </dl>
        </section>
    }
}

const NEW_ESIM_STEPS: [&str; 3] = ["Payment received", "Preparing your eSIM", "eSIM ready"];
const TOP_UP_STEPS: [&str; 3] = ["Payment received", "Adding your data", "Data added"];

/// Paid → preparing → ready, with the current step marked.
#[component]
fn Progress(status: OrderStatus, steps: [&'static str; 3]) -> impl IntoView {
    let reached = match status {
        OrderStatus::Paid => 1,
        OrderStatus::Provisioning => 2,
        OrderStatus::Ready => 3,
        _ => 0,
    };
    if reached == 0 {
        return None;
    }
    Some(view! {
        <ol class="progress" aria-label="Order progress">
            {steps.into_iter().enumerate().map(|(index, label)| {
                let step = index + 1;
                let state = if step < reached || reached == 3 { "done" } else if step == reached { "current" } else { "todo" };
                view! {
                    <li class=state aria-current=(step == reached).then_some("step")>{label}</li>
                }
            }).collect_view()}
        </ol>
    })
}

/// While the order moves, asks where it is and shows the page again once that differs from
/// `seen`, the moment the page was rendered at: an island with nothing to show.
#[island]
fn OrderWatch(order_id: String, token: String, returned: bool, seen: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                let (order_id, token, seen) = (order_id.clone(), token.clone(), seen.clone());
                leptos::task::spawn_local(async move {
                    // A failed check (offline, say) is simply tried again at the next tick.
                    if let Ok(Some(now)) = order_moment(order_id, token, returned).await {
                        if now != seen {
                            let _ = window().location().reload();
                        }
                    }
                });
            },
            std::time::Duration::from_millis(WATCH_MILLIS),
        );
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (order_id, token, returned, seen, order_moment);
}
