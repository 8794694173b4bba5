//! An in-process eSIMfx reseller API (as described in `shared/providers/esimfx.md`) with a
//! deterministic catalogue, synchronous orders, the eSIM lifecycle, webhooks, and a control
//! API under `/_sandbox/` for faults, time and device behaviour.

mod catalogue;
mod control;
mod device;
mod handlers;
mod lifecycle;
mod purchase;
mod state;
mod webhooks;
mod wire;
pub(crate) mod world;

use std::sync::Arc;

use axum::Router;

use crate::local_server::Running;

pub use state::SandboxStats;

use state::Shared;

/// The `client_id` the default configuration accepts.
pub const SANDBOX_CLIENT_ID: &str = "tern-sandbox";
/// The `client_key` the default configuration accepts.
pub const SANDBOX_CLIENT_KEY: &str = "tern-sandbox-key";

/// How a sandbox instance behaves.
#[derive(Clone, Debug)]
pub struct EsimfxSandboxConfig {
    /// The only `client_id` that `/account/api/v1/auth` accepts.
    pub client_id: String,
    /// The `client_key` that goes with it.
    pub client_key: String,
    /// Where to POST `ACTIVATION`, `EXPIRATION` and `DATA_USAGE` events; `None` sends nothing
    /// until [`EsimfxSandbox::set_webhook`] (events are still listed by `GET /_sandbox/events`).
    pub webhook_url: Option<String>,
    /// Sent as the `token` header on every webhook delivery.
    pub webhook_token: Option<String>,
    /// Usage percentages that raise `DATA_USAGE`, each once per subscription.
    pub usage_thresholds: Vec<u8>,
    /// Starting reseller balance in US cents.
    pub initial_balance_cents: i64,
    /// Data a connected eSIM uses per hour of sandbox time while it has an ACTIVE package,
    /// counted exactly like `POST /_sandbox/esims/{iccid}/consume`. 0 (the default) is off.
    pub traffic_bytes_per_hour: u64,
    /// How many times faster than the wall clock sandbox time runs (after any
    /// `clock/advance`); 1 by default, 0 stops it so only `clock/advance` moves it. Access
    /// tokens still last about an hour of wall time.
    pub clock_speed: u32,
    /// Plays a traveller's phone: installs and connects every new eSIM by itself. `None` (the
    /// default) leaves that to the control API.
    pub auto_device: Option<AutoDevice>,
}

/// When the simulated phone acts, in sandbox seconds after its eSIM was bought.
///
/// Once connected the phone stays on the network: an eSIM revived by a top-up after it
/// expired is connected again straight away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutoDevice {
    /// PROVISIONED → INSTALLED.
    pub install_after_secs: i64,
    /// First network attach: the eSIM becomes ACTIVE and its first package starts.
    pub connect_after_secs: i64,
}

impl EsimfxSandboxConfig {
    /// Whether sandbox time does anything on its own, so someone must tick the world for
    /// webhooks to fire without API calls.
    fn runs_by_itself(&self) -> bool {
        self.traffic_bytes_per_hour > 0 || self.clock_speed > 1 || self.auto_device.is_some()
    }
}

impl Default for EsimfxSandboxConfig {
    fn default() -> Self {
        Self {
            client_id: SANDBOX_CLIENT_ID.to_owned(),
            client_key: SANDBOX_CLIENT_KEY.to_owned(),
            webhook_url: None,
            webhook_token: None,
            usage_thresholds: vec![50, 80, 90, 100],
            initial_balance_cents: 10_000_000,
            traffic_bytes_per_hour: 0,
            clock_speed: 1,
            auto_device: None,
        }
    }
}

/// A sandbox instance; clones share one state.
#[derive(Clone, Debug)]
pub struct EsimfxSandbox {
    shared: Arc<Shared>,
}

impl EsimfxSandbox {
    /// Builds the sandbox and its catalogue; serves nothing until routed.
    pub fn new(config: EsimfxSandboxConfig) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }

    /// The reseller API plus the `/_sandbox/` control API, ready to serve or nest.
    pub fn router(&self) -> Router {
        handlers::router(self.shared.clone()).merge(control::router(self.shared.clone()))
    }

    /// Serves a new sandbox on `127.0.0.1` with an ephemeral port, in a background task. When
    /// time drives anything (traffic, a fast clock, an automatic device), a second task ticks
    /// the world every second so events fire without API calls; both stop with the handle.
    pub async fn spawn(config: EsimfxSandboxConfig) -> anyhow::Result<RunningSandbox> {
        let ticks = config.runs_by_itself();
        let sandbox = EsimfxSandbox::new(config);
        let running = crate::local_server::spawn("eSIMfx", sandbox, EsimfxSandbox::router).await?;
        if !ticks {
            return Ok(running);
        }
        let shared = running.sandbox.shared.clone();
        Ok(running.ticking(move || shared.with_world(|_, _| ())))
    }

    /// Sends webhooks to `url` (with `token` as the `token` header) from now on, e.g. once the
    /// host app knows its own address. Events raised earlier are not re-sent.
    pub fn set_webhook(&self, url: String, token: Option<String>) {
        self.shared.webhooks.set_target(url, token);
    }

    /// Moves the sandbox clock forward, like `POST /_sandbox/clock/advance`.
    pub fn advance_clock(&self, seconds: u32) {
        self.shared.clock.advance(i64::from(seconds));
        self.shared.with_world(|_, _| ());
    }

    /// The counters served by `GET /_sandbox/stats`.
    pub fn stats(&self) -> SandboxStats {
        self.shared.stats()
    }
}

/// An eSIMfx sandbox served on a local port; dropping it stops the server and its ticker.
/// Webhook deliveries are pointed at the host app with [`EsimfxSandbox::set_webhook`].
pub type RunningSandbox = Running<EsimfxSandbox>;
