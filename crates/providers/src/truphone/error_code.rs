//! Truphone's error codes (`type` in `{type, messages}`) as a typed enum, and HTTP answers
//! turned into data or a [`ProviderError`] that keeps the code for Tern's order timeline.

use super::{assumed, wire};
use crate::ProviderError;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

/// Every documented error code, plus the one the sandbox adds for unknown SIMs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// 400: the request could not be parsed (bad JSON or bad date).
    InvalidHttpMessage,
    /// 400: semantic validation failed (and, assumed, 422 past 15 active subscriptions).
    InvalidRequestParams,
    /// 401: token missing or invalid.
    Unauthorised,
    /// 403: the resource belongs to another client.
    AccessDenied,
    /// 404: unknown order id.
    OrderNotFound,
    /// 422 on an order, 404 on product detail: not in this client's catalogue.
    ProductNotFound,
    /// 422, TOPUP: the customer email does not own the ICCID.
    EmailAndIccidDoNotMatch,
    /// 422, TOPUP: no customer has that email.
    CustomerMustExist,
    /// 500: report it to Truphone with the correlation id.
    InternalError,
    /// 404 for an unknown ICCID (assumed; see `assumed::SIM_NOT_FOUND_CODE`).
    SimNotFound,
    /// Anything else, kept verbatim.
    Other(String),
}

impl ErrorCode {
    pub fn parse(code: &str) -> Self {
        match code.trim() {
            "INVALID_HTTP_MESSAGE" => ErrorCode::InvalidHttpMessage,
            "INVALID_REQUEST_PARAMS" => ErrorCode::InvalidRequestParams,
            "UNAUTHORISED" => ErrorCode::Unauthorised,
            "ACCESS_DENIED" => ErrorCode::AccessDenied,
            "ORDER_NOT_FOUND" => ErrorCode::OrderNotFound,
            "PRODUCT_NOT_FOUND" => ErrorCode::ProductNotFound,
            "EMAIL_AND_ICCID_DO_NOT_MATCH" => ErrorCode::EmailAndIccidDoNotMatch,
            "CUSTOMER_MUST_EXIST" => ErrorCode::CustomerMustExist,
            "INTERNAL_ERROR" => ErrorCode::InternalError,
            code if code == assumed::SIM_NOT_FOUND_CODE => ErrorCode::SimNotFound,
            other => ErrorCode::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::InvalidHttpMessage => "INVALID_HTTP_MESSAGE",
            ErrorCode::InvalidRequestParams => "INVALID_REQUEST_PARAMS",
            ErrorCode::Unauthorised => "UNAUTHORISED",
            ErrorCode::AccessDenied => "ACCESS_DENIED",
            ErrorCode::OrderNotFound => "ORDER_NOT_FOUND",
            ErrorCode::ProductNotFound => "PRODUCT_NOT_FOUND",
            ErrorCode::EmailAndIccidDoNotMatch => "EMAIL_AND_ICCID_DO_NOT_MATCH",
            ErrorCode::CustomerMustExist => "CUSTOMER_MUST_EXIST",
            ErrorCode::InternalError => "INTERNAL_ERROR",
            ErrorCode::SimNotFound => assumed::SIM_NOT_FOUND_CODE,
            ErrorCode::Other(code) => code,
        }
    }

    /// The typed error for this code; `messages` are Truphone's, joined.
    pub fn into_error(self, status: StatusCode, messages: &[String]) -> ProviderError {
        let detail = if messages.is_empty() {
            format!("HTTP {}", status.as_u16())
        } else {
            messages.join("; ")
        };
        let message = format!("{}: {detail}", self.as_str());
        match self {
            ErrorCode::InvalidHttpMessage | ErrorCode::InvalidRequestParams => {
                ProviderError::Validation { message }
            }
            ErrorCode::Unauthorised => ProviderError::Unauthorized,
            ErrorCode::OrderNotFound => ProviderError::NotFound { what: "order" },
            ErrorCode::ProductNotFound => ProviderError::NotFound { what: "product" },
            ErrorCode::SimNotFound => ProviderError::NotFound { what: "eSIM" },
            ErrorCode::EmailAndIccidDoNotMatch => ProviderError::Incompatible { message },
            ErrorCode::InternalError => ProviderError::Unavailable {
                status: Some(status.as_u16()),
                message,
            },
            // An unknown code on a 5xx is still the server failing: worth another try.
            ErrorCode::Other(_) if status.is_server_error() => ProviderError::Unavailable {
                status: Some(status.as_u16()),
                message,
            },
            ErrorCode::AccessDenied | ErrorCode::CustomerMustExist | ErrorCode::Other(_) => {
                ProviderError::Refused {
                    code: self.as_str().to_owned(),
                    message: detail,
                }
            }
        }
    }
}

/// A 2xx body as `T`, anything else as the typed error its code (or, without a readable
/// error body, its status) stands for.
pub(crate) fn decode<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
) -> Result<T, ProviderError> {
    if status.is_success() {
        return serde_json::from_slice(body).map_err(|e| ProviderError::MalformedResponse {
            message: format!(
                "HTTP {status} with an unexpected body ({e}): {}",
                snippet(body)
            ),
        });
    }
    Err(refusal(status, body))
}

fn refusal(status: StatusCode, body: &[u8]) -> ProviderError {
    if status == StatusCode::TOO_MANY_REQUESTS {
        // Rate limits are documented as disabled; honour one anyway.
        return ProviderError::RateLimited { retry_after: None };
    }
    let parsed = serde_json::from_slice::<wire::ErrorBody>(body)
        .ok()
        .and_then(|e| Some((e.kind.filter(|k| !k.trim().is_empty())?, e.messages)));
    if let Some((code, messages)) = parsed {
        return ErrorCode::parse(&code).into_error(status, &messages);
    }
    match status.as_u16() {
        401 => ProviderError::Unauthorized,
        404 => ProviderError::NotFound { what: "resource" },
        500..=599 => ProviderError::Unavailable {
            status: Some(status.as_u16()),
            message: snippet(body),
        },
        other => ProviderError::Refused {
            code: format!("HTTP_{other}"),
            message: snippet(body),
        },
    }
}

pub(crate) fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(status: u16, body: &str) -> ProviderError {
        decode::<serde_json::Value>(StatusCode::from_u16(status).unwrap(), body.as_bytes())
            .unwrap_err()
    }

    fn body(code: &str) -> String {
        format!(r#"{{"type":"{code}","messages":["m1","m2"]}}"#)
    }

    #[test]
    fn every_documented_code_maps_to_its_variant() {
        assert_eq!(
            error(400, &body("INVALID_HTTP_MESSAGE")),
            ProviderError::Validation {
                message: "INVALID_HTTP_MESSAGE: m1; m2".into()
            }
        );
        assert_eq!(
            error(400, &body("INVALID_REQUEST_PARAMS")),
            ProviderError::Validation {
                message: "INVALID_REQUEST_PARAMS: m1; m2".into()
            }
        );
        assert_eq!(
            error(401, &body("UNAUTHORISED")),
            ProviderError::Unauthorized
        );
        assert_eq!(
            error(403, &body("ACCESS_DENIED")),
            ProviderError::Refused {
                code: "ACCESS_DENIED".into(),
                message: "m1; m2".into()
            }
        );
        assert_eq!(
            error(404, &body("ORDER_NOT_FOUND")),
            ProviderError::NotFound { what: "order" }
        );
        assert_eq!(
            error(422, &body("PRODUCT_NOT_FOUND")),
            ProviderError::NotFound { what: "product" }
        );
        assert_eq!(
            error(422, &body("EMAIL_AND_ICCID_DO_NOT_MATCH")),
            ProviderError::Incompatible {
                message: "EMAIL_AND_ICCID_DO_NOT_MATCH: m1; m2".into()
            }
        );
        assert_eq!(
            error(422, &body("CUSTOMER_MUST_EXIST")),
            ProviderError::Refused {
                code: "CUSTOMER_MUST_EXIST".into(),
                message: "m1; m2".into()
            }
        );
        let internal = error(500, &body("INTERNAL_ERROR"));
        assert_eq!(
            internal,
            ProviderError::Unavailable {
                status: Some(500),
                message: "INTERNAL_ERROR: m1; m2".into()
            }
        );
        assert!(internal.is_retryable());
        assert_eq!(
            error(404, &body("SIM_NOT_FOUND")),
            ProviderError::NotFound { what: "eSIM" }
        );
        assert_eq!(
            error(409, &body("SOMETHING_NEW")),
            ProviderError::Refused {
                code: "SOMETHING_NEW".into(),
                message: "m1; m2".into()
            }
        );
    }

    #[test]
    fn codes_round_trip_through_their_names() {
        for name in [
            "INVALID_HTTP_MESSAGE",
            "INVALID_REQUEST_PARAMS",
            "UNAUTHORISED",
            "ACCESS_DENIED",
            "ORDER_NOT_FOUND",
            "PRODUCT_NOT_FOUND",
            "EMAIL_AND_ICCID_DO_NOT_MATCH",
            "CUSTOMER_MUST_EXIST",
            "INTERNAL_ERROR",
            "SIM_NOT_FOUND",
            "ANYTHING_ELSE",
        ] {
            assert_eq!(ErrorCode::parse(name).as_str(), name);
        }
        assert_eq!(
            ErrorCode::parse("CUSTOMER_MUST_EXIST"),
            ErrorCode::CustomerMustExist
        );
    }

    #[test]
    fn bodies_without_a_code_fall_back_on_the_status() {
        assert_eq!(error(401, ""), ProviderError::Unauthorized);
        assert_eq!(
            error(404, "<html/>"),
            ProviderError::NotFound { what: "resource" }
        );
        assert!(matches!(
            error(502, "<html>bad gateway</html>"),
            ProviderError::Unavailable {
                status: Some(502),
                ..
            }
        ));
        assert!(matches!(
            error(503, &body("SOMETHING_NEW")),
            ProviderError::Unavailable { .. }
        ));
        assert_eq!(
            error(405, "{}"),
            ProviderError::Refused {
                code: "HTTP_405".into(),
                message: "{}".into()
            }
        );
        assert_eq!(
            error(429, ""),
            ProviderError::RateLimited { retry_after: None }
        );
    }

    #[test]
    fn a_success_must_carry_the_expected_json() {
        let ok: serde_json::Value = decode(StatusCode::OK, br#"[{"id":"a"}]"#).unwrap();
        assert_eq!(ok[0]["id"], "a");
        let malformed = decode::<Vec<serde_json::Value>>(StatusCode::OK, b"[{\"id\":").unwrap_err();
        assert!(matches!(malformed, ProviderError::MalformedResponse { .. }));
        assert!(malformed.is_retryable());
    }
}
