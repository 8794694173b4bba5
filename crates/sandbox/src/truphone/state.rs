//! The sandbox's mutable world behind one mutex: tokens, customers, orders and the fleet of
//! SIMs, with the operations the API and the control routes perform on it.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::Value;

use crate::esimfx::world;
use crate::faults::Faults;
use crate::ids::IdGen;

use super::assumed;
use super::catalogue::Catalogue;
use super::lifecycle::{Fleet, Profile, Sim, SubStatus, Subscription};
use super::orders::{Operation, Order, Outcome, Pace};
use super::validation::ValidOrder;
use super::wire::{self, ApiError};
use super::{TruphoneSandboxConfig, FAULT_STYLE};
use crate::calendar::iso8601;
use crate::clock::Clock;

/// How many recent `X-Correlation-ID`s are kept for tests to read.
const CORRELATION_MEMORY: usize = 1_000;

/// An access token and its refresh token, as the token endpoint hands them out.
#[derive(Debug, Clone)]
pub(crate) struct TokenPair {
    pub(crate) access: String,
    pub(crate) refresh: String,
}

/// A filter on the subscription history (`GET /v1/subscription`).
#[derive(Debug, Default, Clone)]
pub(crate) struct HistoryFilter {
    pub(crate) email: Option<String>,
    pub(crate) iccid: Option<String>,
    pub(crate) product_id: Option<String>,
    /// Unix seconds, inclusive.
    pub(crate) after: Option<i64>,
    /// Unix seconds, exclusive.
    pub(crate) before: Option<i64>,
}

impl HistoryFilter {
    fn matches(&self, sub: &Subscription) -> bool {
        self.email
            .as_deref()
            .is_none_or(|e| e.eq_ignore_ascii_case(&sub.email))
            && self.iccid.as_deref().is_none_or(|i| i == sub.iccid)
            && self
                .product_id
                .as_deref()
                .is_none_or(|p| p == sub.product_id)
            && self.after.is_none_or(|t| sub.created_at >= t)
            && self.before.is_none_or(|t| sub.created_at < t)
    }
}

/// Everything that changes while the sandbox runs.
#[derive(Debug)]
pub(crate) struct World {
    /// Access token to its expiry (sandbox unix seconds).
    tokens: HashMap<String, i64>,
    refresh_tokens: HashMap<String, i64>,
    /// Lower-cased email to when the customer was created.
    customers: BTreeMap<String, i64>,
    /// In creation order.
    pub(crate) orders: Vec<Order>,
    pub(crate) fleet: Fleet,
    ids: IdGen,
    pub(crate) pace: Pace,
    token_ttl: i64,
    traffic_bytes_per_hour: u64,
    /// Orders still to be placed FAILED.
    pub(crate) fail_orders: u32,
    pub(crate) correlation_ids: VecDeque<String>,
    tokens_issued: u64,
    refresh_grants: u64,
    orders_placed: u64,
    esims_issued: u64,
}

impl World {
    pub(crate) fn issue_tokens(&mut self, now: i64) -> TokenPair {
        self.tokens.retain(|_, until| *until > now);
        self.refresh_tokens.retain(|_, until| *until > now);
        let access = self.ids.token();
        let refresh = format!("rt_{}", self.ids.token());
        self.tokens.insert(access.clone(), now + self.token_ttl);
        self.refresh_tokens
            .insert(refresh.clone(), now + assumed::REFRESH_TOKEN_TTL_SECS);
        self.tokens_issued += 1;
        TokenPair { access, refresh }
    }

    /// A new pair for a live refresh token; `None` when it is unknown or expired.
    pub(crate) fn refresh(&mut self, refresh_token: &str, now: i64) -> Option<TokenPair> {
        let live = self
            .refresh_tokens
            .get(refresh_token)
            .is_some_and(|until| *until > now);
        if !live {
            return None;
        }
        self.refresh_tokens.remove(refresh_token);
        self.refresh_grants += 1;
        Some(self.issue_tokens(now))
    }

    pub(crate) fn token_valid(&self, token: &str, now: i64) -> bool {
        self.tokens.get(token).is_some_and(|until| *until > now)
    }

    /// Every access and refresh token issued so far stops working; returns how many.
    pub(crate) fn expire_tokens(&mut self) -> usize {
        let n = self.tokens.len() + self.refresh_tokens.len();
        self.tokens.clear();
        self.refresh_tokens.clear();
        n
    }

    pub(crate) fn token_ttl(&self) -> i64 {
        self.token_ttl
    }

    pub(crate) fn note_correlation(&mut self, id: &str) {
        if self.correlation_ids.len() == CORRELATION_MEMORY {
            self.correlation_ids.pop_front();
        }
        self.correlation_ids.push_back(id.to_owned());
    }

    /// Applies what fell due by `now`: orders that finish by time, plan expiry, traffic.
    fn tick(&mut self, catalogue: &Catalogue, now: i64) {
        for index in 0..self.orders.len() {
            if self.orders[index].due(self.pace, now) {
                self.finish(index, catalogue, now);
            }
        }
        self.fleet.traffic(self.traffic_bytes_per_hour, now);
        self.fleet.expire(now);
    }

    /// Places an order after the checks that need state (422s), answering it as created.
    pub(crate) fn place_order(
        &mut self,
        order: ValidOrder,
        catalogue: &Catalogue,
        now: i64,
    ) -> Result<Value, ApiError> {
        for line in &order.lines {
            if catalogue.get(&line.product_id).is_none() {
                return Err(ApiError::product_not_found(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &line.product_id,
                ));
            }
        }
        let email = match (&order.operation, order.email) {
            (Operation::NewEsim, Some(email)) => {
                self.customers.entry(email.to_lowercase()).or_insert(now);
                email
            }
            (Operation::NewEsim, None) => {
                return Err(ApiError::invalid_one("customer.email must not be blank"))
            }
            (Operation::TopUp { iccid }, email) => {
                self.check_topup(iccid, email, order.lines.len())?
            }
        };
        let doomed = self.fail_orders > 0;
        self.fail_orders = self.fail_orders.saturating_sub(1);
        let placed = Order {
            id: self.ids.uuid(),
            operation: order.operation,
            email,
            device_id: order.device_id,
            lines: order.lines,
            created_at: now,
            polls: 0,
            doomed,
            outcome: None,
        };
        let body = wire::order(&placed);
        self.orders.push(placed);
        self.orders_placed += 1;
        Ok(body)
    }

    /// TOPUP rules of the seed: the customer exists and owns the ICCID; the SIM keeps at most
    /// 15 active subscriptions. Answers the email the subscriptions are filed under.
    fn check_topup(
        &self,
        iccid: &str,
        email: Option<String>,
        new_lines: usize,
    ) -> Result<String, ApiError> {
        let sim = self.fleet.sims.get(iccid);
        let email = match email {
            Some(email) => {
                if !self.customers.contains_key(&email.to_lowercase()) {
                    return Err(ApiError::customer_must_exist(&email));
                }
                match sim {
                    Some(sim) if sim.email.eq_ignore_ascii_case(&email) => email,
                    _ => return Err(ApiError::email_and_iccid_do_not_match()),
                }
            }
            None => sim
                .map(|sim| sim.email.clone())
                .ok_or_else(|| ApiError::sim_not_found(iccid))?,
        };
        let queued: usize = self
            .orders
            .iter()
            .filter(|o| o.outcome.is_none())
            .filter(|o| matches!(&o.operation, Operation::TopUp { iccid: i } if i == iccid))
            .map(|o| o.lines.len())
            .sum();
        if self.fleet.live_subscriptions(iccid) + queued + new_lines
            > assumed::MAX_ACTIVE_SUBSCRIPTIONS
        {
            return Err(ApiError::too_many_subscriptions(iccid));
        }
        Ok(email)
    }

    /// `GET /v1/order/{id}`: one more poll, which may finish the order.
    pub(crate) fn poll_order(
        &mut self,
        id: &str,
        catalogue: &Catalogue,
        now: i64,
    ) -> Result<Value, ApiError> {
        let index = self
            .orders
            .iter()
            .position(|o| o.id == id)
            .ok_or_else(|| ApiError::order_not_found(id))?;
        let order = &mut self.orders[index];
        order.polls = order.polls.saturating_add(1);
        if order.due(self.pace, now) {
            self.finish(index, catalogue, now);
        }
        Ok(wire::order(&self.orders[index]))
    }

    /// Completes (or fails) an order: a NEW_ESIM issues a SIM, every line becomes a
    /// subscription, created now.
    fn finish(&mut self, index: usize, catalogue: &Catalogue, now: i64) {
        if self.orders[index].doomed {
            self.orders[index].outcome = Some(Outcome::Failed);
            return;
        }
        let order = self.orders[index].clone();
        let (iccid, matching_id) = match &order.operation {
            Operation::NewEsim => {
                let iccid = self.ids.iccid();
                let matching_id = self.ids.matching_id();
                self.fleet.sims.insert(
                    iccid.clone(),
                    Sim {
                        iccid: iccid.clone(),
                        matching_id: matching_id.clone(),
                        email: order.email.clone(),
                        profile: Profile::Released,
                        last_modified: now,
                        connected_at: None,
                        traffic_drawn: 0,
                    },
                );
                self.esims_issued += 1;
                (iccid, Some(matching_id))
            }
            Operation::TopUp { iccid } => (iccid.clone(), None),
        };
        let mut first_subscription = None;
        for line in &order.lines {
            // Checked when the order was placed; the catalogue never changes.
            let Some(product) = catalogue.get(&line.product_id) else {
                continue;
            };
            let id = self.ids.uuid().replace('-', "");
            first_subscription.get_or_insert_with(|| id.clone());
            self.fleet.subscriptions.push(Subscription {
                id,
                order_id: order.id.clone(),
                iccid: iccid.clone(),
                email: order.email.clone(),
                device_id: order.device_id.clone(),
                product_id: product.id.clone(),
                product_name: product.name.clone(),
                plan_id: product.plan_id.clone(),
                period_days: product.period_days,
                initial_bytes: product.data.bytes(),
                spent_bytes: 0,
                status: SubStatus::Pending,
                created_at: now,
                not_before: line.not_before,
                activated_at: None,
                expires_at: None,
            });
        }
        self.orders[index].outcome = Some(Outcome::Completed {
            iccid,
            matching_id,
            subscription_id: first_subscription.unwrap_or_default(),
        });
    }

    /// One page of the subscription history, oldest first, and whether more follow.
    pub(crate) fn history(
        &self,
        filter: &HistoryFilter,
        page: usize,
        size: usize,
    ) -> (Vec<Value>, bool) {
        let mut matching = self
            .fleet
            .subscriptions
            .iter()
            .filter(|s| filter.matches(s));
        let items: Vec<Value> = matching
            .by_ref()
            .skip(page.saturating_mul(size))
            .take(size)
            .map(wire::subscription)
            .collect();
        let more = matching.next().is_some();
        (items, more)
    }

    /// The control API's view of one eSIM: profile and packages with usage in bytes.
    pub(crate) fn esim_summary(&self, iccid: &str) -> Option<Value> {
        let sim = self.fleet.sims.get(iccid)?;
        let packages: Vec<Value> = self
            .fleet
            .subscriptions_of(iccid)
            .map(|s| {
                serde_json::json!({
                    "subscription_id": s.id,
                    "order_id": s.order_id,
                    "product_id": s.product_id,
                    "status": s.status.as_str(),
                    "used_bytes": s.spent_bytes,
                    "limit_bytes": s.initial_bytes,
                    "activated_at": s.activated_at.map(iso8601),
                    "expires_at": s.expires_at.map(iso8601),
                })
            })
            .collect();
        Some(serde_json::json!({
            "iccid": sim.iccid,
            "email": sim.email,
            "profile_status": sim.profile.as_str(),
            "matching_id": sim.matching_id,
            "connected": sim.connected_at.is_some(),
            "packages": packages,
        }))
    }
}

/// Counts a test can assert on, also served by `GET /_sandbox/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SandboxCounters {
    /// Calls to the `/esim/v1` and `/connect-api/v1` APIs, including refused and faulted ones.
    pub api_calls: u64,
    /// Orders accepted (each POST is a new order).
    pub orders_placed: u64,
    /// New eSIMs issued by completed NEW_ESIM orders.
    pub esims_issued: u64,
    /// Calls to the token endpoint, including refused ones.
    pub token_requests: u64,
    /// Access tokens handed out (client credentials and refresh grants).
    pub tokens_issued: u64,
    /// Access tokens handed out for a refresh token.
    pub refresh_grants: u64,
    /// Subscriptions on every SIM (one per order line once the order completed).
    pub subscriptions: u64,
    /// Products in the catalogue.
    pub products: u64,
    /// The sandbox clock, ISO-8601.
    pub now: String,
}

/// What every handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: TruphoneSandboxConfig,
    pub(crate) clock: Clock,
    pub(crate) faults: Arc<Faults>,
    pub(crate) catalogue: Catalogue,
    pub(crate) countries: HashSet<String>,
    world: Mutex<World>,
}

impl Shared {
    pub(crate) fn new(config: TruphoneSandboxConfig) -> Self {
        let (countries, problems) = world::load();
        for problem in &problems {
            tracing::warn!(%problem, "Truphone sandbox data");
        }
        let world = World {
            tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            customers: BTreeMap::new(),
            orders: Vec::new(),
            fleet: Fleet::default(),
            ids: IdGen::per_instance(),
            pace: Pace {
                after_polls: config.fulfil_after_polls,
                after_secs: i64::from(config.fulfil_after_secs),
            },
            token_ttl: i64::from(config.token_ttl_secs),
            traffic_bytes_per_hour: config.traffic_bytes_per_hour,
            fail_orders: config.fail_orders,
            correlation_ids: VecDeque::new(),
            tokens_issued: 0,
            refresh_grants: 0,
            orders_placed: 0,
            esims_issued: 0,
        };
        Self {
            clock: Clock::new(config.clock_speed),
            faults: Arc::new(Faults::new(&FAULT_STYLE)),
            catalogue: Catalogue::generate(&countries),
            countries: countries.into_iter().map(|c| c.code).collect(),
            config,
            world: Mutex::new(world),
        }
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        // A panic in one handler must not take the whole sandbox down with a poisoned lock.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the world at the current sandbox time, after applying what fell due.
    pub(crate) fn with_world<R>(&self, f: impl FnOnce(&mut World, i64) -> R) -> R {
        let now = self.clock.now();
        let mut world = self.lock();
        world.tick(&self.catalogue, now);
        f(&mut world, now)
    }

    pub(crate) fn stats(&self) -> SandboxCounters {
        let (orders_placed, esims_issued, tokens_issued, refresh_grants, subscriptions, now) = self
            .with_world(|w, now| {
                (
                    w.orders_placed,
                    w.esims_issued,
                    w.tokens_issued,
                    w.refresh_grants,
                    w.fleet.subscriptions.len() as u64,
                    now,
                )
            });
        SandboxCounters {
            api_calls: self.faults.api_calls(),
            orders_placed,
            esims_issued,
            token_requests: self.faults.auth_calls(),
            tokens_issued,
            refresh_grants,
            subscriptions,
            products: self.catalogue.products().len() as u64,
            now: iso8601(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> Shared {
        Shared::new(TruphoneSandboxConfig {
            clock_speed: 0,
            ..TruphoneSandboxConfig::default()
        })
    }

    fn new_order(shared: &Shared, email: &str, device: &str) -> String {
        let product = shared.catalogue.products()[0].id.clone();
        let body = shared
            .with_world(|w, now| {
                w.place_order(
                    ValidOrder {
                        operation: Operation::NewEsim,
                        email: Some(email.into()),
                        device_id: device.into(),
                        lines: vec![super::super::orders::Line {
                            product_id: product,
                            not_before: None,
                        }],
                    },
                    &shared.catalogue,
                    now,
                )
            })
            .unwrap();
        body["externalId"].as_str().unwrap().to_owned()
    }

    #[test]
    fn the_third_poll_completes_by_default_and_issues_one_sim() {
        let shared = shared();
        let id = new_order(&shared, "a@b.example", "dev-1");
        let poll = || {
            shared
                .with_world(|w, now| w.poll_order(&id, &shared.catalogue, now))
                .unwrap()
        };
        assert_eq!(poll()["status"], "ACCEPTED");
        assert_eq!(poll()["status"], "FULFILLING");
        let done = poll();
        assert_eq!(done["status"], "COMPLETED", "{done}");
        assert_eq!(poll()["output"], done["output"], "stays completed");
        let stats = shared.stats();
        assert_eq!((stats.orders_placed, stats.esims_issued), (1, 1));
        let iccid = done["output"]["iccid"].as_str().unwrap();
        let history = shared.with_world(|w, _| {
            w.history(
                &HistoryFilter {
                    email: Some("A@B.example".into()),
                    ..Default::default()
                },
                0,
                20,
            )
        });
        assert_eq!(history.0.len(), 1);
        assert_eq!(history.0[0]["iccid"], iccid);
        assert_eq!(history.0[0]["device_id"], "dev-1");
        assert_eq!(history.0[0]["order_id"], id.as_str());
    }

    #[test]
    fn refresh_tokens_work_once_and_expire_with_the_rest() {
        let shared = shared();
        let first = shared.with_world(|w, now| w.issue_tokens(now));
        let second = shared
            .with_world(|w, now| w.refresh(&first.refresh, now))
            .expect("refreshed");
        assert!(shared
            .with_world(|w, now| w.refresh(&first.refresh, now))
            .is_none());
        assert!(shared.with_world(|w, now| w.token_valid(&second.access, now)));
        assert_eq!(shared.with_world(|w, _| w.expire_tokens()), 3);
        assert!(!shared.with_world(|w, now| w.token_valid(&second.access, now)));
        assert!(shared
            .with_world(|w, now| w.refresh(&second.refresh, now))
            .is_none());
    }

    #[test]
    fn history_pages_in_creation_order() {
        let shared = shared();
        for n in 0..5 {
            let id = new_order(&shared, "p@q.example", &format!("dev-{n}"));
            shared.with_world(|w, now| {
                for _ in 0..3 {
                    w.poll_order(&id, &shared.catalogue, now).unwrap();
                }
            });
        }
        let page = |n| shared.with_world(|w, _| w.history(&HistoryFilter::default(), n, 2));
        let devices = |items: &[Value]| {
            items
                .iter()
                .map(|s| s["device_id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        let (first, more) = page(0);
        assert_eq!(
            (devices(&first), more),
            (vec!["dev-0".into(), "dev-1".into()], true)
        );
        let (last, more) = page(2);
        assert_eq!((devices(&last), more), (vec!["dev-4".to_owned()], false));
    }
}
