//! An in-process FMS APP API v1.1 (seed 000 and `shared/providers/fms.md`) under `/fms`: users
//! with MD5 passwords and 3-day tokens, a deterministic catalogue by MCC, pre-orders that hold
//! a profile for the payment window, the storefront's payment webhook taken exactly once,
//! assignment a little after payment, and eSIM details with usage; plus a control API under
//! `/_sandbox/` for faults, tokens, time and data use.

mod assumed;
mod catalogue;
mod control;
mod countries;
mod handlers;
mod ids;
mod orders;
mod state;
mod time;
mod users;
mod wire;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;

use crate::local_server::Running;
use domain::CountryCode;

pub use state::SandboxCounters;

use crate::faults::FaultUpdate;
use state::Shared;

/// The `partnerCode` the default configuration accepts (the doc's example).
pub const SANDBOX_PARTNER_CODE: &str = "P001101";

/// How a sandbox instance behaves; times are sandbox seconds.
#[derive(Clone, Debug)]
pub struct FmsSandboxConfig {
    /// The only `partnerCode` accepted; any other answers code 2.
    pub partner_code: String,
    /// How long a pre-order waits for its payment notification (the doc's 60 minutes); then
    /// it is cancelled (`orderPayStatus` 3), its profile released, and the webhook answers 6006.
    pub payment_window_secs: u32,
    /// After a successful notification `orderPayStatus` stays 0 this long, then becomes 1 with
    /// the eSIM assigned; 0 assigns at once.
    pub assign_after_secs: u32,
    /// Profiles FMS can hand out; `None` is unlimited. A pre-order holds one when one is free;
    /// a payment for which none can be assigned answers 3005.
    pub pool_size: Option<u32>,
    /// How long a token lives (the doc's 3 days).
    pub token_ttl_secs: u32,
    /// Data every assigned eSIM uses per hour of sandbox time, starting its package; 0 is none.
    pub traffic_bytes_per_hour: u64,
    /// How many times faster than the wall clock sandbox time runs; 0 stops it, so only
    /// `advance_clock` moves it.
    pub clock_speed: u32,
}

impl Default for FmsSandboxConfig {
    fn default() -> Self {
        Self {
            partner_code: SANDBOX_PARTNER_CODE.to_owned(),
            payment_window_secs: 3600,
            assign_after_secs: 2,
            pool_size: None,
            token_ttl_secs: 3 * 24 * 3600,
            traffic_bytes_per_hour: 0,
            clock_speed: 1,
        }
    }
}

/// The MCC → ISO country table this sandbox's catalogue needs, as Tern passes it to the
/// adapter (every MCC the sandbox uses, secondary ones included).
pub fn mcc_countries() -> HashMap<u16, CountryCode> {
    countries::load()
        .0
        .into_iter()
        .filter_map(|country| Some((CountryCode::parse(&country.iso2).ok()?, country.mccs)))
        .flat_map(|(code, mccs)| mccs.into_iter().map(move |mcc| (mcc, code)))
        .collect()
}

/// A sandbox instance; clones share one state.
#[derive(Clone, Debug)]
pub struct FmsSandbox {
    shared: Arc<Shared>,
}

impl FmsSandbox {
    /// Builds the sandbox and its catalogue; serves nothing until routed.
    pub fn new(config: FmsSandboxConfig) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }

    /// The FMS API under `/fms` plus the `/_sandbox/` control API, ready to serve or nest.
    pub fn router(&self) -> Router {
        handlers::router(self.shared.clone()).merge(control::router(self.shared.clone()))
    }

    /// Serves a new sandbox on `127.0.0.1` with an ephemeral port, in a background task that
    /// stops with the handle. Time-driven changes apply whenever the sandbox is called.
    pub async fn spawn(config: FmsSandboxConfig) -> anyhow::Result<RunningFmsSandbox> {
        crate::local_server::spawn("FMS", FmsSandbox::new(config), FmsSandbox::router).await
    }

    /// The counters served by `GET /_sandbox/stats`.
    pub fn stats(&self) -> SandboxCounters {
        self.shared.counters()
    }

    /// Arms faults like `POST /_sandbox/faults`; an invalid update (a non-5xx status) is
    /// logged and ignored.
    pub fn set_faults(&self, update: FaultUpdate) {
        if let Err(problem) = self.shared.faults.configure(update) {
            tracing::warn!(%problem, "FMS sandbox fault update ignored");
        }
    }

    /// Disarms every fault, like `DELETE /_sandbox/faults`.
    pub fn clear_faults(&self) {
        self.shared.faults.reset();
    }

    /// The armed faults and the calls held now, like `GET /_sandbox/faults`.
    pub fn faults(&self) -> crate::faults::FaultPlan {
        self.shared.faults.current()
    }

    /// Every token issued so far stops working (answers code 7), like
    /// `POST /_sandbox/tokens/expire`.
    pub fn expire_tokens(&self) {
        self.shared.with_world(|world, _, _| world.expire_tokens());
    }

    /// Moves the sandbox clock forward, like `POST /_sandbox/clock/advance`.
    pub fn advance_clock(&self, seconds: u32) {
        self.shared.clock.advance(i64::from(seconds));
    }

    /// How many payment notifications named this order.
    pub fn payment_notifications(&self, order_id: &str) -> u64 {
        self.stats()
            .notifications_by_order
            .get(order_id)
            .copied()
            .unwrap_or(0)
    }
}

/// An FMS sandbox served on a local port; dropping it stops the server. The FMS API is under
/// [`RunningFmsSandbox::api_base`].
pub type RunningFmsSandbox = Running<FmsSandbox>;

impl RunningFmsSandbox {
    /// What the adapter takes as its base URL: `{base_url}/fms`.
    pub fn api_base(&self) -> String {
        self.url(assumed::CONTEXT_PATH)
    }
}
