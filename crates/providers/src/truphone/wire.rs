//! Private serde mirrors of Truphone's JSON, as documented in seed 002 and the provider notes.
//! Responses are lenient (every field optional): `mapping` checks them, so one odd entry cannot
//! sink a whole list.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `POST /v1/order`: everything sits under `input`.
#[derive(Debug, Clone, Serialize)]
pub struct OrderBody {
    pub input: OrderInput,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderInput {
    /// `NEW_ESIM` or `TOPUP`.
    pub operation_type: String,
    pub country_code: String,
    pub customer: Customer,
    pub device: Device,
    pub subscriptions: Vec<SubscriptionLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esim: Option<EsimRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer {
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    /// Tern's idempotency key: the order is found again by it.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub model: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionLine {
    /// The product id (the seed's name for it).
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activation_date: Option<String>,
    /// Major units of `currency`; must come with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EsimRef {
    pub iccid: String,
}

/// Every error: `{ "type": "INVALID_REQUEST_PARAMS", "messages": [...] }`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub messages: Vec<String>,
}

/// The token endpoint's answer (Keycloak).
#[derive(Debug, Deserialize)]
pub struct TokenGrant {
    pub access_token: Option<String>,
    pub expires_in: Option<u64>,
    pub refresh_token: Option<String>,
    pub refresh_expires_in: Option<u64>,
}

/// The token endpoint's refusal (Keycloak): `{error, error_description}`.
#[derive(Debug, Deserialize)]
pub struct TokenRefusal {
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// One catalogue product (`GET /v1/products`, `GET /v1/products/{id}`).
#[derive(Debug, Deserialize)]
pub struct Product {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub period: Option<serde_json::Number>,
    pub period_unit: Option<String>,
    pub data: Option<DataAmount>,
    #[serde(default)]
    pub footprint: Vec<String>,
    #[serde(rename = "activeCountries", default)]
    pub active_countries: Vec<String>,
    /// Currency code to a decimal in major units.
    #[serde(default)]
    pub pricing: BTreeMap<String, serde_json::Number>,
}

#[derive(Debug, Deserialize)]
pub struct DataAmount {
    pub value: Option<serde_json::Number>,
    pub unit: Option<String>,
}

/// `POST /v1/order`'s 201 and `GET /v1/order/{id}`.
#[derive(Debug, Deserialize)]
pub struct Order {
    pub id: Option<String>,
    #[serde(rename = "externalId")]
    pub external_id: Option<String>,
    pub status: Option<String>,
    pub output: Option<OrderOutput>,
}

/// Present once an order is COMPLETED; a TOPUP has no `matchingId`.
#[derive(Debug, Deserialize)]
pub struct OrderOutput {
    pub iccid: Option<String>,
    #[serde(rename = "matchingId")]
    pub matching_id: Option<String>,
    #[serde(rename = "smdpUrl")]
    pub smdp_url: Option<String>,
}

/// `GET /v1/sim/{iccid}`. The docs show both spellings side by side, so both are kept.
#[derive(Debug, Deserialize)]
pub struct Sim {
    pub iccid: Option<String>,
    #[serde(rename = "matchingId")]
    pub matching_id: Option<String>,
    #[serde(rename = "matching_id")]
    pub matching_id_snake: Option<String>,
    #[serde(rename = "profileStatus")]
    pub profile_status: Option<String>,
    /// The seed-era name.
    #[serde(rename = "profile_status")]
    pub profile_status_snake: Option<String>,
    pub status: Option<String>,
    pub lpa_url: Option<String>,
}

impl Sim {
    pub fn matching_id(&self) -> Option<&str> {
        self.matching_id
            .as_deref()
            .or(self.matching_id_snake.as_deref())
            .map(str::trim)
            .filter(|id| !id.is_empty())
    }

    pub fn profile(&self) -> Option<&str> {
        self.profile_status
            .as_deref()
            .or(self.profile_status_snake.as_deref())
            .or(self.status.as_deref())
    }
}

/// A byte count; documented as a string, accepted as a number too.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Count {
    Text(String),
    Number(u64),
}

impl Count {
    pub fn bytes(&self) -> Option<u64> {
        match self {
            Count::Text(text) => text.trim().parse().ok(),
            Count::Number(n) => Some(*n),
        }
    }
}

/// One subscription (`GET /v1/sim/{iccid}/subscriptions`, `GET /v1/subscription`).
#[derive(Debug, Deserialize)]
pub struct Subscription {
    pub id: Option<String>,
    pub status: Option<String>,
    #[serde(rename = "initialBalance")]
    pub initial_balance: Option<Count>,
    #[serde(rename = "spentBalance")]
    pub spent_balance: Option<Count>,
    #[serde(rename = "activationDate")]
    pub activation_date: Option<String>,
    #[serde(rename = "expirationDate")]
    pub expiration_date: Option<String>,
    #[serde(rename = "createdDate")]
    pub created_date: Option<String>,
    pub product: Option<SubscriptionProduct>,
    pub iccid: Option<String>,
    pub device_id: Option<String>,
    /// Not documented; see `assumed::package_order_id`.
    pub order_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SubscriptionProduct {
    pub id: Option<String>,
    pub name: Option<String>,
}
