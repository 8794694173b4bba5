//! `/order/{id}?token=…`: live progress from payment to eSIM, then everything needed to install it.

use crate::api::orders::get_order;
use crate::components::copy_button::CopyButton;
use crate::components::load_error::LoadError;
use crate::pages::not_found_page::NotFoundPage;
use domain::install::{AFTER_INSTALL, BEFORE_INSTALL};
use domain::{EsimInstall, OrderPage as Order, OrderStatus};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// While an order is moving, the page checks again this often.
const REFRESH_SECONDS: u64 = 2;

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

    // With JavaScript the page refreshes its data in place until the order settles.
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                let moving = order
                    .get_untracked()
                    .and_then(|r| r.ok())
                    .flatten()
                    .is_some_and(|o| in_progress(o.status));
                if moving {
                    order.refetch();
                }
            },
            std::time::Duration::from_secs(REFRESH_SECONDS),
        );
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    }

    view! {
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"Loading your order…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(Some(order)) => view! { <OrderDetail order/> }.into_any(),
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

#[component]
fn OrderDetail(order: Order) -> impl IntoView {
    let status = order.status;
    let headline = match status {
        OrderStatus::AwaitingPayment => "Waiting for your payment",
        OrderStatus::Paid | OrderStatus::Provisioning => "We're preparing your eSIM",
        OrderStatus::Ready => "Your eSIM is ready",
        OrderStatus::Failed | OrderStatus::Refunding => "We couldn't issue your eSIM",
        OrderStatus::Refunded => "Your payment was refunded",
        OrderStatus::Expired | OrderStatus::Cancelled => "This checkout was not completed",
    };
    let explanation = match status {
        OrderStatus::AwaitingPayment => "As soon as the payment is confirmed we order your eSIM.",
        OrderStatus::Paid | OrderStatus::Provisioning => "Payment received. This usually takes a few seconds; this page updates by itself.",
        OrderStatus::Ready => "Install it now, while you have Wi-Fi. We also emailed you the QR code.",
        OrderStatus::Failed | OrderStatus::Refunding => "Our provider could not issue it, so we are refunding your payment in full. No action is needed.",
        OrderStatus::Refunded => "We refunded your payment in full. Refunds usually appear within 5–10 days.",
        OrderStatus::Expired | OrderStatus::Cancelled => "You were not charged. You can start again at any time.",
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
        </header>
        <Progress status/>
        {order.payment_url.clone().map(|url| view! { <p><a class="button" href=url>"Complete payment"</a></p> })}
        {matches!(status, OrderStatus::Expired | OrderStatus::Cancelled).then(|| view! {
            <p><a class="button" href=format!("/plan/{}", order.plan_id)>"Choose this plan again"</a></p>
        })}
        {order.esim.clone().map(|esim| view! { <InstallPanel esim/> })}
        <section class="section order-summary" aria-labelledby="summary">
            <h2 id="summary">"Order"</h2>
            <dl class="facts">
                <div><dt>"Plan"</dt><dd>{order.plan_title.clone()}</dd></div>
                <div><dt>"Paid"</dt><dd>{order.amount.to_string()}</dd></div>
                <div><dt>"Email"</dt><dd>{order.email.clone()}</dd></div>
                <div><dt>"Order number"</dt><dd><code>{order.order_id.clone()}</code></dd></div>
            </dl>
        </section>
    }
}

/// Paid → preparing → ready, with the current step marked.
#[component]
fn Progress(status: OrderStatus) -> impl IntoView {
    let reached = match status {
        OrderStatus::Paid => 1,
        OrderStatus::Provisioning => 2,
        OrderStatus::Ready => 3,
        _ => 0,
    };
    if reached == 0 {
        return None;
    }
    let steps = ["Payment received", "Preparing your eSIM", "eSIM ready"];
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

#[component]
fn InstallPanel(esim: EsimInstall) -> impl IntoView {
    view! {
        <section class="section install" aria-labelledby="install">
            <h2 id="install">"01 Install your eSIM"</h2>
            <div class="before-install">
                <h3>"Before you install"</h3>
                <ul>{BEFORE_INSTALL.iter().map(|step| view! { <li>{*step}</li> }).collect_view()}</ul>
            </div>
            <div class="qr" role="img" aria-label="QR code to install your eSIM" inner_html=esim.qr_svg.clone()></div>
            <p class="muted">"Scan it from another screen: Settings → Mobile/Cellular → Add eSIM → Use QR code."</p>
            <div class="one-tap">
                <a class="button" href=esim.ios_link()>"Install on iPhone (iOS 17.4+, Safari)"</a>
                <a class="button" href=esim.android_link()>"Install on Android (10+)"</a>
            </div>
            <h3>"Or enter the details by hand"</h3>
            <dl class="facts manual">
                <div>
                    <dt>"SM-DP+ address"</dt>
                    <dd><code class="selectable">{esim.smdp_address.clone()}</code> <CopyButton value=esim.smdp_address.clone() label="SM-DP+ address"/></dd>
                </div>
                <div>
                    <dt>"Activation code"</dt>
                    <dd><code class="selectable">{esim.matching_id.clone()}</code> <CopyButton value=esim.matching_id.clone() label="activation code"/></dd>
                </div>
                <div>
                    <dt>"Full code (LPA)"</dt>
                    <dd><code class="selectable">{esim.lpa.clone()}</code></dd>
                </div>
                <div>
                    <dt>"ICCID"</dt>
                    <dd><code class="selectable">{esim.iccid.clone()}</code></dd>
                </div>
            </dl>
            <h2>"02 Start your eSIM"</h2>
            <p class="muted">"When you arrive:"</p>
            <ol>{AFTER_INSTALL.iter().map(|step| view! { <li>{*step}</li> }).collect_view()}</ol>
        </section>
    }
}
