//! Private serde mirrors of eSIM Go v2.4's JSON, as documented in the provider notes. Lenient
//! on purpose: every field is checked in `mapping`, so one odd entry cannot sink a whole answer.

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

/// Every error: `{"message": …}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub message: Option<String>,
}

/// `GET /catalogue`: the `{bundles, pageCount, rows, pageSize}` envelope or a bare array.
/// Entries stay raw JSON so each is mapped (or rejected) on its own.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum CataloguePage {
    Envelope(CatalogueEnvelope),
    Bare(Vec<Value>),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueEnvelope {
    #[serde(default)]
    pub bundles: Vec<Value>,
    pub page_count: Option<u64>,
    pub rows: Option<u64>,
    pub page_size: Option<u64>,
    pub currency: Option<String>,
}

/// One catalogue bundle (`GET /catalogue` entries and `GET /catalogue/bundle/{name}`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub countries: Vec<BundleCountry>,
    pub data_amount: Option<Number>,
    pub duration: Option<Number>,
    #[serde(default)]
    pub speed: Option<Vec<String>>,
    #[serde(default)]
    pub unlimited: bool,
    pub price: Option<Number>,
    /// Not in the documented shape; honoured when present.
    pub currency: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct BundleCountry {
    pub region: Option<String>,
    pub iso: Option<String>,
}

/// `POST /orders` body.
#[derive(Debug, Serialize)]
pub struct OrderRequest<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub assign: bool,
    pub order: Vec<OrderRequestItem<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRequestItem<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub item: &'a str,
    pub quantity: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iccids: Option<Vec<&'a str>>,
    pub allow_reassign: bool,
}

/// An order: the answer to `POST /orders` (validate or transaction), `GET /orders/{ref}`, and
/// each entry of `GET /orders`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    #[serde(default)]
    pub order: Vec<OrderLine>,
    pub total: Option<Number>,
    pub currency: Option<String>,
    pub status_message: Option<String>,
    pub order_reference: Option<String>,
    pub created_date: Option<String>,
    /// Only on validations.
    pub valid: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub item: Option<String>,
    #[serde(default)]
    pub iccids: Vec<String>,
    #[serde(default)]
    pub esims: Vec<OrderEsim>,
}

/// `order[].esims[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderEsim {
    pub iccid: Option<String>,
    pub matching_id: Option<String>,
    pub smdp_address: Option<String>,
}

/// `GET /orders`: `{orders, pageCount, rows, pageSize}` or a bare array.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OrderList {
    Envelope(OrderEnvelope),
    Bare(Vec<Order>),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderEnvelope {
    #[serde(default)]
    pub orders: Vec<Order>,
    pub page_count: Option<u64>,
}

/// `GET /esims/{iccid}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EsimDetails {
    pub iccid: Option<String>,
    pub matching_id: Option<String>,
    pub smdp_address: Option<String>,
    pub profile_status: Option<String>,
    pub customer_ref: Option<String>,
}

/// `PUT /esims` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagEsim<'a> {
    pub iccid: &'a str,
    pub customer_ref: &'a str,
}

/// `GET /esims/{iccid}/bundles`.
#[derive(Debug, Deserialize)]
pub struct EsimBundles {
    #[serde(default)]
    pub bundles: Vec<EsimBundle>,
}

#[derive(Debug, Deserialize)]
pub struct EsimBundle {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub assignments: Vec<Assignment>,
}

/// One assignment of a bundle to an eSIM, with usage in decimal bytes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    /// A string in the docs; numbers are accepted too.
    pub id: Option<Value>,
    pub initial_quantity: Option<Number>,
    pub remaining_quantity: Option<Number>,
    pub assignment_date_time: Option<String>,
    pub assignment_reference: Option<String>,
    pub bundle_state: Option<String>,
    #[serde(default)]
    pub unlimited: bool,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
}

/// `GET /esims/{iccid}/compatible/{bundle}`.
#[derive(Debug, Deserialize)]
pub struct Compatible {
    pub compatible: Option<bool>,
}

/// `DELETE /esims/{iccid}/bundles/{name}[/assignments/{id}]`.
#[derive(Debug, Deserialize)]
pub struct Revoked {
    pub status: Option<String>,
}

/// `GET /organisation`: flat, or wrapped in `organisations[]`.
#[derive(Debug, Deserialize)]
pub struct Organisation {
    pub balance: Option<Number>,
    pub currency: Option<String>,
    #[serde(default)]
    pub organisations: Vec<Organisation>,
}
