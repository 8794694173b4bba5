//! A signed-in traveller's eSIMs: signing in, the list, one eSIM with its install details and
//! packages, top-ups, cancelling a package. Every function that opens an eSIM hands the store only
//! the signed-in account's id, so someone else's ICCID answers exactly like an unknown one.

mod cancel_package;
mod get_my_esim;
mod get_sign_in_link;
mod list_my_esims;
mod reissue_qr;
mod rename_esim;
mod request_sign_in;
mod signed_in;
mod start_top_up;
mod top_up_offers;

pub use cancel_package::*;
pub use get_my_esim::*;
pub use get_sign_in_link::*;
pub use list_my_esims::*;
pub use reissue_qr::*;
pub use rename_esim::*;
pub use request_sign_in::*;
pub use signed_in::*;
pub use start_top_up::*;
pub use top_up_offers::*;

use leptos::prelude::ServerFnError;

/// What a guest is told by every signed-in-only function; pages show a sign-in link instead.
pub const SIGN_IN_REQUIRED: &str = "Please sign in to see your eSIMs.";
/// What an unknown eSIM and someone else's both answer.
pub const ESIM_NOT_FOUND: &str = "eSIM not found.";

/// Whether the error asks the traveller to sign in.
pub fn is_sign_in_required(error: &ServerFnError) -> bool {
    matches!(error, ServerFnError::ServerError(message) if message == SIGN_IN_REQUIRED)
}

/// Whether the error says the eSIM is unknown (or not the traveller's).
pub fn is_esim_not_found(error: &ServerFnError) -> bool {
    matches!(error, ServerFnError::ServerError(message) if message == ESIM_NOT_FOUND)
}

/// The message to show for a failed call: the server's own (always safe to show), or a hint
/// about the connection when the server was never reached.
pub fn error_message(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        _ => "We couldn't reach Tern. Please check your connection and try again.".to_owned(),
    }
}

/// Server-side steps the functions share.
#[cfg(feature = "ssr")]
mod owned {
    use super::ESIM_NOT_FOUND;
    use crate::state::{internal, AppState};
    use domain::my_esim::EsimDetail;
    use leptos::prelude::ServerFnError;
    use store::esims::OwnedEsim;

    /// The "not found" answer, also marking the response 404 (except for a plain form post,
    /// which is answered with a redirect).
    pub(super) fn not_found() -> ServerFnError {
        crate::form_post::set_error_status(http::StatusCode::NOT_FOUND);
        ServerFnError::new(ESIM_NOT_FOUND)
    }

    /// A provider's failure the traveller can retry later: answered 503.
    pub(super) fn provider_unavailable(message: String) -> ServerFnError {
        crate::form_post::set_error_status(http::StatusCode::SERVICE_UNAVAILABLE);
        ServerFnError::new(message)
    }

    /// The eSIM if the account owns it; otherwise "not found", whoever it belongs to.
    pub(super) async fn owned_esim(
        state: &AppState,
        account_id: &str,
        iccid: &str,
    ) -> Result<OwnedEsim, ServerFnError> {
        store::esims::owned_esim(&state.db, account_id, iccid)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)
    }

    /// Everything the eSIM page shows, with what its provider allows.
    pub(super) async fn detail(
        state: &AppState,
        account_id: &str,
        esim: &OwnedEsim,
        refresh_error: Option<String>,
    ) -> Result<EsimDetail, ServerFnError> {
        let caps = state.provider(&esim.provider)?.capabilities();
        store::esims::detail_for_account(
            &state.db,
            &state.care,
            account_id,
            &esim.iccid,
            caps.top_up,
            caps.terminate,
            refresh_error,
        )
        .await
        .map_err(internal)?
        .ok_or_else(not_found)
    }
}
