//! FMS's JSON on the sandbox side: the `{code, data, message, messageSourceHandler}` envelope,
//! typed failures, and lenient readers for request bodies (FMS clients send numbers as text
//! and text as numbers).

use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::assumed;

/// The documented codes the sandbox answers (notes §5) plus the ASSUMED login ones.
pub(crate) mod code {
    pub(crate) const WRONG_PARAMETERS: i64 = 2;
    pub(crate) const TOKEN_INVALID: i64 = 7;
    pub(crate) const TIME_CONVERSION: i64 = 1102;
    pub(crate) const NO_PROFILE: i64 = 3005;
    pub(crate) const PRE_ORDER_TIMEOUT: i64 = 6006;
    pub(crate) const FAILED: i64 = 9999;
    pub(crate) const ORDER_NOT_FOUND: i64 = 10008;
    pub(crate) const PRICE_INCONSISTENT: i64 = 10009;
}

/// A non-zero answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fail {
    pub(crate) code: i64,
    pub(crate) message: String,
}

impl Fail {
    pub(crate) fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn parameters(message: impl Into<String>) -> Self {
        Self::new(code::WRONG_PARAMETERS, message)
    }

    pub(crate) fn token() -> Self {
        Self::new(
            code::TOKEN_INVALID,
            "token expired or invalid, please log in again",
        )
    }

    pub(crate) fn order_not_found() -> Self {
        // The doc's own example message.
        Self::new(
            code::ORDER_NOT_FOUND,
            "paypal The callback has no order number",
        )
    }
}

fn envelope(code: i64, message: &str, data: Value) -> Value {
    json!({ "code": code, "data": data, "message": message, "messageSourceHandler": {} })
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        (
            assumed::ENVELOPE_STATUS,
            Json(envelope(self.code, &self.message, Value::Null)),
        )
            .into_response()
    }
}

/// Code 0 with `data`.
pub(crate) fn ok(data: Value) -> Response {
    (assumed::ENVELOPE_STATUS, Json(envelope(0, "success", data))).into_response()
}

/// Code 0 with `data`, the token also in the response header.
pub(crate) fn ok_with_token(token: &str, data: Value) -> Response {
    let mut response = ok(data);
    if let Ok(value) = HeaderValue::from_str(token) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(assumed::TOKEN_HEADER), value);
    }
    response
}

/// A request body, read field by field.
#[derive(Debug)]
pub(crate) struct Body(Value);

impl Body {
    /// Parses the bytes as a JSON object; anything else is code 2.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, Fail> {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(value @ Value::Object(_)) => Ok(Body(value)),
            _ => Err(Fail::parameters("the request body must be a JSON object")),
        }
    }

    pub(crate) fn raw(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|value| !value.is_null())
    }

    /// A non-empty string (or a number, as text).
    pub(crate) fn text(&self, key: &str) -> Option<String> {
        match self.raw(key)? {
            Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }

    /// An integer (or a string of one).
    pub(crate) fn int(&self, key: &str) -> Option<i64> {
        match self.raw(key)? {
            Value::Number(number) => number.as_i64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    pub(crate) fn required_text(&self, key: &str) -> Result<String, Fail> {
        self.text(key)
            .ok_or_else(|| Fail::parameters(format!("{key} is required")))
    }

    pub(crate) fn required_int(&self, key: &str) -> Result<i64, Fail> {
        self.int(key)
            .ok_or_else(|| Fail::parameters(format!("{key} must be an integer")))
    }

    /// `partnerCode` must be this sandbox's.
    pub(crate) fn partner(&self, expected: &str) -> Result<(), Fail> {
        match self.text("partnerCode") {
            Some(code) if code == expected => Ok(()),
            Some(code) => Err(Fail::parameters(format!("unknown partnerCode {code}"))),
            None => Err(Fail::parameters("partnerCode is required")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_leniently() {
        let body =
            Body::parse(br#"{"a":" x ","n":7,"s":"8","e":"","z":null,"partnerCode":"P001101"}"#)
                .unwrap();
        assert_eq!(body.text("a").as_deref(), Some("x"));
        assert_eq!(body.text("n").as_deref(), Some("7"));
        assert_eq!(body.int("s"), Some(8));
        assert_eq!(body.text("e"), None);
        assert_eq!(body.raw("z"), None);
        assert!(body.partner("P001101").is_ok());
        assert_eq!(body.partner("P000000").unwrap_err().code, 2);
        assert_eq!(Body::parse(b"[1]").unwrap_err().code, 2);
        assert_eq!(Body::parse(b"{").unwrap_err().code, 2);
    }
}
