//! `/my-esims`: every eSIM of the signed-in traveller as a card: its state, the data left on the
//! package in use, when it expires, top-ups waiting, and how fresh the figures are.

use super::esim_caption;
use crate::api::my_esim::{is_sign_in_required, my_esims};
use crate::components::account::SignInPanel;
use crate::components::clock::{LiveTime, TimeText};
use crate::components::load_error::LoadError;
use crate::components::page_meta::PageMeta;
use crate::components::state_badge::StateBadge;
use crate::components::status::set_unavailable;
use crate::components::usage_meter::UsageMeter;
use crate::links::esim_href;
use domain::my_esim::{EsimSummary, PackageView};
use domain::{EsimState, PackageState};
use leptos::prelude::*;
use leptos_meta::Meta;

#[component]
pub fn MyEsimsPage() -> impl IntoView {
    let esims = Resource::new(|| (), |()| my_esims());
    view! {
        <PageMeta
            title="My eSIMs · Tern".to_owned()
            description="Your eSIMs: data left, expiry dates, install details and top-ups.".to_owned()
            path="/my-esims".to_owned()
        />
        <Meta name="robots" content="noindex"/>
        <header class="page-header">
            <h1>"My eSIMs"</h1>
        </header>
        <Suspense fallback=|| view! { <p class="loading">"Loading your eSIMs…"</p> }>
            {move || Suspend::new(async move {
                match esims.await {
                    Ok(list) if list.is_empty() => view! { <NoEsims/> }.into_any(),
                    Ok(list) => view! {
                        <ul class="esim-list">
                            {list.into_iter().map(|esim| view! { <EsimCard esim/> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) if is_sign_in_required(&error) => {
                        view! { <SignInPanel next="/my-esims"/> }.into_any()
                    }
                    Err(_) => {
                        set_unavailable();
                        view! { <LoadError/> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn NoEsims() -> impl IntoView {
    view! {
        <section class="notice">
            <h2>"No eSIMs here yet"</h2>
            <p>"eSIMs bought with the email address you signed in with appear here, with the data left on them."</p>
            <p><a class="button" href="/">"Browse destinations"</a></p>
        </section>
    }
}

/// When the package in use ends, in words; `None` when there is nothing to say.
pub(super) fn expiry_text(state: EsimState, current: Option<&PackageView>) -> TimeText {
    let fixed = |text: &str| TimeText::Fixed(text.to_owned());
    match current {
        Some(package) if package.state == PackageState::Pending => {
            fixed("Starts when you first connect")
        }
        Some(package) if package.state.is_over() => fixed("Expired"),
        Some(package) => match package.expires_at {
            Some(at) => TimeText::ExpiresIn(at),
            None => fixed(""),
        },
        None if matches!(state, EsimState::Expired | EsimState::Blocked) => fixed("Expired"),
        None => fixed(""),
    }
}

/// "+1 top-up waiting", "+2 top-ups waiting".
pub(super) fn queued_text(queued: u32) -> Option<String> {
    match queued {
        0 => None,
        1 => Some("+1 top-up waiting".to_owned()),
        n => Some(format!("+{n} top-ups waiting")),
    }
}

#[component]
fn EsimCard(esim: EsimSummary) -> impl IntoView {
    let EsimSummary {
        iccid,
        label,
        destination,
        state,
        current,
        queued,
        synced_at,
    } = esim;
    let href = esim_href(&iccid);
    let expiry = current.clone();
    view! {
        <li class="esim-card" data-testid="esim-card">
            <h2 class="esim-card-title"><a href=href.clone()>{label}</a></h2>
            <p class="muted">{esim_caption(&destination, &iccid)}</p>
            <StateBadge word=state.as_str() plain=state.plain_words() testid="esim-state"/>
            {current.map(|package| view! {
                <UsageMeter usage=package.usage label=format!("Data used on {}", package.name)/>
            })}
            <p class="expiry"><LiveTime text=expiry_text(state, expiry.as_ref())/></p>
            {queued_text(queued).map(|text| view! { <p class="queued">{text}</p> })}
            <p class="freshness muted" data-testid="freshness"><LiveTime text=TimeText::Freshness(synced_at)/></p>
            <p><a class="button button-quiet" href=href>"Details and install"</a></p>
        </li>
    }
}
