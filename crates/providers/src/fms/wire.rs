//! Private serde mirrors of FMS's JSON, as documented (or ASSUMED) in the provider notes. Answers
//! are lenient (every field optional, ids as any JSON value) so `mapping` can say what is wrong.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Number, Value};

/// Paths under the base URL; the notes use `/v1.1/` where the doc does.
pub const COUNTRY_LIST_PATH: &str = "/package/countryPackageList";
pub const PACKAGE_LIST_PATH: &str = "/v1.1/package/packageList";
pub const DETAIL_PATH: &str = "/v1.1/package/detail";
pub const PRE_ORDER_PATH: &str = "/v1.1/package/preOrderPackage";
pub const WEBHOOK_PATH: &str = "/payment/webhook";
pub const ORDER_STATUS_PATH: &str = "/package/queryOrdStatus";
pub const ESIM_DETAIL_PATH: &str = "/v1.1/order/myEsimDetail";

/// Every FMS answer (notes §1): success only when `code == 0`.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    pub code: i64,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub data: Value,
}

/// `appId` 10: a background (server) caller.
pub const APP_ID_SERVER: u32 = 10;
/// `userType` 4: a customer.
pub const USER_TYPE_CUSTOMER: u32 = 4;
/// `deviceType` "10": H5, iPhone and Android eSIM (notes §2.3).
pub const DEVICE_TYPE_ESIM: &str = "10";
/// `languageId`: deprecated, still sent as the doc examples do.
pub const LANGUAGE: &str = "en";
/// The payment notification `type`s (notes §2.4).
pub const PAYMENT_SUCCEEDED: &str = "payment_intent.succeeded";
pub const PAYMENT_FAILED: &str = "payment_intent.payment_failed";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationCodeRequest<'a> {
    pub email: &'a str,
    pub partner_code: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterRequest<'a> {
    pub app_id: u32,
    pub email: &'a str,
    pub partner_code: &'a str,
    pub passwd: &'a str,
    pub user_type: u32,
    pub verify_code: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest<'a> {
    pub app_id: u32,
    pub email: &'a str,
    pub partner_code: &'a str,
    pub passwd: &'a str,
    pub user_type: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordResetRequest<'a> {
    pub email: &'a str,
    pub passwd: &'a str,
    pub partner_code: &'a str,
}

/// `data` of register and login.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserData {
    pub token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountryListRequest<'a> {
    pub language_id: &'static str,
    pub partner_code: &'a str,
    /// 2: countries a package covers alone.
    #[serde(rename = "type")]
    pub kind: u8,
}

/// One element of `countryPackageList`'s `data`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Country {
    pub country_code: Option<Value>,
    pub iso_country_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageListRequest<'a> {
    pub country_code: u16,
    pub language_id: &'static str,
    pub partner_code: &'a str,
    /// 1: packages whose coverage includes the country.
    #[serde(rename = "type")]
    pub kind: u8,
}

/// A package as `packageList` and `detail` describe it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    pub id: Option<Value>,
    pub package_code: Option<String>,
    pub package_show_name: Option<String>,
    pub cover_countrys: Option<Value>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub package_flow: Option<Number>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub period: Option<Number>,
    pub period_unit: Option<String>,
    #[serde(default)]
    pub currency_infos: Vec<CurrencyInfo>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyInfo {
    pub currency_id: Option<Value>,
    pub currency_abbr: Option<String>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub price: Option<Number>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreOrderRequest<'a> {
    pub currency: &'a str,
    pub currency_id: &'a Value,
    pub device_type: &'static str,
    pub id: &'a Value,
    pub language_id: &'static str,
    pub money: Number,
    pub package_code: &'a str,
    pub partner_code: &'a str,
    pub period_num: u32,
}

/// `preOrderPackage`'s `data` (ASSUMED shape, notes §2.3).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreOrder {
    pub id: Option<Value>,
    pub money: Option<Number>,
    pub expire_time: Option<String>,
}

/// `/payment/webhook`'s body (notes §2.4).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentNotification<'a> {
    pub date_time: i64,
    pub order_id: &'a str,
    pub partner_code: &'a str,
    pub pay_amount: Number,
    pub pay_currency: &'static str,
    pub paypal_id: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderIdRequest<'a> {
    pub order_id: &'a str,
}

/// `queryOrdStatus`'s `data` (notes §2.5).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatus {
    pub order_id: Option<Value>,
    pub order_pay_status: Option<i64>,
}

/// `myEsimDetail`'s `data` (ASSUMED shape, notes §2.6).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EsimDetail {
    pub order_id: Option<Value>,
    pub iccid: Option<String>,
    pub qr_code: Option<String>,
    pub smdp_address: Option<String>,
    pub activation_code: Option<String>,
    pub package_code: Option<String>,
    pub package_show_name: Option<String>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub package_flow: Option<Number>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub used_flow: Option<Number>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub surplus_flow: Option<Number>,
    pub status: Option<i64>,
    pub create_time: Option<String>,
    pub active_time: Option<String>,
    pub expire_time: Option<String>,
    /// Everything else, including the package id (see `assumed::ESIM_DETAIL_PACKAGE_FIELD`).
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
}

/// An id FMS may send as a string or a number, as text; `None` when empty or another type.
pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) if number.is_u64() || number.is_i64() => Some(number.to_string()),
        _ => None,
    }
}

/// A number FMS may send as a JSON number or as a string of one (the doc's `"surplusFlow": "3072"`).
fn number_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Number>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => Ok(Some(number)),
        Some(Value::String(text)) => text
            .trim()
            .parse::<Number>()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{text:?} is not a number"))),
        Some(other) => Err(D::Error::custom(format!("{other} is not a number"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_may_come_as_text() {
        let package: Package = serde_json::from_value(serde_json::json!({
            "id": 1, "packageFlow": "3072", "period": 7,
            "currencyInfos": [{ "currencyAbbr": "USD", "price": "9.90", "currencyId": 1 }]
        }))
        .unwrap();
        assert_eq!(package.package_flow.unwrap().as_u64(), Some(3072));
        assert_eq!(
            package.currency_infos[0]
                .price
                .as_ref()
                .unwrap()
                .to_string(),
            "9.9"
        );
        let odd = serde_json::from_value::<Package>(serde_json::json!({ "packageFlow": "lots" }));
        assert!(odd.is_err());
        let absent: Package = serde_json::from_value(serde_json::json!({})).unwrap();
        assert!(absent.package_flow.is_none());
    }

    #[test]
    fn ids_are_text_whatever_their_json_type() {
        assert_eq!(id_text(&serde_json::json!(3011)).as_deref(), Some("3011"));
        assert_eq!(
            id_text(&serde_json::json!(" 1516172930125713408 ")).as_deref(),
            Some("1516172930125713408")
        );
        assert_eq!(id_text(&serde_json::json!("")), None);
        assert_eq!(id_text(&serde_json::json!(1.5)), None);
        assert_eq!(id_text(&serde_json::json!(null)), None);
    }
}
