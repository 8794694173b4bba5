//! Abuse limits: per-client budgets on the routes that start payments, send email or check
//! passwords, a deadline for every request, and (in [`crate::serve`]) one for reading headers.

pub mod client;
pub mod rate;
mod too_many;

pub use client::TrustedProxies;
pub use rate::{RateLimits, RateSettings};

use axum::http::StatusCode;
use axum::Router;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;

/// `TERN_TRUSTED_PROXIES`, the rate budgets and the server's deadlines.
#[derive(Debug, Clone)]
pub struct LimitSettings {
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    pub rates: RateSettings,
    /// A request whose answer has not started by then gets 503.
    pub request_timeout: Duration,
    /// A connection that has not sent a whole request head by then is closed.
    pub header_read_timeout: Duration,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            trusted_proxies: TrustedProxies::default(),
            rates: RateSettings::default(),
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

/// Wraps every route in the rate budgets and the request deadline.
pub fn apply(router: Router, settings: &LimitSettings) -> Router {
    let limits = RateLimits::new(settings.rates, settings.trusted_proxies.clone());
    router
        .layer(axum::middleware::from_fn_with_state(limits, rate::enforce))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            settings.request_timeout,
        ))
}
