//! JSON on the wire (esimgo.md §2): the `{"message"}` error body, the injected-fault style, and
//! the bundle, order, eSIM and assignment shapes.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::assumed;
use super::catalogue::Bundle;
use super::lifecycle::{Assignment, Esim};
use super::orders::Order;
use super::time::rfc3339;
use crate::faults::FaultStyle;

/// A failed call: HTTP status and message, and `Retry-After` for a 503.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// The documented answer to a missing or wrong API key.
    pub(crate) fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden")
    }

    pub(crate) fn unknown_bundle(name: &str) -> Self {
        Self::bad_request(assumed::unknown_bundle(name))
    }

    pub(crate) fn unknown_iccid(iccid: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, assumed::unknown_iccid(iccid))
    }

    pub(crate) fn unknown_order(reference: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, assumed::unknown_order(reference))
    }

    pub(crate) fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not Found")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_body(self.status, &self.message)
    }
}

fn error_body(status: StatusCode, message: &str) -> Response {
    let mut response = (status, Json(json!({ "message": message }))).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(assumed::RETRY_AFTER_SECS),
        );
    }
    response
}

/// Injected faults answer like eSIM Go: `{"message"}`, and a 503 is "processing" with
/// `Retry-After`.
pub(crate) static STYLE: FaultStyle = FaultStyle {
    auth_path: None,
    injected: |status| {
        let message = if status == StatusCode::SERVICE_UNAVAILABLE {
            "Processing - Please come back later"
        } else {
            "Server Error"
        };
        error_body(status, message)
    },
    malformed_body: "{\"bundles\": [{\"name\": \"esim_1GB_7D_GB_V2\", \"price\": 1.",
};

/// Cents as a decimal number in major units (136 → 1.36).
pub(crate) fn major(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

/// A catalogue entry (§2.1).
pub(crate) fn bundle(bundle: &Bundle) -> Value {
    json!({
        "name": bundle.name,
        "description": bundle.description,
        "groups": [bundle.group],
        "countries": bundle.countries.iter().map(|c| json!({
            "name": c.name, "region": c.region, "iso": c.iso,
        })).collect::<Vec<_>>(),
        "dataAmount": if bundle.unlimited {
            json!(assumed::UNLIMITED_DATA_AMOUNT)
        } else {
            json!(bundle.data_mb)
        },
        "duration": bundle.duration_days,
        "speed": bundle.speed,
        "autostart": true,
        "unlimited": bundle.unlimited,
        "roamingEnabled": [],
        "price": major(bundle.price_cents),
        "billingType": "FixedCost",
    })
}

/// `{iccid, matchingId, smdpAddress}` as in `order[].esims[]`.
pub(crate) fn esim_install(esim: &Esim) -> Value {
    json!({
        "iccid": esim.iccid,
        "matchingId": esim.matching_id,
        "smdpAddress": assumed::SMDP_ADDRESS,
    })
}

/// `GET /esims/{iccid}` (§2.7).
pub(crate) fn esim_details(esim: &Esim) -> Value {
    json!({
        "iccid": esim.iccid,
        "pin": esim.pin,
        "puk": esim.puk,
        "matchingId": esim.matching_id,
        "smdpAddress": assumed::SMDP_ADDRESS,
        "profileStatus": esim.profile_status,
        "firstInstalledDateTime": esim.first_installed_at,
        "customerRef": esim.customer_ref,
    })
}

/// One element of `assignments[]` (§2.8).
pub(crate) fn assignment(assignment: &Assignment) -> Value {
    let (initial, remaining) = match assignment.limit_bytes() {
        Some(limit) => (limit, limit.saturating_sub(assignment.used_bytes)),
        None => (assumed::UNLIMITED_QUANTITY, assumed::UNLIMITED_QUANTITY),
    };
    let mut value = json!({
        "id": assignment.id.to_string(),
        "callTypeGroup": "data",
        "initialQuantity": initial,
        "remainingQuantity": remaining,
        "assignmentDateTime": rfc3339(assignment.assigned_at),
        "assignmentReference": assignment.reference,
        "bundleState": assignment.state.wire_word(),
        "unlimited": assignment.bundle.unlimited,
    });
    if assumed::ASSIGNMENTS_CARRY_START_AND_END {
        if let Some(start) = assignment.started_at {
            value["startTime"] = json!(rfc3339(start));
        }
        if let Some(end) = assignment.end_time() {
            value["endTime"] = json!(rfc3339(end));
        }
    }
    value
}

/// What an order answer tells about its eSIMs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EsimDetail {
    /// Each item's `iccids[]`.
    pub(crate) iccids: bool,
    /// Each item's `esims[]` with matching id and SM-DP+ address.
    pub(crate) installs: bool,
}

/// An order (§2.3 and §2.6). A validation has no reference and says whether it is `valid`.
pub(crate) fn order(
    order: &Order,
    esims: &dyn Fn(&str) -> Option<Value>,
    detail: EsimDetail,
) -> Value {
    let items: Vec<Value> = order
        .items
        .iter()
        .map(|item| {
            let mut value = json!({
                "type": "bundle",
                "item": item.bundle,
                "quantity": item.quantity,
                "subTotal": major(item.price_per_unit_cents * i64::from(item.quantity)),
                "pricePerUnit": major(item.price_per_unit_cents),
                "allowReassign": item.allow_reassign,
            });
            if detail.iccids && !item.iccids.is_empty() {
                value["iccids"] = json!(item.iccids);
            }
            if detail.installs && !item.iccids.is_empty() {
                value["esims"] = item.iccids.iter().filter_map(|i| esims(i)).collect();
            }
            value
        })
        .collect();
    let assigned = order.items.iter().any(|item| !item.iccids.is_empty());
    let mut value = json!({
        "order": items,
        "total": major(order.total_cents),
        "currency": assumed::CURRENCY,
        "createdDate": rfc3339(order.created_at),
        "assigned": assigned,
    });
    match &order.reference {
        Some(reference) => {
            let count: usize = order.items.iter().map(|i| i.iccids.len()).sum();
            value["status"] = json!(assumed::ORDER_STATUS_COMPLETED);
            value["statusMessage"] = json!(format!("Order completed: {count} eSIMs assigned"));
            value["orderReference"] = json!(reference);
        }
        None => value["valid"] = json!(true),
    }
    value
}

/// A paged list: `{<key>: [...], pageCount, rows, pageSize}`.
pub(crate) fn page(key: &str, items: Vec<Value>, rows: usize, page_size: usize) -> Value {
    json!({
        key: items,
        "pageCount": rows.div_ceil(page_size.max(1)),
        "rows": rows,
        "pageSize": page_size,
    })
}
