//! The sandbox's mutable world behind one mutex, the handle every handler shares, and the
//! counters tests read.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use super::catalogue::Catalogue;
use super::countries;
use super::ids::IdGen;
use super::orders::{Esim, Order};
use super::time::fms_time;
use super::users::{Session, User};
use super::FmsSandboxConfig;
use crate::clock::Clock;
use crate::faults::{FaultStyle, Faults};

/// How injected faults look: Spring Boot's error body (ASSUMED), skipping the login route.
static STYLE: FaultStyle = FaultStyle {
    auth_path: Some("/fms/user/emailLogin"),
    injected: super::assumed::spring_error,
    malformed_body: r#"{"code":0,"message":"success","data":{"orderId":"15"#,
};

/// Counts kept inside the world.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) orders_placed: u64,
    pub(crate) esims_issued: u64,
    pub(crate) users_registered: u64,
    pub(crate) logins: u64,
    pub(crate) password_resets: u64,
    pub(crate) qr_emails: u64,
    /// `/payment/webhook` calls that named a known order, per order.
    pub(crate) notifications: BTreeMap<String, u64>,
}

/// Counts a test can assert on, as served by `GET /_sandbox/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SandboxCounters {
    /// Calls to the FMS API, logins included, rejected and faulted ones too.
    pub api_calls: u64,
    /// Pre-orders made.
    pub orders_placed: u64,
    /// eSIM profiles assigned (each order that got paid gets a new eSIM).
    pub esims_issued: u64,
    /// Payment notifications that named a known order, in all.
    pub payment_notifications: u64,
    /// The same, per order id.
    pub notifications_by_order: BTreeMap<String, u64>,
    pub users_registered: u64,
    /// Successful logins (each issues a token).
    pub logins: u64,
    pub password_resets: u64,
    /// "QR code emailed to the user" events: one per assigned eSIM.
    pub qr_emails: u64,
    /// Profiles left in the pool; `None` when unlimited.
    pub profiles_free: Option<u32>,
    /// Packages in the catalogue.
    pub packages: u64,
    /// The sandbox clock, `yyyy-MM-dd HH:mm:ss`.
    pub now: String,
}

/// Everything that changes while the sandbox runs.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) config: FmsSandboxConfig,
    pub(crate) users: HashMap<String, User>,
    pub(crate) sessions: HashMap<String, Session>,
    pub(crate) orders: HashMap<String, Order>,
    /// Keyed by ICCID.
    pub(crate) esims: BTreeMap<String, Esim>,
    pub(crate) profiles_free: Option<u32>,
    pub(crate) ids: IdGen,
    pub(crate) tally: Tally,
}

/// What every handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) clock: Clock,
    pub(crate) faults: Arc<Faults>,
    pub(crate) catalogue: Catalogue,
    world: Mutex<World>,
}

impl Shared {
    pub(crate) fn new(config: FmsSandboxConfig) -> Self {
        let (countries, problems) = countries::load();
        for problem in &problems {
            tracing::warn!(%problem, "FMS sandbox data");
        }
        let world = World {
            profiles_free: config.pool_size,
            config: config.clone(),
            users: HashMap::new(),
            sessions: HashMap::new(),
            orders: HashMap::new(),
            esims: BTreeMap::new(),
            ids: IdGen::per_instance(),
            tally: Tally::default(),
        };
        Self {
            clock: Clock::new(config.clock_speed),
            faults: Arc::new(Faults::new(&STYLE)),
            catalogue: Catalogue::generate(countries),
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
    /// change that fell due (lapsed pre-orders, assigned profiles, traffic, expiry).
    pub(crate) fn with_world<R>(&self, f: impl FnOnce(&mut World, &Catalogue, i64) -> R) -> R {
        let now = self.clock.now();
        let mut world = self.lock();
        world.tick(now);
        f(&mut world, &self.catalogue, now)
    }

    pub(crate) fn counters(&self) -> SandboxCounters {
        let api_calls = self.faults.api_calls() + self.faults.auth_calls();
        let packages = self.catalogue.packages().len() as u64;
        self.with_world(|world, _, now| SandboxCounters {
            api_calls,
            orders_placed: world.tally.orders_placed,
            esims_issued: world.tally.esims_issued,
            payment_notifications: world.tally.notifications.values().sum(),
            notifications_by_order: world.tally.notifications.clone(),
            users_registered: world.tally.users_registered,
            logins: world.tally.logins,
            password_resets: world.tally.password_resets,
            qr_emails: world.tally.qr_emails,
            profiles_free: world.profiles_free,
            packages,
            now: fms_time(now),
        })
    }
}
