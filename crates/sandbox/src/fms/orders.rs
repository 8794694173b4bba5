//! Pre-orders, the payment notification, polling and eSIM details (notes §2.3–§2.7, §3, §4),
//! and what time does to them: lapsed pre-orders, profiles assigned after a payment, data used.

use serde_json::{json, Value};

use super::assumed;
use super::catalogue::{Catalogue, Package, CURRENCY_ID};
use super::state::World;
use super::time::{compact_time, fms_time};
use super::wire::{code, Body, Fail};
use crate::calendar::{DAY, HOUR};

/// Why a pre-order was cancelled (`orderPayStatus` 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lapse {
    /// Not paid within the payment window: the webhook answers 6006.
    Timeout,
    /// Paid, but no profile was left to assign: the webhook answered 3005.
    NoProfile,
}

/// `orderPayStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayStatus {
    Waiting,
    Paid,
    Failed,
    Cancelled(Lapse),
}

impl PayStatus {
    pub(crate) fn code(self) -> i64 {
        match self {
            PayStatus::Waiting => 0,
            PayStatus::Paid => 1,
            PayStatus::Failed => 2,
            PayStatus::Cancelled(_) => 3,
        }
    }
}

/// The payment result FMS was told first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Notification {
    succeeded: bool,
    amount_cents: i64,
}

/// Why data cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unusable {
    UnknownEsim,
    Ended,
}

/// The data package an order bought, once its eSIM is assigned.
#[derive(Debug, Clone)]
pub(crate) struct Usage {
    pub(crate) limit_bytes: u64,
    pub(crate) used_bytes: u64,
    pub(crate) started_at: Option<i64>,
    pub(crate) ends_at: Option<i64>,
    pub(crate) ended: bool,
    period_days: u32,
    /// When simulated traffic began (the assignment), and the bytes it has used so far.
    traffic_since: i64,
    traffic_bytes: u64,
}

impl Usage {
    fn new(package: &Package) -> Self {
        Self {
            limit_bytes: package.limit_bytes(),
            used_bytes: 0,
            started_at: None,
            ends_at: None,
            ended: false,
            period_days: package.period_days,
            traffic_since: 0,
            traffic_bytes: 0,
        }
    }

    /// The first use starts the validity period.
    fn start(&mut self, at: i64) {
        if self.started_at.is_none() {
            self.started_at = Some(at);
            self.ends_at = Some(at + i64::from(self.period_days) * DAY);
        }
    }

    fn add(&mut self, bytes: u64) {
        self.used_bytes = self.used_bytes.saturating_add(bytes).min(self.limit_bytes);
        if self.used_bytes >= self.limit_bytes {
            self.ended = true;
        }
    }

    /// Data used on the phone; refused once the package has ended.
    pub(crate) fn consume(&mut self, bytes: u64, now: i64) -> Result<(), Unusable> {
        if self.ended {
            return Err(Unusable::Ended);
        }
        self.start(now);
        self.add(bytes);
        Ok(())
    }

    /// Applies the simulated phone's traffic up to `now` (never past the end of validity),
    /// and the end of validity itself.
    fn advance(&mut self, now: i64, bytes_per_hour: u64) {
        if bytes_per_hour > 0 && !self.ended {
            self.start(self.traffic_since);
            let until = self.ends_at.map_or(now, |end| end.min(now));
            let seconds = u64::try_from(until - self.traffic_since).unwrap_or(0);
            let due = seconds.saturating_mul(bytes_per_hour) / HOUR as u64;
            self.add(due.saturating_sub(self.traffic_bytes));
            self.traffic_bytes = due;
        }
        if self.ends_at.is_some_and(|end| now >= end) {
            self.ended = true;
        }
    }

    pub(crate) fn status(&self) -> i64 {
        assumed::package_status(self.started_at.is_some(), self.ended)
    }
}

/// One pre-order and, once paid, the package it bought.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) id: String,
    order_no: String,
    pub(crate) email: String,
    pub(crate) package_id: u64,
    pub(crate) money_cents: i64,
    /// Whether `money` was the package's price when pre-ordered; a wrong one surfaces as 10009.
    price_ok: bool,
    created_at: i64,
    pub(crate) pay_by: i64,
    pub(crate) status: PayStatus,
    holds_profile: bool,
    notification: Option<Notification>,
    assign_at: Option<i64>,
    pub(crate) iccid: Option<String>,
    pub(crate) usage: Usage,
}

/// An assigned eSIM profile and the orders on it.
#[derive(Debug, Clone)]
pub(crate) struct Esim {
    pub(crate) iccid: String,
    activation_code: String,
    pub(crate) order_ids: Vec<String>,
}

impl Esim {
    fn lpa(&self) -> String {
        format!("LPA:1${}${}", assumed::SMDP_ADDRESS, self.activation_code)
    }
}

impl World {
    /// A profile from the pool, if one is left.
    fn take_profile(&mut self) -> bool {
        match &mut self.profiles_free {
            None => true,
            Some(0) => false,
            Some(free) => {
                *free -= 1;
                true
            }
        }
    }

    fn release_profile(&mut self, order: &mut Order) {
        if std::mem::take(&mut order.holds_profile) {
            if let Some(free) = &mut self.profiles_free {
                *free += 1;
            }
        }
    }

    /// `preOrderPackage`: a new order for the signed-in user, holding a profile if one is free.
    pub(crate) fn pre_order(
        &mut self,
        email: &str,
        body: &Body,
        catalogue: &Catalogue,
        now: i64,
    ) -> Result<Value, Fail> {
        body.partner(&self.config.partner_code)?;
        let id = body.required_int("id")?;
        let package = u64::try_from(id)
            .ok()
            .and_then(|id| catalogue.get(id))
            .ok_or_else(|| Fail::parameters(format!("package {id} does not exist")))?;
        if body.text("currency").as_deref() != Some("USD")
            || body.int("currencyId") != Some(CURRENCY_ID)
        {
            return Err(Fail::parameters("currency must be USD (currencyId 1)"));
        }
        if body.text("deviceType").as_deref() != Some("10") {
            return Err(Fail::parameters("deviceType must be \"10\""));
        }
        let (min, max) = assumed::order_periods(package.period_days);
        let period = body.required_int("periodNum")?;
        if period < i64::from(min) || period > i64::from(max) {
            return Err(Fail::parameters(format!(
                "periodNum must be between {min} and {max}"
            )));
        }
        let money = body
            .raw("money")
            .and_then(assumed::cents)
            .filter(|cents| *cents > 0)
            .ok_or_else(|| Fail::parameters("money must be a positive amount"))?;

        let holds_profile = self.take_profile();
        let order = Order {
            id: self.ids.order_id(),
            order_no: self.ids.order_no(&compact_time(now)),
            email: email.to_owned(),
            package_id: package.id,
            money_cents: money,
            price_ok: money == package.price_cents,
            created_at: now,
            pay_by: now + i64::from(self.config.payment_window_secs),
            status: PayStatus::Waiting,
            holds_profile,
            notification: None,
            assign_at: None,
            iccid: None,
            usage: Usage::new(package),
        };
        let data = json!({
            "id": order.id,
            "orderNo": order.order_no,
            "money": assumed::price(money),
            "currency": "USD",
            "packageCode": package.code,
            "orderPayStatus": order.status.code(),
            "createTime": fms_time(order.created_at),
            "expireTime": fms_time(order.pay_by),
        });
        self.tally.orders_placed += 1;
        self.orders.insert(order.id.clone(), order);
        Ok(data)
    }

    /// `/payment/webhook`: the storefront's payment result for a pre-order, taken once.
    pub(crate) fn notify(&mut self, body: &Body, now: i64) -> Result<Value, Fail> {
        body.partner(&self.config.partner_code)?;
        let order_id = body.required_text("orderId")?;
        let kind = body.required_text("type")?;
        let succeeded = assumed::payment_succeeded(&kind)
            .ok_or_else(|| Fail::parameters(format!("unknown type {kind}")))?;
        let amount = body
            .raw("payAmount")
            .and_then(assumed::cents)
            .ok_or_else(|| Fail::parameters("payAmount must be an amount"))?;
        let currency = body.required_text("payCurrency")?;
        body.raw("dateTime")
            .and_then(assumed::date_time)
            .ok_or_else(|| Fail::new(code::TIME_CONVERSION, "time conversion exception"))?;

        let mut order = self
            .orders
            .remove(&order_id)
            .ok_or_else(Fail::order_not_found)?;
        *self.tally.notifications.entry(order_id).or_default() += 1;
        let notification = Notification {
            succeeded,
            amount_cents: amount,
        };
        let answer = self.take_result(&mut order, notification, &currency, now);
        self.orders.insert(order.id.clone(), order);
        answer
    }

    fn take_result(
        &mut self,
        order: &mut Order,
        again: Notification,
        currency: &str,
        now: i64,
    ) -> Result<Value, Fail> {
        if let Some(first) = order.notification {
            let first = (first.succeeded, first.amount_cents);
            return if assumed::same_notification(first, (again.succeeded, again.amount_cents)) {
                Ok(Value::Null)
            } else {
                Err(Fail::new(
                    code::FAILED,
                    "a different payment result was already notified",
                ))
            };
        }
        match order.status {
            PayStatus::Waiting => {}
            PayStatus::Cancelled(Lapse::Timeout) => {
                return Err(Fail::new(code::PRE_ORDER_TIMEOUT, "PreOrder Timeout"))
            }
            PayStatus::Cancelled(Lapse::NoProfile) => {
                return Err(Fail::new(code::NO_PROFILE, "QR code null"))
            }
            PayStatus::Paid | PayStatus::Failed => {
                return Err(Fail::new(code::FAILED, "the order already has a result"))
            }
        }
        if !again.succeeded {
            order.notification = Some(again);
            order.status = PayStatus::Failed;
            self.release_profile(order);
            return Ok(Value::Null);
        }
        if currency != "USD" || again.amount_cents != order.money_cents || !order.price_ok {
            return Err(Fail::new(code::PRICE_INCONSISTENT, "price inconsistent"));
        }
        if !order.holds_profile {
            if !self.take_profile() {
                order.status = PayStatus::Cancelled(Lapse::NoProfile);
                return Err(Fail::new(code::NO_PROFILE, "QR code null"));
            }
            order.holds_profile = true;
        }
        order.notification = Some(again);
        order.assign_at = Some(now + i64::from(self.config.assign_after_secs));
        Ok(Value::Null)
    }

    /// `queryOrdStatus` (and `queryOrdStatusAndEmail`, which adds the owner's email).
    pub(crate) fn order_status(&self, body: &Body, with_email: bool) -> Result<Value, Fail> {
        let order_id = body.required_text("orderId")?;
        let order = self
            .orders
            .get(&order_id)
            .ok_or_else(Fail::order_not_found)?;
        let qr_code = order
            .iccid
            .as_ref()
            .and_then(|iccid| self.esims.get(iccid))
            .map(Esim::lpa);
        let mut data = json!({
            "orderId": order.id,
            "orderPayStatus": order.status.code(),
            "qrCode": qr_code,
        });
        if with_email {
            data["email"] = order.email.clone().into();
        }
        Ok(data)
    }

    /// `myEsimDetail` by `orderId`, or (ASSUMED) by `iccid` for the eSIM's latest order.
    pub(crate) fn esim_detail(&self, body: &Body, catalogue: &Catalogue) -> Result<Value, Fail> {
        let order = match (
            body.text("orderId"),
            body.text(assumed::ESIM_DETAIL_BY_ICCID),
        ) {
            (Some(order_id), _) => self.orders.get(&order_id),
            (None, Some(iccid)) => self
                .esims
                .get(&iccid)
                .and_then(|esim| esim.order_ids.last())
                .and_then(|order_id| self.orders.get(order_id)),
            (None, None) => return Err(Fail::parameters("orderId or iccid is required")),
        };
        let (order, esim) = order
            .and_then(|order| Some((order, self.esims.get(order.iccid.as_ref()?)?)))
            .ok_or_else(Fail::order_not_found)?;
        let package = catalogue
            .get(order.package_id)
            .ok_or_else(|| Fail::new(code::FAILED, "the order's package is gone"))?;
        let usage = &order.usage;
        Ok(json!({
            "orderId": order.id,
            "iccid": esim.iccid,
            "qrCode": esim.lpa(),
            "smdpAddress": assumed::SMDP_ADDRESS,
            "activationCode": esim.activation_code,
            (assumed::PACKAGE_ID_FIELD): package.id,
            "packageCode": package.code,
            "packageShowName": package.name,
            "packageFlow": package.flow_mb,
            "usedFlow": assumed::megabytes(usage.used_bytes),
            "surplusFlow": assumed::megabytes(usage.limit_bytes - usage.used_bytes),
            "status": usage.status(),
            "createTime": fms_time(order.created_at),
            "activeTime": usage.started_at.map(fms_time),
            "expireTime": usage.ends_at.map(fms_time),
        }))
    }

    /// Applies what fell due by `now`: unpaid pre-orders past their window lapse (profile
    /// released), notified ones get their eSIM, packages use traffic and run out.
    pub(crate) fn tick(&mut self, now: i64) {
        let due: Vec<String> = self
            .orders
            .values()
            .filter(|o| o.status == PayStatus::Waiting)
            .filter(|o| {
                let lapsed = o.notification.is_none() && now >= o.pay_by;
                let assignable = o.assign_at.is_some_and(|at| now >= at);
                lapsed || assignable
            })
            .map(|o| o.id.clone())
            .collect();
        for id in due {
            let Some(mut order) = self.orders.remove(&id) else {
                continue;
            };
            match order.assign_at {
                Some(at) => self.assign(&mut order, at),
                None => {
                    order.status = PayStatus::Cancelled(Lapse::Timeout);
                    self.release_profile(&mut order);
                }
            }
            self.orders.insert(id, order);
        }
        let rate = self.config.traffic_bytes_per_hour;
        for order in self.orders.values_mut() {
            if order.status == PayStatus::Paid {
                order.usage.advance(now, rate);
            }
        }
    }

    /// The paid order gets a new eSIM; FMS emails its QR code to the user.
    fn assign(&mut self, order: &mut Order, at: i64) {
        let esim = Esim {
            iccid: self.ids.iccid(),
            activation_code: self.ids.activation_code(),
            order_ids: vec![order.id.clone()],
        };
        order.status = PayStatus::Paid;
        order.iccid = Some(esim.iccid.clone());
        order.usage.traffic_since = at;
        self.tally.esims_issued += 1;
        self.tally.qr_emails += 1;
        tracing::info!(order = %order.id, email = %order.email, iccid = %esim.iccid,
            "FMS sandbox: QR code emailed to the user");
        self.esims.insert(esim.iccid.clone(), esim);
    }

    /// The eSIM and its packages, for the control API.
    pub(crate) fn esim_summary(&self, iccid: &str) -> Option<Value> {
        let esim = self.esims.get(iccid)?;
        let packages: Vec<Value> = esim
            .order_ids
            .iter()
            .filter_map(|id| self.orders.get(id))
            .map(|order| {
                json!({
                    "order_id": order.id,
                    "package_id": order.package_id,
                    "status": order.usage.status(),
                    "used_bytes": order.usage.used_bytes,
                    "limit_bytes": order.usage.limit_bytes,
                    "active_time": order.usage.started_at.map(fms_time),
                    "expire_time": order.usage.ends_at.map(fms_time),
                })
            })
            .collect();
        Some(json!({ "iccid": esim.iccid, "qr_code": esim.lpa(), "packages": packages }))
    }

    /// Data used on the eSIM's latest package.
    pub(crate) fn consume(&mut self, iccid: &str, bytes: u64, now: i64) -> Result<(), Unusable> {
        let order = self
            .esims
            .get(iccid)
            .and_then(|esim| esim.order_ids.last())
            .and_then(|order_id| self.orders.get_mut(order_id))
            .ok_or(Unusable::UnknownEsim)?;
        order.usage.consume(bytes, now)
    }

    /// One order as the control API reports it.
    pub(crate) fn order_summary(&self, order_id: &str) -> Option<Value> {
        let order = self.orders.get(order_id)?;
        Some(json!({
            "id": order.id,
            "order_no": order.order_no,
            "email": order.email,
            "package_id": order.package_id,
            "money": assumed::price(order.money_cents),
            "order_pay_status": order.status.code(),
            "holds_profile": order.holds_profile,
            "pay_by": fms_time(order.pay_by),
            "notifications": self.tally.notifications.get(order_id).copied().unwrap_or(0),
            "iccid": order.iccid,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package() -> Package {
        Package {
            id: 4401,
            code: "JP_1GB_7D".into(),
            name: "Japan 1GB / 7 days".into(),
            short_desc: "Asia".into(),
            cover: vec![440],
            flow_mb: 1024,
            period_days: 7,
            price_cents: 449,
        }
    }

    #[test]
    fn usage_starts_on_first_use_and_ends_when_used_up_or_expired() {
        let mut usage = Usage::new(&package());
        assert_eq!(usage.status(), 0);
        usage.consume(100, 1_000).unwrap();
        assert_eq!((usage.status(), usage.started_at), (1, Some(1_000)));
        assert_eq!(usage.ends_at, Some(1_000 + 7 * DAY));
        usage.consume(u64::MAX, 1_001).unwrap();
        assert_eq!((usage.used_bytes, usage.status()), (1 << 30, 2));
        assert!(usage.consume(1, 1_002).is_err());

        let mut expiring = Usage::new(&package());
        expiring.consume(1, 0).unwrap();
        expiring.advance(7 * DAY, 0);
        assert_eq!(expiring.status(), 2);
    }

    #[test]
    fn traffic_accrues_exactly_and_stops_at_the_end_of_validity() {
        let mut usage = Usage::new(&package());
        usage.traffic_since = 0;
        let rate = 3_600; // one byte a second
        for second in [1, 2, 3, 10] {
            usage.advance(second, rate);
        }
        assert_eq!(usage.used_bytes, 10, "no byte lost between ticks");
        usage.advance(30 * DAY, rate);
        assert_eq!(
            usage.used_bytes,
            (7 * DAY) as u64,
            "nothing after validity ends"
        );
        assert_eq!(usage.status(), 2);
    }
}
