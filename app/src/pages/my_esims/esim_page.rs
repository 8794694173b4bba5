//! `/my-esims/{iccid}`: one eSIM of the signed-in traveller: its state and the data left, how to
//! install and start it, and every package on it, with renaming, "Show my QR again", cancelling an
//! unused package for a refund, and a way to top up. Every action is a form that works without
//! JavaScript. Once visited, the page is kept by the service worker so it opens offline.

use super::esim_caption;
use super::my_esims_page::{expiry_text, queued_text};
use crate::api::my_esim::{
    error_message, is_esim_not_found, is_sign_in_required, my_esim, CancelPackage, ReissueQr,
    RenameEsim,
};
use crate::components::account::SignInPanel;
use crate::components::clock::{utc_date_time, LiveTime, TimeText};
use crate::components::install_guide::InstallGuide;
use crate::components::load_error::LoadError;
use crate::components::page_meta::PageMeta;
use crate::components::state_badge::StateBadge;
use crate::components::status::set_unavailable;
use crate::components::usage_meter::UsageMeter;
use crate::links::esim_href;
use crate::pages::not_found_page::NotFoundPage;
use domain::install::ESIM_FEE_RULE;
use domain::my_esim::{EsimDetail, EsimSummary, PackageView};
use domain::{Money, PackageState};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

const FRESH_QR: &str =
    "Here is your QR code again, just fetched from the network. It is the same eSIM: install it only once.";
const STALE_QR: &str =
    "We could not reach the network just now, so this is the QR code we already had. It still works.";

/// The page's actions, kept outside the data so their outcome survives reloading the eSIM.
#[derive(Clone, Copy)]
struct EsimActions {
    rename: ServerAction<RenameEsim>,
    reissue: ServerAction<ReissueQr>,
    cancel: ServerAction<CancelPackage>,
}

#[component]
pub fn EsimPage() -> impl IntoView {
    let params = use_params_map();
    let iccid = move || params.read().get("iccid").unwrap_or_default();
    let detail = Resource::new(iccid, my_esim);
    let actions = EsimActions {
        rename: ServerAction::new(),
        reissue: ServerAction::new(),
        cancel: ServerAction::new(),
    };
    view! {
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"Loading your eSIM…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <EsimView detail actions/> }.into_any(),
                    Err(error) if is_sign_in_required(&error) => {
                        let next = esim_href(&params.read_untracked().get("iccid").unwrap_or_default());
                        view! { <SignInPanel next/> }.into_any()
                    }
                    Err(error) if is_esim_not_found(&error) => view! { <NotFoundPage/> }.into_any(),
                    Err(_) => {
                        set_unavailable();
                        view! { <LoadError/> }.into_any()
                    }
                }
            })}
        </Transition>
        // A file, not an inline script: the policy allows no inline script without the
        // server's nonce, which a page rendered in the browser after navigating lacks.
        <script src="/offline.js" defer></script>
    }
}

#[component]
fn EsimView(detail: EsimDetail, actions: EsimActions) -> impl IntoView {
    let EsimDetail {
        summary,
        install,
        packages,
        can_top_up,
        refresh_error,
    } = detail;
    let EsimSummary {
        iccid,
        label,
        destination,
        state,
        current,
        queued,
        synced_at,
    } = summary;
    let href = esim_href(&iccid);
    let query = use_query_map();
    // Set after a form posted without JavaScript.
    let reissued = query.read_untracked().get("reissued");
    let cancelled = query.read_untracked().get("cancelled").filter(|id| {
        packages
            .iter()
            .any(|p| &p.id == id && p.state == PackageState::Terminated)
    });
    let rename_error = move || {
        actions
            .rename
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_message(&error))
    };
    let reissue_notice = move || match actions.reissue.value().get() {
        Some(Ok(fresh)) if fresh.refresh_error.is_some() => Some(STALE_QR.to_owned()),
        Some(Ok(_)) => Some(FRESH_QR.to_owned()),
        Some(Err(error)) => Some(error_message(&error)),
        None => reissued
            .as_deref()
            .map(|fresh| if fresh == "1" { FRESH_QR } else { STALE_QR }.to_owned()),
    };
    let cancel_notice = move || {
        match actions.cancel.value().get() {
        Some(Ok(refund)) => Some(format!(
            "Package cancelled. {refund} is on its way back to you; refunds usually appear within 5–10 days."
        )),
        _ => cancelled.as_ref().map(|_| {
            "Package cancelled. Your refund is on its way; refunds usually appear within 5–10 days."
                .to_owned()
        }),
    }
    };
    let reissuing = actions.reissue.pending();
    let expiry = current.clone();
    let (rename_iccid, reissue_iccid) = (iccid.clone(), iccid.clone());
    view! {
        <PageMeta
            title=format!("{label} · My eSIMs · Tern")
            description=format!("Install details, data left and packages for your {destination} eSIM.")
            path=href.clone()
        />
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href="/my-esims">"All your eSIMs"</a>
        </nav>
        <header class="page-header esim-header">
            <h1>{label.clone()}</h1>
            <p class="lede">{esim_caption(&destination, &iccid)}</p>
            <StateBadge word=state.as_str() plain=state.plain_words() testid="esim-state"/>
            <details class="rename" open=move || rename_error().is_some()>
                <summary>"Rename"</summary>
                <ActionForm action=actions.rename>
                    <input type="hidden" name="iccid" value=rename_iccid/>
                    <label for="esim-label">"Name for this eSIM"</label>
                    <input id="esim-label" name="label" required maxlength="40" value=label/>
                    {move || rename_error().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
                    <button type="submit">"Save name"</button>
                </ActionForm>
            </details>
        </header>
        <section class="section esim-data" aria-labelledby="data-heading">
            <h2 id="data-heading">"Data"</h2>
            {match current {
                Some(package) => view! {
                    <p class="muted">{format!("Now: {}", package.name)}</p>
                    <UsageMeter usage=package.usage label=format!("Data used on {}", package.name)/>
                }
                .into_any(),
                None => view! { <p>"No package is running on this eSIM."</p> }.into_any(),
            }}
            <p class="expiry"><LiveTime text=expiry_text(state, expiry.as_ref())/></p>
            {queued_text(queued).map(|text| view! { <p class="queued">{text}</p> })}
            <p class="freshness muted" data-testid="freshness"><LiveTime text=TimeText::Freshness(synced_at)/></p>
            {refresh_error.map(|message| view! { <p class="notice notice-gentle" role="status">{message}</p> })}
        </section>
        <InstallGuide esim=install/>
        <div class="install-actions">
            <ActionForm action=actions.reissue>
                <input type="hidden" name="iccid" value=reissue_iccid/>
                <button type="submit" class="button-quiet" disabled=move || reissuing.get()>
                    {move || if reissuing.get() { "Fetching your QR…" } else { "Show my QR again" }}
                </button>
            </ActionForm>
            <a class="button button-quiet" href=format!("{href}/install-pack")>"Download install pack"</a>
            <p id="offline-ready" class="muted offline-ready" hidden>"Saved for offline use: this page opens without a connection."</p>
        </div>
        {move || reissue_notice().map(|message| view! { <p class="notice" role="status">{message}</p> })}
        <section class="section" id="packages" aria-labelledby="packages-heading">
            <h2 id="packages-heading">"Packages"</h2>
            {move || cancel_notice().map(|message| view! { <p class="notice notice-ok" role="status">{message}</p> })}
            <ul class="packages">
                {packages
                    .into_iter()
                    .map(|package| view! { <PackageRow package href=href.clone() iccid=iccid.clone() cancel=actions.cancel/> })
                    .collect_view()}
            </ul>
            {can_top_up.then(|| view! {
                <p><a class="button" href=format!("{href}/top-up")>"Top up this eSIM"</a></p>
            })}
        </section>
    }
}

fn date_or(at: Option<i64>, otherwise: &str) -> String {
    at.map(utc_date_time)
        .unwrap_or_else(|| otherwise.to_owned())
}

#[component]
fn PackageRow(
    package: PackageView,
    href: String,
    iccid: String,
    cancel: ServerAction<CancelPackage>,
) -> impl IntoView {
    let PackageView {
        id,
        name,
        state,
        usage,
        bought_at,
        activated_at,
        expires_at,
        refund,
        is_top_up,
    } = package;
    let anchor = format!("package-{id}");
    // When it ends; a cancelled package ended when it was cancelled, which is not stored.
    let ends = match state {
        PackageState::Pending => Some(match expires_at {
            Some(at) => ("Start by", utc_date_time(at)),
            None => ("Expires", "Counted from when it starts".to_owned()),
        }),
        PackageState::Active => Some(("Expires", date_or(expires_at, "—"))),
        PackageState::Expired => Some(("Ended", date_or(expires_at, "—"))),
        PackageState::Terminated => None,
    };
    view! {
        <li class="package" id=anchor data-testid="package">
            <div class="package-head">
                <h3>{name.clone()}</h3>
                {is_top_up.then(|| view! { <span class="badge badge-topup">"Top-up"</span> })}
            </div>
            <StateBadge word=state.as_str() plain=state.plain_words() testid="package-state"/>
            <UsageMeter usage label=format!("Data used on {name}")/>
            <dl class="package-times">
                <div><dt>"Bought"</dt><dd>{date_or(bought_at, "—")}</dd></div>
                <div><dt>"Activated"</dt><dd>{date_or(activated_at, "Not yet")}</dd></div>
                {ends.map(|(label, at)| view! { <div><dt>{label}</dt><dd>{at}</dd></div> })}
            </dl>
            {refund.map(|amount| view! { <CancelForm amount package_id=id href iccid cancel/> })}
        </li>
    }
}

/// "Cancel and refund": the first press shows the fee rule and asks again; the second cancels.
/// Without JavaScript the first press reloads the page with `?cancel={id}`.
#[component]
fn CancelForm(
    amount: Money,
    package_id: String,
    href: String,
    iccid: String,
    cancel: ServerAction<CancelPackage>,
) -> impl IntoView {
    let query = use_query_map();
    let asked =
        RwSignal::new(query.read_untracked().get("cancel").as_deref() == Some(package_id.as_str()));
    let anchor = format!("package-{package_id}");
    let error = move || {
        cancel
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_message(&error))
    };
    let cancelling = cancel.pending();
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        asked.set(true);
    };
    let keep = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        asked.set(false);
    };
    let ask_view = view! {
        <form class="cancel-ask" method="get" action=format!("{href}#{anchor}") on:submit=ask>
            <input type="hidden" name="cancel" value=package_id.clone()/>
            <button type="submit" class="button-quiet">{format!("Cancel and refund {amount}")}</button>
        </form>
    };
    let confirm_view = view! {
        <div class="confirm" role="group" aria-label="Confirm cancelling this package">
            <p><strong>{format!("Cancel this package and get {amount} back?")}</strong></p>
            <p class="muted">{ESIM_FEE_RULE}</p>
            <ActionForm action=cancel>
                <input type="hidden" name="iccid" value=iccid/>
                <input type="hidden" name="package_id" value=package_id/>
                {move || error().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
                <div class="confirm-buttons">
                    <button type="submit" class="button-danger" disabled=move || cancelling.get()>
                        {format!("Yes, cancel and refund {amount}")}
                    </button>
                    <a href=format!("{href}#{anchor}") on:click=keep>"Keep it"</a>
                </div>
            </ActionForm>
        </div>
    };
    view! {
        <div class="cancel">
            <div hidden=move || asked.get()>{ask_view}</div>
            <div hidden=move || !asked.get()>{confirm_view}</div>
        </div>
    }
}
