//! The sandbox's mutable world behind one mutex, and the shared handle every handler gets.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use super::catalogue::Catalogue;
use super::ids::IdGen;
use super::lifecycle::Esim;
use super::orders::Order;
use super::time::{rfc3339, SECOND};
use super::wire::STYLE;
use super::world;
use super::EsimGoSandboxConfig;
use crate::clock::Clock;
use crate::faults::Faults;

/// Everything that changes while the sandbox runs.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) catalogue: Catalogue,
    /// Keyed by ICCID.
    pub(crate) esims: BTreeMap<String, Esim>,
    /// Every order, oldest first.
    pub(crate) orders: Vec<Order>,
    /// Order reference to its index in `orders`.
    pub(crate) order_index: HashMap<String, usize>,
    pub(crate) balance_cents: i64,
    pub(crate) ids: IdGen,
    pub(crate) next_assignment_id: u64,
    pub(crate) esims_issued: u64,
    /// Milliseconds a new assignment stays `processing`.
    pub(crate) processing_ms: i64,
    pub(crate) traffic_bytes_per_hour: u64,
}

impl World {
    pub(crate) fn order(&self, reference: &str) -> Option<&Order> {
        self.order_index.get(reference).map(|i| &self.orders[*i])
    }
}

/// Counts a test can assert on, as served by `GET /_sandbox/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SandboxCounters {
    /// Calls to the API under `/v2.4`, rejected and faulted ones included.
    pub api_calls: u64,
    /// `transaction` orders placed (validations not counted).
    pub orders_placed: u64,
    /// New eSIMs issued (top-ups not counted).
    pub esims_issued: u64,
    /// The organisation balance in US cents.
    pub balance_cents: i64,
    /// Bundles in the catalogue.
    pub bundles: u64,
    /// The sandbox clock, RFC 3339.
    pub now: String,
}

/// What every handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: EsimGoSandboxConfig,
    pub(crate) clock: Clock,
    pub(crate) faults: Arc<Faults>,
    world: Mutex<World>,
}

impl Shared {
    pub(crate) fn new(config: EsimGoSandboxConfig) -> Self {
        let (countries, problems) = world::load();
        for problem in &problems {
            tracing::warn!(%problem, "eSIM Go sandbox data");
        }
        let world = World {
            catalogue: Catalogue::generate(&countries),
            esims: BTreeMap::new(),
            orders: Vec::new(),
            order_index: HashMap::new(),
            balance_cents: config.initial_balance_cents,
            ids: IdGen::per_instance(),
            next_assignment_id: 1,
            esims_issued: 0,
            processing_ms: i64::from(config.bundle_activation_secs) * SECOND,
            traffic_bytes_per_hour: config.traffic_bytes_per_hour,
        };
        Self {
            clock: Clock::new(config.clock_speed),
            config,
            faults: Arc::new(Faults::new(&STYLE)),
            world: Mutex::new(world),
        }
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        // A panic elsewhere must not take the whole sandbox down with a poisoned lock.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the world at the current sandbox time (milliseconds), after applying every
    /// time-driven change that is due.
    pub(crate) fn with_world<R>(&self, f: impl FnOnce(&mut World, i64) -> R) -> R {
        let now = self.clock.now_ms();
        let mut world = self.lock();
        world.tick(now);
        f(&mut world, now)
    }

    /// Whether an order's eSIM install data is out yet (see
    /// `EsimGoSandboxConfig::assignments_ready_after_secs`).
    pub(crate) fn installs_ready(&self, order: &Order, now: i64) -> bool {
        now - order.created_at >= i64::from(self.config.assignments_ready_after_secs) * SECOND
    }

    pub(crate) fn stats(&self) -> SandboxCounters {
        self.with_world(|world, now| SandboxCounters {
            api_calls: self.faults.api_calls(),
            orders_placed: world.orders.len() as u64,
            esims_issued: world.esims_issued,
            balance_cents: world.balance_cents,
            bundles: world.catalogue.bundles().len() as u64,
            now: rfc3339(now),
        })
    }
}
