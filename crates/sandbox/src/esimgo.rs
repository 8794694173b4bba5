//! An in-process eSIM Go API v2.4 (as described in `shared/providers/esimgo.md`): a deterministic
//! catalogue, a prepaid balance, synchronous orders with no idempotency, eSIM assignments as
//! JSON, CSV or ZIP, bundles that process, queue, start on first use and run out, and a control
//! API under `/_sandbox/` for faults, time and data use.

mod assignments;
mod assumed;
mod catalogue;
mod control;
mod handlers;
mod lifecycle;
mod orders;
mod state;
mod time;
mod wire;

// The country and network tables and the id generator are eSIMfx's, shared.
use crate::esimfx::world;
use crate::ids;

use std::sync::Arc;

use axum::Router;

use crate::local_server::Running;

use crate::faults::FaultUpdate;

pub use state::SandboxCounters;

use state::Shared;

/// The `X-API-Key` the default configuration accepts.
pub const SANDBOX_API_KEY: &str = "tern-sandbox-esimgo-key";

/// The API version prefix every route hangs off, as in `https://api.esim-go.com/v2.4`.
pub const API_PREFIX: &str = "/v2.4";

/// How a sandbox instance behaves.
#[derive(Clone, Debug)]
pub struct EsimGoSandboxConfig {
    /// The only `X-API-Key` accepted; anything else is 403 `{"message":"Forbidden"}`.
    pub api_key: String,
    /// Starting organisation balance in US cents.
    pub initial_balance_cents: i64,
    /// Sandbox seconds a new bundle assignment stays `processing` before it is `queued`.
    pub bundle_activation_secs: u32,
    /// Data an installed eSIM uses per hour of sandbox time, counted exactly like
    /// `POST /_sandbox/esims/{iccid}/consume` (the first use starts a queued bundle). 0 is off.
    pub traffic_bytes_per_hour: u64,
    /// How many times faster than the wall clock sandbox time runs (after any
    /// `clock/advance`); 1 by default, 0 stops it so only `clock/advance` moves it.
    pub clock_speed: u32,
    /// Leaves `order[].esims` out of transaction answers, as when eSIM Go answers before the
    /// eSIMs are assigned, so clients must fetch `/esims/assignments`.
    pub omit_order_esims: bool,
    /// Answers `/esims/assignments` in this format whatever `Accept` asks for; `None` honours
    /// `Accept` (CSV when absent).
    pub assignments_format: Option<AssignmentFormat>,
    /// Until an order is this many sandbox seconds old, `/esims/assignments` answers 503
    /// "processing" with `Retry-After` and order answers carry `iccids` but no `esims` (§3: the
    /// eSIMs may arrive late). 0 has them ready at once.
    pub assignments_ready_after_secs: u32,
}

impl Default for EsimGoSandboxConfig {
    fn default() -> Self {
        Self {
            api_key: SANDBOX_API_KEY.to_owned(),
            initial_balance_cents: 10_000_000,
            bundle_activation_secs: 5,
            traffic_bytes_per_hour: 0,
            clock_speed: 1,
            omit_order_esims: false,
            assignments_format: None,
            assignments_ready_after_secs: 0,
        }
    }
}

/// The formats `/esims/assignments` can answer in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignmentFormat {
    /// `application/json` with camelCase keys (`iccid`, `matchingId`, `smdpAddress`).
    Json,
    /// `application/json` with the older spaced keys (`ICCID`, `Matching ID`, `RSP URL`).
    JsonSpacedKeys,
    /// `text/csv`: `"ICCID","Matching ID","RSP URL","Bundle"`.
    Csv,
    /// `application/zip`: that CSV plus one PNG QR code per eSIM.
    Zip,
}

/// A sandbox instance; clones share one state.
#[derive(Clone, Debug)]
pub struct EsimGoSandbox {
    shared: Arc<Shared>,
}

impl EsimGoSandbox {
    /// Builds the sandbox and its catalogue; serves nothing until routed.
    pub fn new(config: EsimGoSandboxConfig) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }

    /// The API under [`API_PREFIX`] plus the `/_sandbox/` control API, ready to serve.
    pub fn router(&self) -> Router {
        handlers::router(self.shared.clone())
            .merge(crate::faults::control_routes(self.shared.faults.clone()))
            .merge(control::router(self.shared.clone()))
    }

    /// Serves a new sandbox on `127.0.0.1` with an ephemeral port, in a background task. When
    /// time drives data use (traffic), a second task ticks the world every second; both stop
    /// with the handle.
    pub async fn spawn(config: EsimGoSandboxConfig) -> anyhow::Result<RunningEsimGoSandbox> {
        let ticks = config.traffic_bytes_per_hour > 0;
        let sandbox = EsimGoSandbox::new(config);
        let running = crate::local_server::spawn("eSIM Go", sandbox, EsimGoSandbox::router).await?;
        if !ticks {
            return Ok(running);
        }
        let shared = running.sandbox.shared.clone();
        Ok(running.ticking(move || shared.with_world(|_, _| ())))
    }

    /// The counters served by `GET /_sandbox/stats`.
    pub fn stats(&self) -> SandboxCounters {
        self.shared.stats()
    }

    /// Arms faults, like `POST /_sandbox/faults`; a non-5xx status is refused.
    pub fn set_faults(&self, update: FaultUpdate) -> Result<(), String> {
        self.shared.faults.configure(update).map(|_| ())
    }

    /// Disarms every fault, like `DELETE /_sandbox/faults`.
    pub fn clear_faults(&self) {
        self.shared.faults.reset();
    }

    /// The armed faults and the calls held now, like `GET /_sandbox/faults`.
    pub fn faults(&self) -> crate::faults::FaultPlan {
        self.shared.faults.current()
    }

    /// Moves the sandbox clock forward and applies what fell due, like
    /// `POST /_sandbox/clock/advance`.
    pub fn advance_clock(&self, seconds: u32) {
        self.shared.clock.advance(i64::from(seconds));
        self.shared.with_world(|_, _| ());
    }

    /// Sets the organisation balance, like `POST /_sandbox/balance`.
    pub fn set_balance_cents(&self, cents: i64) {
        self.shared
            .with_world(|world, _| world.balance_cents = cents);
    }
}

/// An eSIM Go sandbox served on a local port; dropping it stops the server and its ticker. The
/// API is under [`API_PREFIX`].
pub type RunningEsimGoSandbox = Running<EsimGoSandbox>;

impl RunningEsimGoSandbox {
    /// The base URL an eSIM Go client is configured with: `{base_url}/v2.4`.
    pub fn api_base(&self) -> String {
        self.url(API_PREFIX)
    }

    /// Arms faults; panics on a non-5xx status, which is a mistake in the calling test.
    pub fn set_faults(&self, update: FaultUpdate) {
        if let Err(error) = self.sandbox.set_faults(update) {
            panic!("invalid fault update: {error}");
        }
    }

    /// eSIM Go authenticates with a static API key and issues no tokens: nothing to expire.
    pub fn expire_tokens(&self) {}
}
