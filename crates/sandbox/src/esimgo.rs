//! An in-process eSIM Go API v2.4 (as described in `shared/providers/esimgo.md`): a deterministic
//! catalogue, a prepaid balance, synchronous orders with no idempotency, eSIM assignments as
//! JSON, CSV or ZIP, bundles that process, queue, start on first use and run out, and a control
//! API under `/_sandbox/` for faults, time and data use.

mod assignments;
mod assumed;
mod catalogue;
mod clock;
mod control;
mod handlers;
mod lifecycle;
mod orders;
mod state;
mod wire;

// The country and network tables and the id generator are eSIMfx's, shared.
use crate::esimfx::{ids, world};

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

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
        let bound = crate::local_server::bind("eSIM Go").await?;
        let base_url = bound.base_url.clone();
        let ticks = config.traffic_bytes_per_hour > 0;
        let sandbox = EsimGoSandbox::new(config);
        let stop = crate::local_server::serve(bound, sandbox.router(), "eSIM Go");
        let ticker = ticks.then(|| {
            let shared = sandbox.shared.clone();
            crate::local_server::repeat(TICK_EVERY, move || shared.with_world(|_, _| ()))
        });
        Ok(RunningEsimGoSandbox {
            base_url,
            sandbox,
            _stop: stop,
            _ticker: ticker,
        })
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

    /// Moves the sandbox clock forward and applies what fell due, like
    /// `POST /_sandbox/clock/advance`.
    pub fn advance_clock(&self, seconds: u32) {
        self.shared.clock.advance_secs(i64::from(seconds));
        self.shared.with_world(|_, _| ());
    }

    /// Sets the organisation balance, like `POST /_sandbox/balance`.
    pub fn set_balance_cents(&self, cents: i64) {
        self.shared
            .with_world(|world, _| world.balance_cents = cents);
    }
}

/// How often a running sandbox with traffic applies what fell due.
const TICK_EVERY: Duration = Duration::from_secs(1);

/// A sandbox served on a local port; dropping it stops the server and its ticker.
#[derive(Debug)]
pub struct RunningEsimGoSandbox {
    /// `http://127.0.0.1:PORT`, without a trailing slash; the API is under [`API_PREFIX`].
    pub base_url: String,
    /// The served instance, for in-process control.
    pub sandbox: EsimGoSandbox,
    _stop: crate::local_server::StopOnDrop,
    _ticker: Option<crate::local_server::StopOnDrop>,
}

impl RunningEsimGoSandbox {
    /// `base_url` joined with an absolute path such as `/_sandbox/stats` or `/v2.4/catalogue`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The base URL an eSIM Go client is configured with: `{base_url}/v2.4`.
    pub fn api_base(&self) -> String {
        self.url(API_PREFIX)
    }

    /// See [`EsimGoSandbox::stats`].
    pub fn stats(&self) -> SandboxCounters {
        self.sandbox.stats()
    }

    /// Arms faults; panics on a non-5xx status, which is a mistake in the calling test.
    pub fn set_faults(&self, update: FaultUpdate) {
        if let Err(error) = self.sandbox.set_faults(update) {
            panic!("invalid fault update: {error}");
        }
    }

    /// See [`EsimGoSandbox::clear_faults`].
    pub fn clear_faults(&self) {
        self.sandbox.clear_faults();
    }

    /// eSIM Go authenticates with a static API key and issues no tokens: nothing to expire.
    pub fn expire_tokens(&self) {}

    /// See [`EsimGoSandbox::advance_clock`].
    pub fn advance_clock(&self, seconds: u32) {
        self.sandbox.advance_clock(seconds);
    }

    /// See [`EsimGoSandbox::set_balance_cents`].
    pub fn set_balance_cents(&self, cents: i64) {
        self.sandbox.set_balance_cents(cents);
    }
}
