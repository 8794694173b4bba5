//! `create_order`: idempotent replay, NEW and TOPUP validation, top-up compatibility, charging.

use serde_json::Value;

use super::catalogue::Product;
use super::device::Traffic;
use super::lifecycle::{Esim, EsimStatus, Order, Subscription};
use super::state::{Replay, World};
use super::wire::{self, ApiError};
use crate::calendar::DAY;

/// Idempotency keys stay valid this long (esimfx.md §5: six months).
const KEY_LIFETIME: i64 = 183 * DAY;
/// SM-DP+ host in the LPA strings; `.test` so nothing real is ever contacted.
const SMDP_HOST: &str = "rsp.esimfx-sandbox.test";

/// A validated `create_order` body.
#[derive(Debug)]
enum OrderRequest {
    New { product_id: String },
    Topup { product_id: String, iccid: String },
}

impl OrderRequest {
    fn parse(body: &Value) -> Result<Self, ApiError> {
        let text = |v: Option<&Value>| {
            v.and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        if !body.is_object() {
            return Err(ApiError::bad_request("request body must be a JSON object"));
        }
        let product_id = text(body.pointer("/product/id"))
            .ok_or_else(|| ApiError::bad_request("product.id is required"))?;
        match body.get("operation_type").and_then(Value::as_str) {
            Some("NEW") => Ok(OrderRequest::New { product_id }),
            Some("TOPUP") => {
                let iccid = text(body.get("iccid"))
                    .ok_or_else(|| ApiError::bad_request("iccid is required for TOPUP"))?;
                Ok(OrderRequest::Topup { product_id, iccid })
            }
            Some(other) => Err(ApiError::bad_request(format!(
                "operation_type must be NEW or TOPUP, not `{other}`"
            ))),
            None => Err(ApiError::bad_request("operation_type is required")),
        }
    }
}

impl World {
    /// Why `product` cannot top up `esim`, if it cannot: same `imsi_profile` and coverage
    /// overlapping the eSIM's current plan are both required.
    fn topup_refusal(&self, esim: &Esim, product: &Product) -> Option<String> {
        if esim.status == EsimStatus::Blocked {
            return Some(format!("eSIM {} is BLOCKED", esim.iccid));
        }
        if product.imsi_profile != esim.imsi_profile {
            return Some(format!(
                "product {} has imsi_profile {} but eSIM {} is {}",
                product.id, product.imsi_profile, esim.iccid, esim.imsi_profile
            ));
        }
        let current = self.current_order(esim)?;
        if !product.overlaps(&current.product.coverage) {
            return Some(format!(
                "product {} does not cover the eSIM's current plan area",
                product.id
            ));
        }
        None
    }

    /// Products that can top up `esim`, in catalogue order.
    pub(crate) fn topups_for_esim(&self, esim: &Esim) -> Vec<&Product> {
        self.catalogue
            .products()
            .iter()
            .filter(|p| self.topup_refusal(esim, p).is_none())
            .collect()
    }

    /// Products that can top up an eSIM currently on `base`.
    pub(crate) fn topups_for_product(&self, base: &Product) -> Vec<&Product> {
        self.catalogue
            .products()
            .iter()
            .filter(|p| p.imsi_profile == base.imsi_profile && p.overlaps(&base.coverage))
            .collect()
    }

    /// Answers `create_order` with the `data` object; a replayed key returns the stored answer.
    pub(crate) fn create_order(
        &mut self,
        key: &str,
        body: &Value,
        now: i64,
    ) -> Result<Value, ApiError> {
        self.replays.retain(|_, r| now - r.at < KEY_LIFETIME);
        if let Some(replay) = self.replays.get(key) {
            // Bodies compare as parsed JSON, so whitespace and key order do not matter.
            return if replay.body == *body {
                Ok(replay.data.clone())
            } else {
                Err(ApiError::idempotency_conflict())
            };
        }
        let request = OrderRequest::parse(body)?;
        let (product_id, topup_iccid) = match &request {
            OrderRequest::New { product_id } => (product_id, None),
            OrderRequest::Topup { product_id, iccid } => (product_id, Some(iccid)),
        };
        let product = self
            .catalogue
            .get(product_id)
            .cloned()
            .ok_or_else(|| ApiError::not_found(format!("product {product_id} not found")))?;
        if let Some(iccid) = topup_iccid {
            let esim = self
                .esims
                .get(iccid)
                .ok_or_else(|| ApiError::not_found(format!("eSIM {iccid} not found")))?;
            if let Some(reason) = self.topup_refusal(esim, &product) {
                return Err(ApiError::incompatible_topup(reason));
            }
        }
        if self.balance_cents < product.price_cents {
            return Err(ApiError::insufficient_balance(format!(
                "insufficient balance: {} cents available, {} needed",
                self.balance_cents, product.price_cents
            )));
        }
        self.balance_cents -= product.price_cents;

        let iccid = match topup_iccid {
            Some(iccid) => iccid.clone(),
            None => {
                let iccid = self.ids.iccid();
                let esim_qr = format!("LPA:1${SMDP_HOST}${}", self.ids.matching_id());
                self.esims.insert(
                    iccid.clone(),
                    Esim {
                        iccid: iccid.clone(),
                        esim_qr,
                        status: EsimStatus::Provisioned,
                        imsi_profile: product.imsi_profile,
                        order_ids: Vec::new(),
                        expired_at: None,
                        created_at: now,
                        traffic: Traffic::starting(now),
                    },
                );
                iccid
            }
        };
        let order = Order {
            id: self.ids.uuid(),
            iccid: iccid.clone(),
            sub: Subscription::new(&product, now),
            price_cents: product.price_cents,
            product,
            created_at: now,
        };
        let Some(esim) = self.esims.get_mut(&iccid) else {
            return Err(ApiError::not_found(format!("eSIM {iccid} not found")));
        };
        esim.order_ids.push(order.id.clone());
        if esim.status == EsimStatus::Expired {
            // A new package revives an expired (not yet blocked) profile still on the device.
            esim.status = EsimStatus::Installed;
            esim.expired_at = None;
        }
        let data = wire::created_order(&order, esim);
        self.orders.insert(order.id.clone(), order);
        self.replays.insert(
            key.to_owned(),
            Replay {
                body: body.clone(),
                data: data.clone(),
                at: now,
            },
        );
        Ok(data)
    }
}
