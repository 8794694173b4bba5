//! Who is signed in, shared by the header and the pages, and the panel a guest sees on a
//! signed-in-only page.

use crate::api::my_esim::signed_in;
use crate::components::status::set_unauthorized;
use crate::links::sign_in_href;
use domain::my_esim::Traveller;
use leptos::prelude::*;

/// The signed-in traveller, loaded once per visit by `provide_traveller`.
pub type TravellerResource = OnceResource<Result<Option<Traveller>, ServerFnError>>;

/// Loads who is signed in once per visit and shares it with the header and every page.
pub fn provide_traveller() {
    provide_context::<TravellerResource>(OnceResource::new(signed_in()));
}

/// The signed-in traveller; `None` for a guest, or when it could not be checked.
pub async fn current_traveller() -> Option<Traveller> {
    match use_context::<TravellerResource>() {
        Some(traveller) => traveller.await.ok().flatten(),
        None => None,
    }
}

/// Shown instead of a signed-in-only page to a guest; the response is marked 401 so it is never
/// kept for offline use in place of the real page.
#[component]
pub fn SignInPanel(
    /// The page to come back to once signed in.
    #[prop(into)]
    next: String,
) -> impl IntoView {
    set_unauthorized();
    view! {
        <section class="notice sign-in-panel" aria-labelledby="sign-in-needed">
            <h2 id="sign-in-needed">"Sign in to see your eSIMs"</h2>
            <p>"We email you a link that signs you in: no password needed. Use the email address you bought your eSIM with."</p>
            <p><a class="button" href=sign_in_href(&next)>"Sign in"</a></p>
        </section>
    }
}
