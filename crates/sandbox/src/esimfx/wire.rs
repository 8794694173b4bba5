//! JSON on the wire: the `{code, message, data}` envelope, error codes (esimfx.md §7), and the
//! product, order and eSIM shapes (§2).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::calendar::iso8601;
use crate::faults::FaultStyle;

use super::catalogue::Product;
use super::handlers::AUTH_PATH;
use super::lifecycle::{Esim, Order, Subscription};

/// A failed call: HTTP status, envelope `code`, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: i64,
    pub(crate) message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 400, message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 401, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, 404, message)
    }

    pub(crate) fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, 405, "method not allowed")
    }

    pub(crate) fn idempotency_conflict() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            409,
            "X-Idempotency-Key was already used with a different request body",
        )
    }

    pub(crate) fn insufficient_balance(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYMENT_REQUIRED, 4021, message)
    }

    pub(crate) fn incompatible_topup(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, 4221, message)
    }

    pub(crate) fn not_terminable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, 4222, message)
    }

    /// Not in the doc's table: manual activation refused (not PENDING, or another plan is running).
    pub(crate) fn not_activatable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, 4223, message)
    }

    /// An injected upstream failure.
    pub(crate) fn injected(status: StatusCode) -> Self {
        Self::new(status, 500, "internal error (injected by the sandbox)")
    }

    /// A control-API request that the current state does not allow.
    pub(crate) fn control_conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, 409, message)
    }
}

/// Injected faults answer with the envelope; a garbled body is a product list cut short.
pub(crate) static FAULT_STYLE: FaultStyle = FaultStyle {
    auth_path: Some(AUTH_PATH),
    injected: |status| ApiError::injected(status).into_response(),
    malformed_body: r#"{"code":0,"message":"Success","data":{"products":[{"id":"#,
};

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code, "message": self.message, "data": null });
        (self.status, Json(body)).into_response()
    }
}

/// A `code: 0` envelope around `data`.
pub(crate) fn success(data: Value) -> Response {
    Json(json!({ "code": 0, "message": "Success", "data": data })).into_response()
}

/// A USD amount in cents as a JSON number in major units: `12`, `12.5`, `3.99`.
pub(crate) fn price(cents: i64) -> Value {
    if cents % 100 == 0 {
        json!(cents / 100)
    } else {
        // Cents over 100 as f64 prints with at most two decimals (shortest round-trip form).
        json!(cents as f64 / 100.0)
    }
}

/// Which id a product listing puts in `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdForm {
    /// v2: `id` is `esimfx_*`, plus `meta_product_id`.
    V2,
    /// v1: `id` is the legacy UUID.
    Legacy,
}

/// A catalogue entry.
pub(crate) fn product(p: &Product, form: IdForm) -> Value {
    let networks: Vec<Value> = p
        .networks
        .iter()
        .map(|n| json!({ "mccmnc": n.mccmnc, "name": n.name, "speed": n.speed }))
        .collect();
    let mut out = json!({
        "id": match form { IdForm::V2 => &p.id, IdForm::Legacy => &p.meta_product_id },
        "name": p.name,
        "duration": p.duration_days,
        "duration_unit": "DAY",
        "amount": p.amount,
        "amount_unit": p.amount_unit,
        "is_unlimited": p.is_unlimited,
        "coverage": p.coverage,
        "networks": networks,
        "imsi_profile": p.imsi_profile,
        "price": price(p.price_cents),
        "price_unit": "USD",
    });
    if form == IdForm::V2 {
        out["meta_product_id"] = json!(p.meta_product_id);
    }
    out
}

fn subscription(sub: &Subscription, with_used: bool) -> Value {
    let mut out = json!({
        "upper_limit_amount": sub.limit_bytes,
        "amount_unit": "Byte",
        "status": sub.status.as_str(),
        "activation_time": iso8601(sub.activation_time()),
        "expiry": iso8601(sub.expiry()),
        "activate_by": iso8601(sub.activate_by),
    });
    if with_used {
        out["used_amount"] = json!(sub.used_bytes);
    }
    out
}

/// `get_esim_status` data, also the `esim` object of `create_order`.
pub(crate) fn esim(esim: &Esim) -> Value {
    json!({ "iccid": esim.iccid, "esim_qr": esim.esim_qr, "status": esim.status.as_str() })
}

/// `create_order` data (§2.3).
pub(crate) fn created_order(order: &Order, esim_now: &Esim) -> Value {
    json!({
        "id": order.id,
        "status": "COMPLETED",
        "creation_time": iso8601(order.created_at),
        "subscription": subscription(&order.sub, false),
        "esim": esim(esim_now),
    })
}

/// `get_order` data (§2.6), also each element of `get_esim_orders`.
pub(crate) fn order(order: &Order) -> Value {
    json!({
        "id": order.id,
        "iccid": order.iccid,
        "status": "COMPLETED",
        "creation_time": iso8601(order.created_at),
        "product": {
            "id": order.product.id,
            "name": order.product.name,
            "duration": order.product.duration_days,
            "duration_unit": "DAY",
            "imsi_profile": order.product.imsi_profile,
        },
        "subscription": subscription(&order.sub, true),
    })
}

/// `terminate_subscription` data (§2.10).
pub(crate) fn terminated(order_: &Order, need_refund: bool) -> Value {
    let mut out = order(order_);
    out["refund"] = json!({ "need_refund": need_refund });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_keep_integers_integral() {
        assert_eq!(price(1200).to_string(), "12");
        assert_eq!(price(1250).to_string(), "12.5");
        assert_eq!(price(399).to_string(), "3.99");
        assert_eq!(price(1).to_string(), "0.01");
    }

    #[test]
    fn errors_use_the_envelope() {
        let e = ApiError::incompatible_topup("nope");
        assert_eq!((e.status.as_u16(), e.code), (422, 4221));
    }
}
