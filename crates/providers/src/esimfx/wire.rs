//! Private serde mirrors of eSIMfx's JSON, as documented in seed 004 and the provider notes.

use serde::{Deserialize, Serialize};

/// Every eSIMfx response: success only when `code == 0`.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub code: i64,
    #[serde(default)]
    pub message: String,
    pub data: Option<T>,
}

#[derive(Debug, Serialize)]
pub struct AuthRequest<'a> {
    pub client_id: &'a str,
    pub client_key: &'a str,
}

#[derive(Debug, Deserialize)]
pub struct AuthData {
    pub access_token: String,
    /// Seconds; the doc says tokens live one hour, so that is the default.
    pub expires_in: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct GetProductsRequest {
    pub page_start: serde_json::Value,
    pub page_size: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub countries: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ProductsData {
    #[serde(default)]
    pub products: Vec<Product>,
    #[serde(default)]
    pub last_evaluated_key: Option<serde_json::Value>,
}

/// Lenient on purpose: fields are checked in `mapping`, so one odd product cannot sink a whole page.
#[derive(Debug, Deserialize)]
pub struct Product {
    pub id: Option<String>,
    pub name: Option<String>,
    pub duration: Option<serde_json::Number>,
    pub duration_unit: Option<String>,
    pub amount: Option<serde_json::Number>,
    pub amount_unit: Option<String>,
    #[serde(default)]
    pub is_unlimited: bool,
    #[serde(default)]
    pub coverage: Vec<String>,
    #[serde(default)]
    pub networks: Vec<Network>,
    pub imsi_profile: Option<String>,
    pub price: Option<serde_json::Number>,
    pub price_unit: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Network {
    pub mccmnc: Option<String>,
    pub name: Option<String>,
    pub speed: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CreateOrderRequest<'a> {
    pub operation_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iccid: Option<&'a str>,
    pub product: ProductId<'a>,
}

#[derive(Debug, Serialize)]
pub struct ProductId<'a> {
    pub id: &'a str,
}

/// `create_order`'s `data`: the order, its subscription and the eSIM.
#[derive(Debug, Deserialize)]
pub struct OrderData {
    pub id: Option<String>,
    pub status: Option<String>,
    pub esim: Option<Esim>,
}

/// The `esim` object of `create_order`, and `get_esim_status`'s `data`.
#[derive(Debug, Deserialize)]
pub struct Esim {
    pub iccid: Option<String>,
    pub esim_qr: Option<String>,
    pub status: Option<String>,
}

/// `get_order`'s `data`, and each element of `get_esim_orders`' `data.orders`.
#[derive(Debug, Deserialize)]
pub struct OrderDetail {
    pub id: Option<String>,
    pub iccid: Option<String>,
    pub creation_time: Option<String>,
    pub product: Option<OrderProduct>,
    pub subscription: Option<Subscription>,
}

/// The short product summary inside an order.
#[derive(Debug, Deserialize)]
pub struct OrderProduct {
    pub id: Option<String>,
    pub name: Option<String>,
    /// Not in the documented order shape; honoured when present.
    pub is_unlimited: Option<bool>,
}

/// The data package an order bound; amounts are in `amount_unit`.
#[derive(Debug, Deserialize)]
pub struct Subscription {
    pub upper_limit_amount: Option<serde_json::Number>,
    pub used_amount: Option<serde_json::Number>,
    pub amount_unit: Option<String>,
    pub status: Option<String>,
    pub activation_time: Option<String>,
    pub expiry: Option<String>,
    pub activate_by: Option<String>,
}

/// `get_esim_orders`' `data`.
#[derive(Debug, Deserialize)]
pub struct EsimOrders {
    #[serde(default)]
    pub orders: Vec<OrderDetail>,
}

/// `terminate_subscription`'s body.
#[derive(Debug, Serialize)]
pub struct OrderIdRequest<'a> {
    pub order_id: &'a str,
}

/// `terminate_subscription`'s `data`: only `refund.need_refund` is documented.
#[derive(Debug, Deserialize)]
pub struct TerminateData {
    pub refund: Option<Refund>,
}

#[derive(Debug, Deserialize)]
pub struct Refund {
    pub need_refund: Option<bool>,
}
