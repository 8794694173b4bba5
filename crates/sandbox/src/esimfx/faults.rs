//! Injected faults for API calls: 5xx answers, malformed bodies and added latency.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::state::Shared;
use super::wire::ApiError;

/// The auth route, which faults skip unless `include_auth` is set.
pub(crate) const AUTH_PATH: &str = "/account/api/v1/auth";

/// The faults armed right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FaultPlan {
    pub(crate) fail_next: u32,
    pub(crate) status: u16,
    pub(crate) malformed_next: u32,
    pub(crate) delay_ms: u64,
    pub(crate) include_auth: bool,
}

impl Default for FaultPlan {
    fn default() -> Self {
        Self {
            fail_next: 0,
            status: 503,
            malformed_next: 0,
            delay_ms: 0,
            include_auth: false,
        }
    }
}

/// `POST /_sandbox/faults` body; absent fields keep their current value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultUpdate {
    fail_next: Option<u32>,
    status: Option<u16>,
    malformed_next: Option<u32>,
    delay_ms: Option<u64>,
    include_auth: Option<bool>,
}

/// What to do to one call.
#[derive(Debug, Default)]
struct Decision {
    delay: Option<Duration>,
    fail: Option<StatusCode>,
    malformed: bool,
}

/// The armed faults behind a lock.
#[derive(Debug, Default)]
pub(crate) struct Faults(Mutex<FaultPlan>);

impl Faults {
    fn plan(&self) -> std::sync::MutexGuard<'_, FaultPlan> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies an update; `include_auth` is reset with every update that arms a counter.
    pub(crate) fn configure(&self, update: FaultUpdate) -> Result<FaultPlan, String> {
        if let Some(status) = update.status {
            if !(500..=599).contains(&status) {
                return Err(format!("status must be a 5xx code, not {status}"));
            }
        }
        let mut plan = self.plan();
        if let Some(n) = update.fail_next {
            plan.fail_next = n;
            plan.status = update.status.unwrap_or(503);
        } else if let Some(status) = update.status {
            plan.status = status;
        }
        if let Some(n) = update.malformed_next {
            plan.malformed_next = n;
        }
        if let Some(ms) = update.delay_ms {
            plan.delay_ms = ms;
        }
        if update.fail_next.is_some() || update.malformed_next.is_some() {
            plan.include_auth = update.include_auth.unwrap_or(false);
        } else if let Some(include) = update.include_auth {
            plan.include_auth = include;
        }
        Ok(plan.clone())
    }

    /// Disarms everything.
    pub(crate) fn reset(&self) -> FaultPlan {
        let mut plan = self.plan();
        *plan = FaultPlan::default();
        plan.clone()
    }

    fn decide(&self, is_auth: bool) -> Decision {
        let mut plan = self.plan();
        let mut decision = Decision {
            delay: (plan.delay_ms > 0).then(|| Duration::from_millis(plan.delay_ms)),
            ..Decision::default()
        };
        if is_auth && !plan.include_auth {
            return decision;
        }
        if plan.fail_next > 0 {
            plan.fail_next -= 1;
            decision.fail = StatusCode::from_u16(plan.status).ok();
        } else if plan.malformed_next > 0 {
            plan.malformed_next -= 1;
            decision.malformed = true;
        }
        decision
    }
}

/// Middleware on every API route: counts the call, then applies the armed faults.
///
/// A failed call never reaches its handler (no side effects); a malformed one does run, and
/// only its body is garbled, so a client that retries must rely on idempotency.
pub(crate) async fn apply(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let is_auth = request.uri().path() == AUTH_PATH;
    let counter = if is_auth {
        &shared.counters.auth_calls
    } else {
        &shared.counters.api_calls
    };
    counter.fetch_add(1, Ordering::Relaxed);
    let decision = shared.faults.decide(is_auth);
    if let Some(delay) = decision.delay {
        tokio::time::sleep(delay).await;
    }
    if let Some(status) = decision.fail {
        return ApiError::injected(status).into_response();
    }
    let response = next.run(request).await;
    if decision.malformed {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            Body::from(r#"{"code":0,"message":"Success","data":{"products":[{"id":"#),
        )
            .into_response();
    }
    response
}
