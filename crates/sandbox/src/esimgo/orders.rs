//! `POST /orders` (esimgo.md §2.3–§2.4): `validate` prices and checks, `transaction` charges the
//! balance and assigns bundles to new or given eSIMs. There is no idempotency: every
//! transaction is a new order (§4).

use serde_json::Value;

use super::assumed;
use super::catalogue::Bundle;
use super::lifecycle::{Assignment, BundleState, Esim};
use super::state::World;
use super::wire::ApiError;

/// One line of an order: a bundle, how many, and the eSIMs it went onto.
#[derive(Debug, Clone)]
pub(crate) struct OrderItem {
    pub(crate) bundle: String,
    pub(crate) quantity: u32,
    /// The eSIMs it was assigned to, new or given (empty for a validation).
    pub(crate) iccids: Vec<String>,
    pub(crate) price_per_unit_cents: i64,
    pub(crate) allow_reassign: bool,
}

/// An order; a validation has no reference and is never stored.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) reference: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) items: Vec<OrderItem>,
    pub(crate) total_cents: i64,
}

/// Whether the request only checks or really buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderType {
    Validate,
    Transaction,
}

/// One requested line, checked.
#[derive(Debug)]
struct Line {
    bundle: Bundle,
    quantity: u32,
    /// The eSIMs named; empty means new eSIMs.
    iccids: Vec<String>,
    allow_reassign: bool,
}

/// A parsed order request.
#[derive(Debug)]
struct Request {
    kind: OrderType,
    lines: Vec<Line>,
}

fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl World {
    fn parse_order(&self, body: &Value) -> Result<Request, ApiError> {
        if !body.is_object() {
            return Err(ApiError::bad_request("Request body must be a JSON object"));
        }
        let kind = match body.get("type").and_then(Value::as_str) {
            Some("validate") => OrderType::Validate,
            Some("transaction") => OrderType::Transaction,
            _ => return Err(ApiError::bad_request("Invalid Order type")),
        };
        let items = body
            .get("order")
            .and_then(Value::as_array)
            .filter(|items| !items.is_empty())
            .ok_or_else(|| ApiError::bad_request("Order must contain Order Items"))?;
        let assign = body.get("assign").and_then(Value::as_bool).unwrap_or(false);
        if kind == OrderType::Transaction && !assign {
            return Err(ApiError::bad_request(assumed::NO_INVENTORY));
        }
        let mut lines = Vec::with_capacity(items.len());
        for item in items {
            match item.get("type").and_then(Value::as_str) {
                None | Some("bundle") => {}
                Some(other) => {
                    return Err(ApiError::bad_request(format!(
                        "Invalid Order Item type: {other}"
                    )))
                }
            }
            let name = text(item.get("item"))
                .ok_or_else(|| ApiError::bad_request("Order Item must name a bundle"))?;
            let bundle = self
                .catalogue
                .get(&name)
                .cloned()
                .ok_or_else(|| ApiError::unknown_bundle(&name))?;
            let quantity = item
                .get("quantity")
                .and_then(Value::as_u64)
                .filter(|q| (1..=100).contains(q))
                .ok_or_else(|| ApiError::bad_request("Quantity must be between 1 and 100"))?
                as u32;
            let iccids = match item.get("iccids") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(list)) => list
                    .iter()
                    .map(|v| text(Some(v)))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| ApiError::bad_request("iccids must be strings"))?,
                Some(_) => return Err(ApiError::bad_request("iccids must be an array")),
            };
            if !iccids.is_empty() && iccids.len() != quantity as usize {
                return Err(ApiError::bad_request(
                    "Quantity must match the number of ICCIDs",
                ));
            }
            if !iccids.is_empty() && !assign {
                return Err(ApiError::bad_request(
                    "eSIM ICCIDs can only be specified if assign is set to true",
                ));
            }
            let allow_reassign = item
                .get("allowReassign")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            for iccid in &iccids {
                let esim = self
                    .esims
                    .get(iccid)
                    .ok_or_else(|| ApiError::unknown_iccid(iccid))?;
                if esim.family != bundle.family && !allow_reassign {
                    return Err(ApiError::bad_request(assumed::incompatible(
                        &bundle.name,
                        iccid,
                    )));
                }
            }
            lines.push(Line {
                bundle,
                quantity,
                iccids,
                allow_reassign,
            });
        }
        Ok(Request { kind, lines })
    }

    /// Answers `POST /orders`: a validation, or a completed transaction with its eSIMs.
    pub(crate) fn place_order(
        &mut self,
        body: &Value,
        now: i64,
    ) -> Result<(Order, OrderType), ApiError> {
        let request = self.parse_order(body)?;
        let total_cents: i64 = request
            .lines
            .iter()
            .map(|l| l.bundle.price_cents * i64::from(l.quantity))
            .sum();
        if request.kind == OrderType::Validate {
            let items = request
                .lines
                .iter()
                .map(|line| OrderItem {
                    bundle: line.bundle.name.clone(),
                    quantity: line.quantity,
                    iccids: Vec::new(),
                    price_per_unit_cents: line.bundle.price_cents,
                    allow_reassign: line.allow_reassign,
                })
                .collect();
            let order = Order {
                reference: None,
                created_at: now,
                items,
                total_cents,
            };
            return Ok((order, OrderType::Validate));
        }
        if self.balance_cents < total_cents {
            return Err(ApiError::bad_request(
                "Failed to process Order. No payment taken.",
            ));
        }
        self.balance_cents -= total_cents;
        let reference = self.ids.uuid();
        let mut items = Vec::with_capacity(request.lines.len());
        for line in request.lines {
            let mut iccids = Vec::with_capacity(line.quantity as usize);
            for unit in 0..line.quantity as usize {
                let target = line
                    .iccids
                    .get(unit)
                    .filter(|iccid| {
                        self.esims
                            .get(*iccid)
                            .is_some_and(|e| e.family == line.bundle.family)
                    })
                    .cloned();
                // No eSIM named, or (with allowReassign) an incompatible one: a new eSIM.
                let iccid = match target {
                    Some(iccid) => iccid,
                    None => self.issue_esim(&line.bundle),
                };
                self.assign(&iccid, &line.bundle, &reference, now);
                iccids.push(iccid);
            }
            items.push(OrderItem {
                bundle: line.bundle.name.clone(),
                quantity: line.quantity,
                iccids,
                price_per_unit_cents: line.bundle.price_cents,
                allow_reassign: line.allow_reassign,
            });
        }
        let order = Order {
            reference: Some(reference.clone()),
            created_at: now,
            items,
            total_cents,
        };
        self.order_index.insert(reference, self.orders.len());
        self.orders.push(order.clone());
        Ok((order, OrderType::Transaction))
    }

    /// A new eSIM in the bundle's family; its ICCID.
    fn issue_esim(&mut self, bundle: &Bundle) -> String {
        let iccid = self.ids.iccid();
        let digits = |n: u64, len: usize| format!("{n:0len$}");
        let seed = super::ids::fnv1a(iccid.as_bytes());
        let esim = Esim {
            iccid: iccid.clone(),
            matching_id: self.ids.matching_id(),
            pin: digits(seed % 10_000, 4),
            puk: digits(seed / 10_000 % 100_000_000, 8),
            profile_status: assumed::PROFILE_RELEASED,
            first_installed_at: None,
            customer_ref: None,
            family: bundle.family.clone(),
            assignments: Vec::new(),
            traffic_to: 0,
            traffic_carry: 0,
        };
        self.esims.insert(iccid.clone(), esim);
        self.esims_issued += 1;
        iccid
    }

    /// Applies `bundle` to the eSIM; it queues behind any bundle already there.
    fn assign(&mut self, iccid: &str, bundle: &Bundle, reference: &str, now: i64) {
        let id = self.next_assignment_id;
        self.next_assignment_id += 1;
        let processing_ms = self.processing_ms;
        if let Some(esim) = self.esims.get_mut(iccid) {
            esim.traffic_to = esim.traffic_to.max(now);
            esim.assignments.push(Assignment {
                id,
                reference: reference.to_owned(),
                bundle: bundle.clone(),
                used_bytes: 0,
                state: if processing_ms > 0 {
                    BundleState::Processing
                } else {
                    BundleState::Queued
                },
                assigned_at: now,
                processing_until: now + processing_ms,
                started_at: None,
                ended_at: None,
                price_cents: bundle.price_cents,
            });
        }
    }
}
