//! JSON on the wire: the `{type, messages}` error body with every documented code, and the
//! product, order, SIM and subscription shapes of the provider notes (§2).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::assumed;
use super::catalogue::Product;
use super::lifecycle::{Sim, Subscription};
use super::orders::{Order, Outcome};
use crate::calendar::iso8601;

/// A failed call: HTTP status, `type` and `messages`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) kind: &'static str,
    pub(crate) messages: Vec<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            messages: vec![message.into()],
        }
    }

    /// 400 `INVALID_HTTP_MESSAGE`: the request could not be parsed (bad JSON or bad date).
    pub(crate) fn unparsable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_HTTP_MESSAGE", message)
    }

    /// 400 `INVALID_REQUEST_PARAMS` with one or more reasons.
    pub(crate) fn invalid(messages: Vec<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: "INVALID_REQUEST_PARAMS",
            messages,
        }
    }

    pub(crate) fn invalid_one(message: impl Into<String>) -> Self {
        Self::invalid(vec![message.into()])
    }

    pub(crate) fn unauthorised(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHORISED", message)
    }

    pub(crate) fn order_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "ORDER_NOT_FOUND",
            format!("order {id} was not found"),
        )
    }

    /// 422 in an order; 404 from the product detail call.
    pub(crate) fn product_not_found(status: StatusCode, id: &str) -> Self {
        Self::new(
            status,
            "PRODUCT_NOT_FOUND",
            format!("product {id} was not found in the client's catalogue"),
        )
    }

    pub(crate) fn email_and_iccid_do_not_match() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "EMAIL_AND_ICCID_DO_NOT_MATCH",
            "email and ICCID do not match each other",
        )
    }

    pub(crate) fn customer_must_exist(email: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "CUSTOMER_MUST_EXIST",
            format!("there is no customer with email {email}"),
        )
    }

    pub(crate) fn too_many_subscriptions(iccid: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            assumed::TOO_MANY_SUBSCRIPTIONS_CODE,
            format!(
                "SIM {iccid} already has {} active subscriptions",
                assumed::MAX_ACTIVE_SUBSCRIPTIONS
            ),
        )
    }

    pub(crate) fn sim_not_found(iccid: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            assumed::SIM_NOT_FOUND_CODE,
            format!("SIM {iccid} was not found"),
        )
    }

    pub(crate) fn subscription_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            assumed::SUBSCRIPTION_NOT_FOUND_CODE,
            format!("subscription {id} was not found"),
        )
    }

    pub(crate) fn no_such_resource() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            assumed::NO_SUCH_RESOURCE_CODE,
            "no such resource in the v1 API",
        )
    }

    /// An injected upstream failure, as Truphone reports its own.
    pub(crate) fn injected(status: StatusCode) -> Self {
        Self::new(
            status,
            "INTERNAL_ERROR",
            "There was an error processing the request (injected by the sandbox)",
        )
    }

    pub(crate) fn body(&self) -> Value {
        json!({ "type": self.kind, "messages": self.messages })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// Cents as a JSON number in major units: `42`, `42.5`, `3.99`.
pub(crate) fn major_units(cents: i64) -> Value {
    if cents % 100 == 0 {
        json!(cents / 100)
    } else {
        // Correctly rounded division prints with at most two decimals.
        json!(cents as f64 / 100.0)
    }
}

/// A catalogue entry priced in `currency` (§2.1).
pub(crate) fn product(p: &Product, currency: &str) -> Value {
    let mut pricing = serde_json::Map::new();
    if let Some(cents) = p.price_cents(currency) {
        pricing.insert(currency.to_owned(), major_units(cents));
    }
    json!({
        "id": p.id,
        "name": p.name,
        "description": p.name,
        "period": p.period_days,
        "period_unit": "DAYS",
        "data": { "value": p.data.value(), "unit": p.data.unit() },
        "footprint": p.footprint,
        "activeCountries": ["ALL"],
        "pricing": pricing,
        "region": p.region,
    })
}

fn lpa(matching_id: &str) -> String {
    format!("LPA:1${}${matching_id}", assumed::SMDP_ADDRESS)
}

/// `POST /v1/order`'s answer and `GET /v1/order/{id}` (§2.3, §2.5): `output` only once
/// COMPLETED, and without `matchingId` for a top-up.
pub(crate) fn order(order: &Order) -> Value {
    let mut out = json!({
        "id": order.id,
        "externalId": order.id,
        "status": order.stage().as_str(),
    });
    if let Some(Outcome::Completed {
        iccid,
        matching_id,
        subscription_id,
    }) = &order.outcome
    {
        let mut output = json!({ "iccid": iccid, "subscription_id": subscription_id });
        if let Some(matching_id) = matching_id {
            output["matchingId"] = json!(matching_id);
            output["smdpUrl"] = json!(assumed::SMDP_ADDRESS);
            output["lpa_url"] = json!(lpa(matching_id));
        }
        out["output"] = output;
    }
    out
}

/// `GET /v1/sim/{iccid}` (§2.6).
pub(crate) fn sim(sim: &Sim) -> Value {
    json!({
        "iccid": sim.iccid,
        "matching_id": sim.matching_id,
        "matchingId": sim.matching_id,
        "status": sim.profile.as_str(),
        "profileStatus": sim.profile.as_str(),
        "eid": null,
        "last_modified": iso8601(sim.last_modified),
        "lpa_url": lpa(&sim.matching_id),
    })
}

/// One subscription (§2.7), with the assumed `order_id`.
pub(crate) fn subscription(sub: &Subscription) -> Value {
    let date = |at: Option<i64>| at.map(iso8601);
    let mut out = json!({
        "id": sub.id,
        "status": sub.status.as_str(),
        "initialBalance": sub.initial_bytes.to_string(),
        "spentBalance": sub.spent_bytes.to_string(),
        "activationDate": date(sub.activated_at.or(sub.not_before)),
        "expirationDate": date(sub.expires_at),
        "createdDate": iso8601(sub.created_at),
        "product": {
            "id": sub.product_id,
            "name": sub.product_name,
            "period": sub.period_days,
            "period_unit": "DAYS",
            "plan_id": sub.plan_id,
        },
        "iccid": sub.iccid,
        "device_id": sub.device_id,
        "auto_renew": "false",
    });
    out[assumed::SUBSCRIPTION_ORDER_ID_FIELD] = json!(sub.order_id);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_keep_whole_amounts_whole() {
        assert_eq!(major_units(4200).to_string(), "42");
        assert_eq!(major_units(4250).to_string(), "42.5");
        assert_eq!(major_units(399).to_string(), "3.99");
    }

    #[test]
    fn errors_have_the_documented_shape() {
        let body = ApiError::customer_must_exist("x@y.example").body();
        assert_eq!(body["type"], "CUSTOMER_MUST_EXIST");
        assert_eq!(body["messages"].as_array().map(Vec::len), Some(1));
    }
}
