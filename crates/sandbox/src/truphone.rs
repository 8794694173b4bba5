//! An in-process Truphone Connect API v1 (as described in `shared/providers/truphone.md` and
//! seed 002): Keycloak client-credential tokens that expire, asynchronous orders polled from
//! ACCEPTED through FULFILLING to COMPLETED or FAILED, SIMs and subscriptions with usage, the
//! paginated subscription history, and a control API under `/_sandbox/`.

mod api;
mod assumed;
mod auth;
mod catalogue;
mod control;
mod lifecycle;
mod orders;
mod state;
mod time;
mod validation;
mod wire;

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::local_server::Running;
use serde_json::Value;

use crate::faults::{FaultStyle, FaultUpdate};

pub use state::SandboxCounters;

use lifecycle::UseError;
use state::Shared;
use wire::ApiError;

/// The `client_id` the default configuration accepts.
pub const SANDBOX_CLIENT_ID: &str = "tern-sandbox";
/// The `client_secret` that goes with it.
pub const SANDBOX_CLIENT_SECRET: &str = "tern-sandbox-truphone-secret";

/// The Keycloak token endpoint, relative to the sandbox root (as on `services.truphone.com`).
pub const TOKEN_PATH: &str = "/auth/realms/tru-staff/protocol/openid-connect/token";

/// How injected faults look: Truphone's `INTERNAL_ERROR` body, a cut-off product list, and the
/// token endpoint spared unless asked.
static FAULT_STYLE: FaultStyle = FaultStyle {
    auth_path: Some(TOKEN_PATH),
    injected: injected_error,
    malformed_body: r#"[{"id":"a3m1v000000gIAK","name":"PrePaid Data 3GB"#,
};

fn injected_error(status: axum::http::StatusCode) -> Response {
    ApiError::injected(status).into_response()
}

/// How a sandbox instance behaves.
#[derive(Clone, Debug)]
pub struct TruphoneSandboxConfig {
    /// The only client the token endpoint accepts.
    pub client_id: String,
    pub client_secret: String,
    /// How long an access token lives, in sandbox seconds (Truphone: 300).
    pub token_ttl_secs: u32,
    /// An order answers ACCEPTED on its first poll, FULFILLING on the next ones, and
    /// COMPLETED (or FAILED) on poll number `fulfil_after_polls + 1`…
    pub fulfil_after_polls: u32,
    /// …or once this many sandbox seconds have passed since it was placed, whichever is first.
    pub fulfil_after_secs: u32,
    /// The next this-many orders end FAILED instead of COMPLETED.
    pub fail_orders: u32,
    /// Data every connected SIM uses per hour of sandbox time; 0 (the default) is none.
    pub traffic_bytes_per_hour: u64,
    /// How many times faster than the wall clock sandbox time runs; 0 freezes it, so only
    /// [`TruphoneSandbox::advance_clock`] moves it.
    pub clock_speed: u32,
}

impl Default for TruphoneSandboxConfig {
    fn default() -> Self {
        Self {
            client_id: SANDBOX_CLIENT_ID.to_owned(),
            client_secret: SANDBOX_CLIENT_SECRET.to_owned(),
            token_ttl_secs: 300,
            fulfil_after_polls: 2,
            fulfil_after_secs: 3,
            fail_orders: 0,
            traffic_bytes_per_hour: 0,
            clock_speed: 1,
        }
    }
}

/// A sandbox instance; clones share one state.
#[derive(Clone, Debug)]
pub struct TruphoneSandbox {
    shared: Arc<Shared>,
}

impl TruphoneSandbox {
    /// Builds the sandbox and its catalogue; serves nothing until routed.
    pub fn new(config: TruphoneSandboxConfig) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }

    /// The token endpoint, both API bases and the `/_sandbox/` control API.
    pub fn router(&self) -> Router {
        api::router(self.shared.clone()).merge(control::router(self.shared.clone()))
    }

    /// Serves a new sandbox on `127.0.0.1` with an ephemeral port until the handle drops.
    pub async fn spawn(config: TruphoneSandboxConfig) -> anyhow::Result<RunningTruphoneSandbox> {
        let sandbox = TruphoneSandbox::new(config);
        crate::local_server::spawn("Truphone", sandbox, TruphoneSandbox::router).await
    }

    /// The counters served by `GET /_sandbox/stats`.
    pub fn stats(&self) -> SandboxCounters {
        self.shared.stats()
    }

    /// Arms faults like `POST /_sandbox/faults`; an update the shared faults refuse (a
    /// non-5xx status) is logged and changes nothing.
    pub fn set_faults(&self, update: FaultUpdate) {
        if let Err(error) = self.shared.faults.configure(update) {
            tracing::warn!(%error, "Truphone sandbox fault update refused");
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

    /// Every access and refresh token issued so far stops working.
    pub fn expire_tokens(&self) {
        self.shared.with_world(|world, _| world.expire_tokens());
    }

    /// Moves the sandbox clock forward and applies what fell due.
    pub fn advance_clock(&self, seconds: u32) {
        self.shared.clock.advance(i64::from(seconds));
        self.shared.with_world(|_, _| ());
    }

    /// The next `count` orders end FAILED (replacing any earlier count).
    pub fn fail_next_orders(&self, count: u32) {
        self.shared.with_world(|world, _| world.fail_orders = count);
    }

    /// Orders complete on poll `after_polls + 1`, or after `after_secs` of sandbox time, like
    /// `POST /_sandbox/fulfilment`.
    pub fn set_fulfilment(&self, after_polls: u32, after_secs: u32) {
        self.shared.with_world(|world, _| {
            world.pace.after_polls = after_polls;
            world.pace.after_secs = i64::from(after_secs);
        });
    }

    /// The device uses `bytes` of data on the eSIM, like `POST /_sandbox/esims/{iccid}/consume`.
    pub fn consume(&self, iccid: &str, bytes: u64) -> Result<(), String> {
        self.shared
            .with_world(|world, now| world.fleet.consume(iccid, bytes, now))
            .map_err(|error| match error {
                UseError::UnknownSim => format!("no eSIM {iccid}"),
                UseError::ProfileDeleted => format!("the profile of {iccid} was deleted"),
            })
    }

    /// The eSIM and its packages, like `GET /_sandbox/esims/{iccid}`.
    pub fn esim(&self, iccid: &str) -> Option<Value> {
        self.shared.with_world(|world, _| world.esim_summary(iccid))
    }

    /// The most recent `X-Correlation-ID`s the API received, oldest first.
    pub fn correlation_ids(&self) -> Vec<String> {
        self.shared
            .with_world(|world, _| world.correlation_ids.iter().cloned().collect())
    }
}

/// A Truphone sandbox served on a local port; dropping it stops the server. The API is under
/// `/esim/v1` and `/connect-api/v1`, the token endpoint at [`TOKEN_PATH`].
pub type RunningTruphoneSandbox = Running<TruphoneSandbox>;

impl RunningTruphoneSandbox {
    /// The adapter's base URL: `{base_url}/esim`, under which `/v1/...` paths hang.
    pub fn api_base(&self) -> String {
        self.url("/esim")
    }

    /// The Keycloak token endpoint.
    pub fn token_url(&self) -> String {
        self.url(TOKEN_PATH)
    }
}
