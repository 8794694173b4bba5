//! Injected faults shared by the provider sandboxes: 5xx answers, malformed bodies, added
//! latency, and calls held until released, armed through `POST /_sandbox/faults`, read with
//! `GET /_sandbox/faults` and cleared with `DELETE /_sandbox/faults`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// The faults armed right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultPlan {
    pub fail_next: u32,
    pub status: u16,
    pub malformed_next: u32,
    pub delay_ms: u64,
    /// Whether the auth route (see [`FaultStyle::auth_path`]) is hit too.
    pub include_auth: bool,
    /// Calls whose path ends with this are held, before their handler runs, until the hold is
    /// lifted (`"hold": ""` or `DELETE`): a test sees a call in flight without timing it.
    pub hold: Option<String>,
    /// Calls waiting on the hold right now.
    pub held_calls: u64,
}

impl Default for FaultPlan {
    fn default() -> Self {
        Self {
            fail_next: 0,
            status: 503,
            malformed_next: 0,
            delay_ms: 0,
            include_auth: false,
            hold: None,
            held_calls: 0,
        }
    }
}

/// `POST /_sandbox/faults` body; absent fields keep their current value.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultUpdate {
    pub fail_next: Option<u32>,
    pub status: Option<u16>,
    pub malformed_next: Option<u32>,
    pub delay_ms: Option<u64>,
    pub include_auth: Option<bool>,
    /// The path suffix to hold; `""` lifts the hold and lets every held call through.
    pub hold: Option<String>,
}

/// How one provider's API fails: its error body, its garbled body, and its auth route.
#[derive(Debug)]
pub struct FaultStyle {
    /// The token route, which faults skip unless `include_auth` is set.
    pub auth_path: Option<&'static str>,
    /// The provider's own error body for an injected 5xx.
    pub injected: fn(StatusCode) -> Response,
    /// Cut-off JSON served with 200 in place of the real body.
    pub malformed_body: &'static str,
}

/// Armed faults and call counters; one per sandbox instance.
#[derive(Debug)]
pub struct Faults {
    plan: Mutex<FaultPlan>,
    style: &'static FaultStyle,
    api_calls: AtomicU64,
    auth_calls: AtomicU64,
    /// Woken whenever the hold changes.
    released: Notify,
}

/// What to do to one call.
#[derive(Debug, Default)]
struct Decision {
    delay: Option<Duration>,
    fail: Option<StatusCode>,
    malformed: bool,
}

impl Faults {
    pub fn new(style: &'static FaultStyle) -> Self {
        Faults {
            plan: Mutex::new(FaultPlan::default()),
            style,
            api_calls: AtomicU64::new(0),
            auth_calls: AtomicU64::new(0),
            released: Notify::new(),
        }
    }

    fn plan(&self) -> std::sync::MutexGuard<'_, FaultPlan> {
        self.plan
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// API calls seen so far (auth calls not included).
    pub fn api_calls(&self) -> u64 {
        self.api_calls.load(Ordering::Relaxed)
    }

    /// Token requests seen so far.
    pub fn auth_calls(&self) -> u64 {
        self.auth_calls.load(Ordering::Relaxed)
    }

    /// Applies an update; `include_auth` is reset with every update that arms a counter.
    pub fn configure(&self, update: FaultUpdate) -> Result<FaultPlan, String> {
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
        if let Some(hold) = update.hold {
            plan.hold = (!hold.is_empty()).then_some(hold);
            self.released.notify_waiters();
        }
        Ok(plan.clone())
    }

    /// What is armed now, and how many calls are held.
    pub fn current(&self) -> FaultPlan {
        self.plan().clone()
    }

    /// Disarms everything, letting held calls through.
    pub fn reset(&self) -> FaultPlan {
        let mut plan = self.plan();
        *plan = FaultPlan {
            held_calls: plan.held_calls,
            ..FaultPlan::default()
        };
        self.released.notify_waiters();
        plan.clone()
    }

    /// Waits while calls to `path` are held.
    async fn wait_while_held(&self, path: &str) {
        let holds = |plan: &FaultPlan| {
            plan.hold
                .as_deref()
                .is_some_and(|suffix| path.ends_with(suffix))
        };
        if !holds(&self.plan()) {
            return;
        }
        self.plan().held_calls += 1;
        loop {
            let released = self.released.notified();
            tokio::pin!(released);
            // Registered before the check, so a release in between is not missed.
            released.as_mut().enable();
            if !holds(&self.plan()) {
                break;
            }
            released.await;
        }
        self.plan().held_calls -= 1;
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

/// Middleware for every API route (not the control routes): counts the call, then applies
/// the armed faults. Use with `axum::middleware::from_fn_with_state(faults, faults::apply)`.
///
/// A failed call never reaches its handler (no side effects); a malformed one does run, and
/// only its body is garbled, so a client that retries must rely on idempotency.
pub async fn apply(State(faults): State<Arc<Faults>>, request: Request, next: Next) -> Response {
    let is_auth = faults.style.auth_path == Some(request.uri().path());
    let counter = if is_auth {
        &faults.auth_calls
    } else {
        &faults.api_calls
    };
    counter.fetch_add(1, Ordering::Relaxed);
    if !is_auth {
        faults.wait_while_held(request.uri().path()).await;
    }
    let decision = faults.decide(is_auth);
    if let Some(delay) = decision.delay {
        tokio::time::sleep(delay).await;
    }
    if let Some(status) = decision.fail {
        return (faults.style.injected)(status);
    }
    let response = next.run(request).await;
    if decision.malformed {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            Body::from(faults.style.malformed_body),
        )
            .into_response();
    }
    response
}

/// `POST /_sandbox/faults` (arm), `GET /_sandbox/faults` (read) and `DELETE /_sandbox/faults`
/// (disarm), answering the plan.
pub fn control_routes(faults: Arc<Faults>) -> Router {
    Router::new()
        .route(
            "/_sandbox/faults",
            post(set_faults).get(show_faults).delete(clear_faults),
        )
        .with_state(faults)
}

async fn show_faults(State(faults): State<Arc<Faults>>) -> Json<FaultPlan> {
    Json(faults.current())
}

async fn set_faults(
    State(faults): State<Arc<Faults>>,
    Json(update): Json<FaultUpdate>,
) -> Response {
    match faults.configure(update) {
        Ok(plan) => Json(plan).into_response(),
        Err(message) => (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": message })),
        )
            .into_response(),
    }
}

async fn clear_faults(State(faults): State<Arc<Faults>>) -> Json<FaultPlan> {
    Json(faults.reset())
}

#[cfg(test)]
mod tests {
    use super::*;

    static STYLE: FaultStyle = FaultStyle {
        auth_path: Some("/auth"),
        injected: |status| status.into_response(),
        malformed_body: "{",
    };

    #[test]
    fn failures_are_counted_down_and_skip_auth_unless_asked() {
        let faults = Faults::new(&STYLE);
        faults
            .configure(FaultUpdate {
                fail_next: Some(2),
                status: Some(502),
                ..Default::default()
            })
            .unwrap();
        assert!(faults.decide(true).fail.is_none());
        assert_eq!(faults.decide(false).fail, Some(StatusCode::BAD_GATEWAY));
        assert_eq!(faults.decide(false).fail, Some(StatusCode::BAD_GATEWAY));
        assert!(faults.decide(false).fail.is_none());
    }

    #[test]
    fn only_5xx_statuses_can_be_injected() {
        let faults = Faults::new(&STYLE);
        let error = faults
            .configure(FaultUpdate {
                status: Some(404),
                ..Default::default()
            })
            .unwrap_err();
        assert!(error.contains("5xx"), "{error}");
    }

    #[tokio::test]
    async fn a_held_call_waits_until_the_hold_is_lifted() {
        let faults = Arc::new(Faults::new(&STYLE));
        faults
            .configure(FaultUpdate {
                hold: Some("/order".into()),
                ..Default::default()
            })
            .unwrap();
        // Other paths pass at once.
        faults.wait_while_held("/products").await;
        let held = tokio::spawn({
            let faults = faults.clone();
            async move { faults.wait_while_held("/api/v1/order").await }
        });
        while faults.current().held_calls == 0 {
            tokio::task::yield_now().await;
        }
        assert!(!held.is_finished());
        faults
            .configure(FaultUpdate {
                hold: Some(String::new()),
                ..Default::default()
            })
            .unwrap();
        held.await.unwrap();
        assert_eq!(faults.current().held_calls, 0);
        assert_eq!(faults.current().hold, None);
    }
}
