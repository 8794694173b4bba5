//! An in-process eSIMfx reseller API (as described in `shared/providers/esimfx.md`) with a
//! deterministic catalogue, synchronous orders, the eSIM lifecycle, webhooks, and a control
//! API under `/_sandbox/` for faults, time and device behaviour.

mod catalogue;
mod clock;
mod control;
mod faults;
mod handlers;
mod ids;
mod lifecycle;
mod purchase;
mod state;
mod webhooks;
mod wire;
mod world;

use std::sync::Arc;

use axum::Router;

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
    /// (events are still listed by `GET /_sandbox/events`).
    pub webhook_url: Option<String>,
    /// Sent as the `token` header on every webhook delivery.
    pub webhook_token: Option<String>,
    /// Usage percentages that raise `DATA_USAGE`, each once per subscription.
    pub usage_thresholds: Vec<u8>,
    /// Starting reseller balance in US cents.
    pub initial_balance_cents: i64,
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

    /// Serves a new sandbox on `127.0.0.1` with an ephemeral port, in a background task.
    pub async fn spawn(config: EsimfxSandboxConfig) -> anyhow::Result<RunningSandbox> {
        let bound = crate::local_server::bind("eSIMfx").await?;
        let base_url = bound.base_url.clone();
        let sandbox = EsimfxSandbox::new(config);
        let stop = crate::local_server::serve(bound, sandbox.router(), "eSIMfx");
        Ok(RunningSandbox {
            base_url,
            sandbox,
            _stop: stop,
        })
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

/// A sandbox served on a local port; dropping it stops the server.
#[derive(Debug)]
pub struct RunningSandbox {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    /// The served instance, for in-process control.
    pub sandbox: EsimfxSandbox,
    _stop: crate::local_server::StopOnDrop,
}

impl RunningSandbox {
    /// `base_url` joined with an absolute path such as `/account/api/v1/auth`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}
