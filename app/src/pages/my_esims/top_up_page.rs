//! `/my-esims/{iccid}/top-up`: more data for an eSIM the traveller already has. The add-on rules
//! come first, then the top-ups its network says fit it. Buying opens the secure checkout; without
//! JavaScript the form post is answered with a redirect to it.

use crate::api::my_esim::{
    error_message, is_esim_not_found, is_sign_in_required, top_up_offers, StartTopUp,
};
use crate::components::account::SignInPanel;
use crate::components::page_meta::PageMeta;
use crate::links::esim_href;
use crate::pages::not_found_page::NotFoundPage;
use domain::data::format_bytes;
use domain::install::ADD_ON_RULES;
use domain::my_esim::{TopUpOffer, TopUpPage as Offers};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TopUpPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let iccid = move || params.read().get("iccid").unwrap_or_default();
    let offers = Resource::new(iccid, top_up_offers);
    let buy = ServerAction::<StartTopUp>::new();
    let cancelled = query.read_untracked().get("cancelled").is_some();
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p class="loading">"Finding top-ups for your eSIM…"</p> }>
            {move || Suspend::new(async move {
                let iccid = params.read_untracked().get("iccid").unwrap_or_default();
                match offers.await {
                    Ok(page) => view! { <TopUpView page buy cancelled/> }.into_any(),
                    Err(error) if is_sign_in_required(&error) => {
                        view! { <SignInPanel next=format!("{}/top-up", esim_href(&iccid))/> }.into_any()
                    }
                    Err(error) if is_esim_not_found(&error) => view! { <NotFoundPage/> }.into_any(),
                    Err(error) => view! { <TopUpUnavailable iccid message=error_message(&error)/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The add-on rules, shown before anything can be bought.
#[component]
fn AddOnRules() -> impl IntoView {
    view! {
        <section class="addon-rules" data-testid="addon-rules" aria-labelledby="rules-heading">
            <h2 id="rules-heading">"Before you buy an add-on"</h2>
            <ol>{ADD_ON_RULES.iter().map(|rule| view! { <li>{*rule}</li> }).collect_view()}</ol>
        </section>
    }
}

/// The offers could not be loaded (the network operator is not answering, or the eSIM cannot be
/// topped up): say why, and lead back to the eSIM.
#[component]
fn TopUpUnavailable(iccid: String, message: String) -> impl IntoView {
    view! {
        <PageMeta
            title="Top up your eSIM · Tern".to_owned()
            description="Add more data to your eSIM.".to_owned()
            path=format!("{}/top-up", esim_href(&iccid))
        />
        <header class="page-header">
            <h1>"Top up your eSIM"</h1>
        </header>
        <AddOnRules/>
        <div class="notice notice-error" role="alert">
            <p>{message}</p>
            <p><a href=esim_href(&iccid)>"Back to your eSIM"</a></p>
        </div>
    }
}

#[component]
fn TopUpView(page: Offers, buy: ServerAction<StartTopUp>, cancelled: bool) -> impl IntoView {
    let Offers {
        iccid,
        label,
        destination,
        offers,
    } = page;
    let back = esim_href(&iccid);
    let error = move || {
        buy.value()
            .get()
            .and_then(Result::err)
            .map(|error| error_message(&error))
    };
    view! {
        <PageMeta
            title=format!("Top up {label} · Tern")
            description=format!("Add more data to your {destination} eSIM without reinstalling it.")
            path=format!("{back}/top-up")
        />
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href="/my-esims">"All your eSIMs"</a>
            <span aria-hidden="true">" › "</span>
            <a href=back.clone()>{label.clone()}</a>
        </nav>
        <header class="page-header">
            <h1>{format!("Top up {label}")}</h1>
            <p class="lede">{format!("More data for your {destination} eSIM, on the same eSIM: nothing to reinstall.")}</p>
        </header>
        {cancelled.then(|| view! {
            <p class="notice" role="status">"Payment cancelled; nothing was charged."</p>
        })}
        <AddOnRules/>
        <section class="section" aria-labelledby="offers-heading">
            <h2 id="offers-heading">"Top-ups for this eSIM"</h2>
            {move || error().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            {if offers.is_empty() {
                view! {
                    <div class="notice">
                        <p>"There are no top-ups for this eSIM right now. You can buy a new eSIM for your destination instead."</p>
                        <p><a href="/">"Browse destinations"</a></p>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <ul class="offers">
                        {offers
                            .into_iter()
                            .map(|offer| view! { <OfferCard offer iccid=iccid.clone() buy/> })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn OfferCard(offer: TopUpOffer, iccid: String, buy: ServerAction<StartTopUp>) -> impl IntoView {
    let TopUpOffer {
        plan_id,
        title,
        data_bytes,
        validity_days,
        price,
    } = offer;
    let data = data_bytes.map_or_else(|| "Unlimited data".to_owned(), format_bytes);
    let this_plan = plan_id.clone();
    // This offer is being bought: the checkout is opening (or about to).
    let opening = move || {
        buy.input()
            .get()
            .is_some_and(|input| input.plan_id == this_plan)
    };
    let busy = move || buy.pending().get() || matches!(buy.value().get(), Some(Ok(_)));
    view! {
        <li class="offer" data-testid="topup-offer">
            <h3>{title}</h3>
            <dl class="offer-facts">
                <div><dt>"Data"</dt><dd>{data}</dd></div>
                <div><dt>"Validity"</dt><dd>{format!("{validity_days} days from when it starts")}</dd></div>
                <div><dt>"Price"</dt><dd class="offer-price">{price.to_string()}</dd></div>
            </dl>
            <ActionForm action=buy>
                <input type="hidden" name="iccid" value=iccid/>
                <input type="hidden" name="plan_id" value=plan_id/>
                <button type="submit" class="buy-button" disabled=busy>
                    {move || if opening() { "Opening secure checkout…".to_owned() } else { format!("Buy for {price}") }}
                </button>
            </ActionForm>
        </li>
    }
}
