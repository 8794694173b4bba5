//! An in-process Stripe that speaks the part of Stripe's API Tern uses (Checkout Sessions in
//! payment mode, PaymentIntents, refunds), serves a hosted checkout page with Stripe's test
//! cards, signs and delivers webhooks as Stripe does, and offers a control API under
//! `/_sandbox/stripe/`. JSON follows API version 2023-10-16 so async-stripe 0.41 reads it.

mod api;
mod cards;
mod control;
mod form;
mod hosted;
mod ids;
mod objects;
mod payment;
mod state;
#[cfg(test)]
mod tests;
mod time;
mod webhooks;
mod wire;

use std::sync::Arc;

use axum::Router;

use crate::local_server::Running;

pub use state::StripeSandboxStats;
pub use webhooks::signature_header;

use state::Shared;

/// The only API key the sandbox accepts (`Authorization: Bearer …`).
pub const SANDBOX_SECRET_KEY: &str = "sk_test_tern_sandbox";

/// A fresh webhook signing secret. Random per instance, never a constant: anyone could read a
/// constant in the source and sign events of their own.
pub fn new_webhook_secret() -> String {
    format!("whsec_{}", uuid::Uuid::new_v4().simple())
}

/// How a Stripe sandbox instance behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeSandboxConfig {
    /// Where to POST events; `None` sends nothing until [`StripeSandbox::set_webhook_url`]
    /// (events are still listed by `GET /_sandbox/stripe/events`).
    pub webhook_url: Option<String>,
    /// Signs every delivery's `Stripe-Signature` header; random by default.
    pub webhook_secret: String,
    /// Base of hosted checkout URLs (`{public_url}/checkout/{id}`); `None` uses the served
    /// base URL after [`StripeSandbox::spawn`], or relative URLs when only routed.
    pub public_url: Option<String>,
}

impl Default for StripeSandboxConfig {
    fn default() -> Self {
        Self {
            webhook_url: None,
            webhook_secret: new_webhook_secret(),
            public_url: None,
        }
    }
}

/// A Stripe sandbox instance; clones share one state.
#[derive(Clone, Debug)]
pub struct StripeSandbox {
    shared: Arc<Shared>,
}

impl StripeSandbox {
    /// Builds an empty sandbox; serves nothing until routed.
    pub fn new(config: StripeSandboxConfig) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }

    /// `/v1/…`, `/checkout/…` and `/_sandbox/stripe/…`, ready to serve. Serve it at the root:
    /// async-stripe always calls `/v1/…` at the base URL's root.
    pub fn router(&self) -> Router {
        api::router(self.shared.clone())
            .merge(hosted::router(self.shared.clone()))
            .merge(control::router(self.shared.clone()))
            .fallback(api::unrecognized)
            .method_not_allowed_fallback(api::unrecognized)
    }

    /// Serves a new sandbox on `127.0.0.1` with an ephemeral port, in a background task.
    pub async fn spawn(config: StripeSandboxConfig) -> anyhow::Result<RunningStripeSandbox> {
        let bound = crate::local_server::bind("Stripe").await?;
        let sandbox = StripeSandbox::new(config);
        sandbox.shared.default_hosted_base(&bound.base_url);
        let app = sandbox.router();
        Ok(bound.serve(sandbox, app))
    }

    /// Points webhook deliveries at `url` from now on, e.g. once the app knows its port.
    pub fn set_webhook_url(&self, url: String) {
        self.shared.webhooks.set_url(Some(url));
    }

    /// The secret this sandbox signs webhook deliveries with, for whoever verifies them.
    pub fn webhook_secret(&self) -> String {
        self.shared.webhooks.secret().to_owned()
    }

    /// The counters served by `GET /_sandbox/stripe/stats`.
    pub fn stats(&self) -> StripeSandboxStats {
        self.shared.stats()
    }
}

/// A Stripe sandbox served on a local port; dropping it stops the server.
pub type RunningStripeSandbox = Running<StripeSandbox>;

impl RunningStripeSandbox {
    /// The base URL with a trailing slash, as `payments::StripeConfig::api_base` expects.
    pub fn api_base(&self) -> String {
        format!("{}/", self.base_url)
    }
}
