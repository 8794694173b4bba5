//! The eSIM and subscription state machines (esimfx.md §3–§4) and the webhook events they raise.
//!
//! Subscriptions go PENDING → ACTIVE → EXPIRED, or to TERMINATED from PENDING/ACTIVE. An eSIM
//! goes PROVISIONED → INSTALLED → ACTIVE → EXPIRED → BLOCKED (60 days later). Add-ons queue
//! behind the active subscription and start when it ends. Time-driven changes are applied per
//! eSIM in time order, interleaved with the simulated phone's data use (see `device`).

use super::catalogue::Product;
use super::device::Traffic;
use super::state::World;
use super::webhooks::{Event, EventType};
use super::wire::ApiError;
use crate::calendar::{iso8601, DAY};

/// A PENDING subscription activates by itself this long after purchase.
pub(crate) const AUTO_ACTIVATION: i64 = 60 * DAY;
/// Terminating a PENDING subscription within this window after purchase is refunded.
pub(crate) const REFUND_WINDOW: i64 = 60 * DAY;
/// An EXPIRED eSIM is BLOCKED this long afterwards.
const BLOCK_AFTER: i64 = 60 * DAY;

/// `subscription.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubStatus {
    Pending,
    Active,
    Expired,
    Terminated,
}

impl SubStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SubStatus::Pending => "PENDING",
            SubStatus::Active => "ACTIVE",
            SubStatus::Expired => "EXPIRED",
            SubStatus::Terminated => "TERMINATED",
        }
    }

    fn is_over(self) -> bool {
        matches!(self, SubStatus::Expired | SubStatus::Terminated)
    }
}

/// `esim.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EsimStatus {
    Provisioned,
    Installed,
    Active,
    Expired,
    Blocked,
}

impl EsimStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EsimStatus::Provisioned => "PROVISIONED",
            EsimStatus::Installed => "INSTALLED",
            EsimStatus::Active => "ACTIVE",
            EsimStatus::Expired => "EXPIRED",
            EsimStatus::Blocked => "BLOCKED",
        }
    }
}

/// The data package bound by one order.
#[derive(Debug, Clone)]
pub(crate) struct Subscription {
    /// Bytes; 0 for unlimited plans.
    pub(crate) limit_bytes: u64,
    pub(crate) used_bytes: u64,
    pub(crate) status: SubStatus,
    pub(crate) activated_at: Option<i64>,
    /// When it expired early (data used up) or was terminated.
    pub(crate) ended_at: Option<i64>,
    pub(crate) activate_by: i64,
    pub(crate) duration_days: u32,
    /// Thresholds already reported, so each fires once.
    pub(crate) fired: Vec<u8>,
}

impl Subscription {
    pub(crate) fn new(product: &Product, created_at: i64) -> Self {
        Self {
            limit_bytes: product.limit_bytes(),
            used_bytes: 0,
            status: SubStatus::Pending,
            activated_at: None,
            ended_at: None,
            activate_by: created_at + AUTO_ACTIVATION,
            duration_days: product.duration_days,
            fired: Vec::new(),
        }
    }

    /// Actual activation, or the projected one (`activate_by`) while PENDING, as the doc shows.
    pub(crate) fn activation_time(&self) -> i64 {
        self.activated_at.unwrap_or(self.activate_by)
    }

    fn natural_end(&self) -> i64 {
        self.activation_time() + i64::from(self.duration_days) * DAY
    }

    /// When it ends (or ended): activation plus duration, or the early end.
    pub(crate) fn expiry(&self) -> i64 {
        self.ended_at.unwrap_or_else(|| self.natural_end())
    }
}

/// One order: a package bought for an eSIM.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) id: String,
    pub(crate) iccid: String,
    /// The product as it was when bought.
    pub(crate) product: Product,
    pub(crate) created_at: i64,
    pub(crate) price_cents: i64,
    pub(crate) sub: Subscription,
}

/// One eSIM profile and the orders bound to it.
#[derive(Debug, Clone)]
pub(crate) struct Esim {
    pub(crate) iccid: String,
    pub(crate) esim_qr: String,
    pub(crate) status: EsimStatus,
    pub(crate) imsi_profile: &'static str,
    /// Order ids, oldest first; that is also the add-on queue order.
    pub(crate) order_ids: Vec<String>,
    pub(crate) expired_at: Option<i64>,
    /// When it was bought; the simulated phone acts relative to this.
    pub(crate) created_at: i64,
    /// How far its data use has been counted.
    pub(crate) traffic: Traffic,
}

/// A time-driven change to one eSIM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Due {
    /// The ACTIVE subscription reaches the end of its validity.
    ValidityEnd(String),
    /// The first queued subscription starts by itself (60 days after purchase).
    AutoActivation(String),
    /// The simulated phone installs the profile.
    Install,
    /// The simulated phone attaches to a network.
    Connect,
}

/// More passes than any one eSIM needs per tick; a guard against a transition that fails to
/// change anything.
const MAX_STEPS_PER_TICK: usize = 100_000;

impl World {
    fn esim(&self, iccid: &str) -> Result<&Esim, ApiError> {
        self.esims
            .get(iccid)
            .ok_or_else(|| ApiError::not_found(format!("eSIM {iccid} not found")))
    }

    fn subs_with<'a>(
        &'a self,
        esim: &'a Esim,
        status: SubStatus,
    ) -> impl Iterator<Item = &'a Order> {
        esim.order_ids
            .iter()
            .filter_map(|id| self.orders.get(id))
            .filter(move |o| o.sub.status == status)
    }

    /// The eSIM's ACTIVE order, if any.
    pub(crate) fn active_order<'a>(&'a self, esim: &'a Esim) -> Option<&'a Order> {
        self.subs_with(esim, SubStatus::Active).next()
    }

    /// The first queued PENDING order.
    pub(crate) fn next_pending(&self, esim: &Esim) -> Option<String> {
        self.subs_with(esim, SubStatus::Pending)
            .next()
            .map(|o| o.id.clone())
    }

    /// The order that defines the eSIM's current coverage: ACTIVE, else first PENDING, else the latest.
    pub(crate) fn current_order<'a>(&'a self, esim: &'a Esim) -> Option<&'a Order> {
        self.active_order(esim)
            .or_else(|| self.subs_with(esim, SubStatus::Pending).next())
            .or_else(|| esim.order_ids.last().and_then(|id| self.orders.get(id)))
    }

    fn emit(&mut self, event_type: EventType, order_id: &str, threshold: Option<u8>, at: i64) {
        let Some(order) = self.orders.get(order_id) else {
            return;
        };
        let event = Event {
            event_type,
            event_id: self.ids.event_id(),
            iccid: order.iccid.clone(),
            order_id: order.id.clone(),
            threshold,
            used_amount: order.sub.used_bytes,
            upper_limit_amount: order.sub.limit_bytes,
            amount_unit: "Byte",
            timestamp: iso8601(at),
        };
        self.outbox.push(event);
    }

    /// PENDING → ACTIVE at `at`; raises `ACTIVATION`.
    fn start(&mut self, order_id: &str, at: i64) {
        if let Some(order) = self.orders.get_mut(order_id) {
            order.sub.status = SubStatus::Active;
            order.sub.activated_at = Some(at);
            self.emit(EventType::Activation, order_id, None, at);
        }
    }

    /// Ends a subscription; an ended ACTIVE one hands over to the next queued add-on, and an
    /// eSIM with nothing left becomes EXPIRED.
    fn finish(&mut self, order_id: &str, status: SubStatus, at: i64) {
        let Some(order) = self.orders.get_mut(order_id) else {
            return;
        };
        let was_active = order.sub.status == SubStatus::Active;
        order.sub.status = status;
        if status == SubStatus::Terminated || at != order.sub.natural_end() {
            order.sub.ended_at = Some(at);
        }
        let iccid = order.iccid.clone();
        if status == SubStatus::Expired {
            self.emit(EventType::Expiration, order_id, None, at);
        }
        let Some(esim) = self.esims.get(&iccid) else {
            return;
        };
        if was_active {
            if let Some(next) = self.next_pending(esim) {
                self.start(&next, at);
            }
        }
        let Some(esim) = self.esims.get(&iccid) else {
            return;
        };
        let live = self.active_order(esim).is_some() || self.next_pending(esim).is_some();
        if !live {
            if let Some(esim) = self.esims.get_mut(&iccid) {
                if esim.status != EsimStatus::Blocked {
                    esim.status = EsimStatus::Expired;
                    esim.expired_at = Some(at);
                }
            }
        }
    }

    /// Applies everything due by `now`, eSIM by eSIM and in time order: validity ends, 60-day
    /// auto-activation, the simulated phone, data use, blocking.
    pub(crate) fn tick(&mut self, now: i64) {
        let iccids: Vec<String> = self.esims.keys().cloned().collect();
        for iccid in iccids {
            self.run_until(&iccid, now);
            if let Some(esim) = self.esims.get_mut(&iccid) {
                if let (EsimStatus::Expired, Some(at)) = (esim.status, esim.expired_at) {
                    if at + BLOCK_AFTER <= now {
                        esim.status = EsimStatus::Blocked;
                    }
                }
            }
        }
    }

    /// The next scheduled change to `esim`; on a tie the subscriptions' own schedule goes first.
    fn next_due(&self, esim: &Esim) -> Option<(i64, Due)> {
        let schedule = match self.active_order(esim) {
            Some(active) => Some((
                active.sub.natural_end(),
                Due::ValidityEnd(active.id.clone()),
            )),
            None => self
                .subs_with(esim, SubStatus::Pending)
                .next()
                .map(|next| (next.sub.activate_by, Due::AutoActivation(next.id.clone()))),
        };
        match (schedule, self.device_due(esim)) {
            (Some(schedule), Some(device)) if device.0 < schedule.0 => Some(device),
            (schedule, device) => schedule.or(device),
        }
    }

    /// Brings one eSIM up to `now`: data use is counted up to each scheduled change, which is
    /// then applied at its own time, so usage stops exactly when a subscription's validity ends.
    fn run_until(&mut self, iccid: &str, now: i64) {
        for _ in 0..MAX_STEPS_PER_TICK {
            let Some(esim) = self.esims.get(iccid) else {
                return;
            };
            let from = esim.traffic.accounted_to;
            let due = self.next_due(esim);
            let until = due.as_ref().map_or(now, |(at, _)| (*at).min(now)).max(from);
            if self.flow(iccid, until) {
                // Data use changed something on the way; look again from there.
                continue;
            }
            match due {
                Some((at, due)) if at <= now => self.apply(iccid, due, at.max(from)),
                _ => return,
            }
        }
        tracing::warn!(%iccid, "eSIMfx sandbox: eSIM still has changes due after many steps");
    }

    fn apply(&mut self, iccid: &str, due: Due, at: i64) {
        let outcome = match due {
            Due::ValidityEnd(order_id) => {
                self.finish(&order_id, SubStatus::Expired, at);
                Ok(())
            }
            Due::AutoActivation(order_id) => {
                self.start(&order_id, at);
                Ok(())
            }
            Due::Install => self.install(iccid),
            Due::Connect => self.connect(iccid, at),
        };
        if let Err(error) = outcome {
            tracing::warn!(%iccid, message = %error.message, "eSIMfx sandbox: simulated step failed");
        }
    }

    /// The device installed the profile.
    pub(crate) fn install(&mut self, iccid: &str) -> Result<(), ApiError> {
        let esim = self
            .esims
            .get_mut(iccid)
            .ok_or_else(|| ApiError::not_found(format!("eSIM {iccid} not found")))?;
        if esim.status == EsimStatus::Provisioned {
            esim.status = EsimStatus::Installed;
        }
        Ok(())
    }

    /// The device attached to a network at the destination: the eSIM is ACTIVE and, if nothing
    /// is running yet, the first queued subscription starts.
    pub(crate) fn connect(&mut self, iccid: &str, now: i64) -> Result<(), ApiError> {
        let esim = self.esim(iccid)?;
        if esim.status == EsimStatus::Blocked {
            return Err(ApiError::control_conflict(format!(
                "eSIM {iccid} is BLOCKED"
            )));
        }
        let running = self.active_order(esim).is_some();
        let next = self.next_pending(esim);
        if !running && next.is_none() {
            return Err(ApiError::control_conflict(format!(
                "eSIM {iccid} has no PENDING or ACTIVE subscription"
            )));
        }
        if let Some(esim) = self.esims.get_mut(iccid) {
            esim.status = EsimStatus::Active;
            esim.expired_at = None;
        }
        if let (false, Some(next)) = (running, next) {
            self.start(&next, now);
        }
        Ok(())
    }

    /// The device used `bytes` of data: thresholds fire `DATA_USAGE` once each, a full package
    /// fires `EXPIRATION`, and what did not fit carries over to the next queued add-on.
    pub(crate) fn consume(
        &mut self,
        iccid: &str,
        mut bytes: u64,
        now: i64,
    ) -> Result<(), ApiError> {
        let esim = self.esim(iccid)?;
        let Some(first) = self.active_order(esim).map(|o| o.id.clone()) else {
            return Err(ApiError::control_conflict(format!(
                "eSIM {iccid} has no ACTIVE subscription; connect it first"
            )));
        };
        if let Some(esim) = self.esims.get_mut(iccid) {
            esim.status = EsimStatus::Active;
        }
        let thresholds = self.thresholds.clone();
        let mut current = Some(first);
        while let Some(order_id) = current.take() {
            let Some(order) = self.orders.get_mut(&order_id) else {
                break;
            };
            let sub = &mut order.sub;
            sub.used_bytes = sub.used_bytes.saturating_add(bytes);
            if sub.limit_bytes == 0 {
                break;
            }
            let limit = sub.limit_bytes;
            let overflow = sub.used_bytes.saturating_sub(limit);
            sub.used_bytes = sub.used_bytes.min(limit);
            let used = u128::from(sub.used_bytes);
            let crossed: Vec<u8> = thresholds
                .iter()
                .copied()
                .filter(|t| {
                    !sub.fired.contains(t) && used * 100 >= u128::from(*t) * u128::from(limit)
                })
                .collect();
            sub.fired.extend(&crossed);
            let full = sub.used_bytes >= limit;
            for threshold in crossed {
                self.emit(EventType::DataUsage, &order_id, Some(threshold), now);
            }
            if full {
                self.finish(&order_id, SubStatus::Expired, now);
                if overflow > 0 {
                    current = self
                        .esims
                        .get(iccid)
                        .and_then(|e| self.active_order(e))
                        .map(|o| o.id.clone());
                    bytes = overflow;
                }
            }
        }
        Ok(())
    }

    /// `activate_subscription`: start a PENDING subscription now.
    pub(crate) fn activate(&mut self, order_id: &str, now: i64) -> Result<(), ApiError> {
        let order = self
            .orders
            .get(order_id)
            .ok_or_else(|| ApiError::not_found(format!("order {order_id} not found")))?;
        match order.sub.status {
            SubStatus::Active => return Ok(()),
            SubStatus::Pending => {}
            other => {
                return Err(ApiError::not_activatable(format!(
                    "subscription is {}, only PENDING subscriptions can be activated",
                    other.as_str()
                )))
            }
        }
        let esim = self.esim(&order.iccid)?;
        if self.active_order(esim).is_some() {
            return Err(ApiError::not_activatable(
                "another subscription on this eSIM is ACTIVE; add-ons start when it ends",
            ));
        }
        self.start(order_id, now);
        Ok(())
    }

    /// `terminate_subscription`: returns whether the package fee is refunded (PENDING and
    /// within 60 days of purchase); the refund goes back onto the balance.
    pub(crate) fn terminate(&mut self, order_id: &str, now: i64) -> Result<bool, ApiError> {
        let order = self
            .orders
            .get(order_id)
            .ok_or_else(|| ApiError::not_found(format!("order {order_id} not found")))?;
        if order.sub.status.is_over() {
            return Err(ApiError::not_terminable(format!(
                "subscription is already {}",
                order.sub.status.as_str()
            )));
        }
        let refund =
            order.sub.status == SubStatus::Pending && now - order.created_at < REFUND_WINDOW;
        if refund {
            self.balance_cents += order.price_cents;
        }
        self.finish(order_id, SubStatus::Terminated, now);
        Ok(refund)
    }
}
