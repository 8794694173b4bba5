//! Travellers' eSIMs after delivery: every package with its usage as the provider last reported
//! it, refreshed on a schedule and by provider webhooks; low-data alerts; top-ups; cancelling an
//! unused package for a refund.

mod alerts;
mod cancel;
mod policy;
mod record;
mod sync;
mod topup;
mod view;
mod webhook;

pub use cancel::{cancel_package, CancelError, Cancelled};
pub use policy::CarePolicy;
pub use record::{owned_esim, record_delivery, OwnedEsim};
pub use sync::{due_for_refresh, refresh, stale_for_account, RefreshOutcome};
pub use topup::{start_top_up, top_up_offers, TopUpChoice, TopUpError};
pub use view::{detail_for_account, install_pack, list_for_account, rename, EsimPack, RenameError};
pub use webhook::{handle_usage_event, EventOutcome, UsageEvent, UsageEventKind};
