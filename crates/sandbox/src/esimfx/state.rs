//! The sandbox's mutable world behind one mutex, and the shared handle every handler gets.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;

use super::catalogue::Catalogue;
use super::lifecycle::{Esim, Order};
use super::webhooks::{Event, Webhooks};
use super::wire::FAULT_STYLE;
use super::world;
use super::{AutoDevice, EsimfxSandboxConfig};
use crate::calendar::iso8601;
use crate::clock::Clock;
use crate::faults::Faults;
use crate::ids::IdGen;

/// How long an access token lives: an hour of wall time, which is this many sandbox seconds
/// times the clock speed (at least one), so a fast clock does not make tokens die in seconds.
pub(crate) const TOKEN_TTL: i64 = 3600;

/// A stored `create_order` answer, replayed for the same idempotency key and body.
#[derive(Debug, Clone)]
pub(crate) struct Replay {
    pub(crate) body: Value,
    pub(crate) data: Value,
    pub(crate) at: i64,
}

/// Everything that changes while the sandbox runs.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) catalogue: Catalogue,
    pub(crate) generated: Arc<Catalogue>,
    /// Access token to its expiry (unix seconds).
    pub(crate) tokens: HashMap<String, i64>,
    /// How long a new token lives, in sandbox seconds.
    pub(crate) token_ttl: i64,
    pub(crate) orders: HashMap<String, Order>,
    /// Keyed by ICCID; ICCIDs are serial, so iteration follows creation order.
    pub(crate) esims: BTreeMap<String, Esim>,
    pub(crate) replays: HashMap<String, Replay>,
    pub(crate) balance_cents: i64,
    pub(crate) ids: IdGen,
    /// Usage percentages that fire `DATA_USAGE`, ascending.
    pub(crate) thresholds: Vec<u8>,
    /// Data a connected eSIM uses per sandbox hour; 0 is none.
    pub(crate) traffic_bytes_per_hour: u64,
    /// The simulated phone, if any.
    pub(crate) auto_device: Option<AutoDevice>,
    /// Events raised by the current operation, not yet handed to the webhook worker.
    pub(crate) outbox: Vec<Event>,
    /// Every event ever raised, for the control API.
    pub(crate) event_log: Vec<Event>,
    pub(crate) tokens_issued: u64,
}

impl World {
    /// Issues a fresh access token valid for [`TOKEN_TTL`].
    pub(crate) fn issue_token(&mut self, now: i64) -> String {
        self.tokens.retain(|_, expires| *expires > now);
        let token = self.ids.token();
        self.tokens.insert(token.clone(), now + self.token_ttl);
        self.tokens_issued += 1;
        token
    }

    pub(crate) fn token_valid(&self, token: &str, now: i64) -> bool {
        self.tokens.get(token).is_some_and(|expires| *expires > now)
    }
}

/// Counts a test can assert on, as served by `GET /_sandbox/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SandboxStats {
    /// Calls to `/account/api/v1/auth`, including rejected and faulted ones.
    pub auth_calls: u64,
    /// Calls to every other API route, including rejected and faulted ones.
    pub api_calls: u64,
    /// Orders created (replays not counted).
    pub orders: u64,
    pub tokens_issued: u64,
    /// Reseller balance in US cents.
    pub balance_cents: i64,
    /// Webhook events the receiver acknowledged with a 2xx.
    pub webhooks_delivered: u64,
    /// Webhook events given up on after every retry.
    pub webhooks_failed: u64,
    pub esims: u64,
    pub products: u64,
    /// The sandbox clock, ISO-8601.
    pub now: String,
}

/// What every handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: EsimfxSandboxConfig,
    pub(crate) clock: Clock,
    /// Armed faults, and the auth and API call counters.
    pub(crate) faults: Arc<Faults>,
    pub(crate) webhooks: Webhooks,
    world: Mutex<World>,
}

impl Shared {
    pub(crate) fn new(config: EsimfxSandboxConfig) -> Self {
        let (countries, problems) = world::load();
        for problem in &problems {
            tracing::warn!(%problem, "eSIMfx sandbox data");
        }
        let generated = Arc::new(Catalogue::generate(&countries));
        let mut thresholds: Vec<u8> = config
            .usage_thresholds
            .iter()
            .copied()
            .filter(|t| (1..=100).contains(t))
            .collect();
        thresholds.sort_unstable();
        thresholds.dedup();
        let world = World {
            catalogue: (*generated).clone(),
            generated,
            tokens: HashMap::new(),
            token_ttl: TOKEN_TTL * i64::from(config.clock_speed.max(1)),
            orders: HashMap::new(),
            esims: BTreeMap::new(),
            replays: HashMap::new(),
            balance_cents: config.initial_balance_cents,
            ids: IdGen::per_instance(),
            thresholds,
            traffic_bytes_per_hour: config.traffic_bytes_per_hour,
            auto_device: config.auto_device,
            outbox: Vec::new(),
            event_log: Vec::new(),
            tokens_issued: 0,
        };
        Self {
            webhooks: Webhooks::new(config.webhook_url.clone(), config.webhook_token.clone()),
            clock: Clock::new(config.clock_speed),
            config,
            faults: Arc::new(Faults::new(&FAULT_STYLE)),
            world: Mutex::new(world),
        }
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        // A panic elsewhere must not take the whole sandbox down with a poisoned lock.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the world at the current sandbox time, after applying every time-driven
    /// transition that is due; events raised on the way go to the webhook worker afterwards.
    pub(crate) fn with_world<R>(&self, f: impl FnOnce(&mut World, i64) -> R) -> R {
        let now = self.clock.now();
        let (result, events) = {
            let mut world = self.lock();
            world.tick(now);
            let result = f(&mut world, now);
            let events = std::mem::take(&mut world.outbox);
            world.event_log.extend(events.iter().cloned());
            (result, events)
        };
        self.webhooks.dispatch(events);
        result
    }

    pub(crate) fn stats(&self) -> SandboxStats {
        let (orders, tokens_issued, balance_cents, esims, products, now) =
            self.with_world(|w, now| {
                (
                    w.orders.len() as u64,
                    w.tokens_issued,
                    w.balance_cents,
                    w.esims.len() as u64,
                    w.catalogue.products().len() as u64,
                    now,
                )
            });
        SandboxStats {
            auth_calls: self.faults.auth_calls(),
            api_calls: self.faults.api_calls(),
            orders,
            tokens_issued,
            balance_cents,
            webhooks_delivered: self.webhooks.delivered(),
            webhooks_failed: self.webhooks.failed(),
            esims,
            products,
            now: iso8601(now),
        }
    }
}
