//! The sandbox's objects behind one mutex, the events they raise, and the handle every
//! handler shares.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};

use serde::Serialize;
use serde_json::Value;

use super::api::Replays;
use super::ids::IdGen;
use super::objects::{Charge, PaymentIntent, Refund, Session, SessionStatus};
use super::time;
use super::webhooks::{Event, Webhooks};
use super::wire;
use super::StripeSandboxConfig;

/// Every object the sandbox holds, by id.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) sessions: HashMap<String, Session>,
    pub(crate) intents: HashMap<String, PaymentIntent>,
    pub(crate) charges: HashMap<String, Charge>,
    pub(crate) refunds: HashMap<String, Refund>,
    pub(crate) ids: IdGen,
    /// Events raised by the current operation, handed to the webhook worker afterwards.
    outbox: Vec<Event>,
}

impl World {
    fn new() -> Self {
        Self {
            sessions: HashMap::new(),
            intents: HashMap::new(),
            charges: HashMap::new(),
            refunds: HashMap::new(),
            ids: IdGen::per_instance(),
            outbox: Vec::new(),
        }
    }

    /// Records an event around a snapshot of `object`, taken now.
    pub(crate) fn raise(&mut self, event_type: &'static str, object: Value, now: i64) {
        let id = self.ids.next("evt_");
        let payload = wire::event(&id, event_type, now, object).to_string();
        self.outbox.push(Event {
            id,
            event_type,
            created: now,
            payload,
        });
    }

    /// Raises `checkout.session.*` with the session as it is now.
    pub(crate) fn raise_session(&mut self, event_type: &'static str, session_id: &str, now: i64) {
        if let Some(session) = self.sessions.get(session_id) {
            // Events are only raised for closed sessions, which have no hosted URL.
            let object = wire::session(session, "", None);
            self.raise(event_type, object, now);
        }
    }

    /// Expires open sessions whose `expires_at` has passed.
    fn tick(&mut self, now: i64) {
        let due: Vec<String> = self
            .sessions
            .values()
            .filter(|s| s.status == SessionStatus::Open && s.expires_at <= now)
            .map(|s| s.id.clone())
            .collect();
        for id in due {
            if let Some(session) = self.sessions.get_mut(&id) {
                session.status = SessionStatus::Expired;
            }
            self.raise_session("checkout.session.expired", &id, now);
        }
    }
}

/// Call counters kept outside the world lock.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) api_calls: AtomicU64,
    pub(crate) unauthorized: AtomicU64,
    pub(crate) replays: AtomicU64,
}

/// Counts a test can assert on, as served by `GET /_sandbox/stripe/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StripeSandboxStats {
    /// Requests to `/v1/…`, including refused ones.
    pub api_calls: u64,
    /// Requests refused for a missing or wrong API key.
    pub unauthorized_calls: u64,
    /// Requests answered from the idempotency store.
    pub idempotent_replays: u64,
    /// Checkout sessions created (replays not counted).
    pub sessions: u64,
    /// Sessions now `complete` (paid, or waiting for a delayed payment).
    pub sessions_completed: u64,
    /// Sessions now `expired`.
    pub sessions_expired: u64,
    /// PaymentIntents, created on a session's first payment attempt.
    pub payment_intents: u64,
    /// Successful charges.
    pub charges: u64,
    /// Refunds created.
    pub refunds: u64,
    /// Events raised, whether or not a webhook endpoint was set.
    pub events: u64,
    /// Deliveries the endpoint acknowledged with a 2xx (resends count again).
    pub webhooks_delivered: u64,
    /// Deliveries given up on after every retry.
    pub webhooks_failed: u64,
}

/// What every handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) counters: Counters,
    pub(crate) webhooks: Webhooks,
    pub(crate) replays: Replays,
    /// Prefix of hosted checkout URLs; empty means relative URLs.
    hosted_base: RwLock<String>,
    world: Mutex<World>,
}

impl Shared {
    pub(crate) fn new(config: StripeSandboxConfig) -> Self {
        let hosted_base = config
            .public_url
            .as_deref()
            .unwrap_or("")
            .trim_end_matches('/')
            .to_owned();
        Self {
            counters: Counters::default(),
            webhooks: Webhooks::new(config.webhook_url, config.webhook_secret),
            replays: Replays::default(),
            hosted_base: RwLock::new(hosted_base),
            world: Mutex::new(World::new()),
        }
    }

    /// The base of hosted checkout URLs, without a trailing slash.
    pub(crate) fn hosted_base(&self) -> String {
        self.hosted_base
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Sets the hosted base if no `public_url` was configured.
    pub(crate) fn default_hosted_base(&self, base: &str) {
        let mut current = self
            .hosted_base
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.is_empty() {
            *current = base.trim_end_matches('/').to_owned();
        }
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        // A panic elsewhere must not take the whole sandbox down with a poisoned lock.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the world at the current time, after expiring what is due; events raised
    /// on the way go to the webhook worker afterwards, in order.
    pub(crate) fn with_world<R>(&self, f: impl FnOnce(&mut World, i64) -> R) -> R {
        let now = time::now();
        let (result, events) = {
            let mut world = self.lock();
            world.tick(now);
            let result = f(&mut world, now);
            (result, std::mem::take(&mut world.outbox))
        };
        self.webhooks.record(events);
        result
    }

    pub(crate) fn stats(&self) -> StripeSandboxStats {
        let count = |status| {
            move |w: &World| w.sessions.values().filter(|s| s.status == status).count() as u64
        };
        let (sessions, completed, expired, intents, charges, refunds) = self.with_world(|w, _| {
            (
                w.sessions.len() as u64,
                count(SessionStatus::Complete)(w),
                count(SessionStatus::Expired)(w),
                w.intents.len() as u64,
                w.charges.len() as u64,
                w.refunds.len() as u64,
            )
        });
        StripeSandboxStats {
            api_calls: self.counters.api_calls.load(Ordering::Relaxed),
            unauthorized_calls: self.counters.unauthorized.load(Ordering::Relaxed),
            idempotent_replays: self.counters.replays.load(Ordering::Relaxed),
            sessions,
            sessions_completed: completed,
            sessions_expired: expired,
            payment_intents: intents,
            charges,
            refunds,
            events: self.webhooks.events(),
            webhooks_delivered: self.webhooks.delivered(),
            webhooks_failed: self.webhooks.failed(),
        }
    }
}
