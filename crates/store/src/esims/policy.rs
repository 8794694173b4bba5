//! How often usage is refreshed, when travellers are warned, and what a cancelled package refunds.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct CarePolicy {
    /// How often a live eSIM's usage is fetched from its provider.
    pub refresh_every: Duration,
    /// A page opened with figures older than this fetches fresh ones first.
    pub stale_after: Duration,
    /// Usage (percent of a package) at which the traveller gets a low-data email.
    pub alert_percent: u8,
    /// Kept from the refund of a new eSIM's first package: the eSIM itself is never refundable.
    pub esim_fee_minor: i64,
    /// Absolute base URL for links in emails.
    pub public_url: String,
}

impl Default for CarePolicy {
    fn default() -> Self {
        Self {
            refresh_every: Duration::from_secs(15 * 60),
            stale_after: Duration::from_secs(5 * 60),
            alert_percent: 80,
            esim_fee_minor: 100,
            public_url: "http://127.0.0.1:3000".into(),
        }
    }
}

/// Finished eSIMs change rarely; they are still checked daily in case a top-up revives one.
pub(super) fn interval_for(policy: &CarePolicy, state: domain::EsimState) -> Duration {
    use domain::EsimState::*;
    match state {
        Provisioned | Installed | Active => policy.refresh_every,
        Expired | Blocked | Deactivated => Duration::from_secs(24 * 3600),
    }
}

/// Packages bought within this window may be cancelled while unused (seed 004 §5).
pub(super) const REFUND_WINDOW_MS: i64 = 60 * 86_400_000;
