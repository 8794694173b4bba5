//! eSIM Go's failures as a typed enum: HTTP status plus the `{"message"}` text it documents
//! (esimgo.md §1, §2.3, §6), and how each becomes a [`ProviderError`].

use std::time::Duration;

use reqwest::StatusCode;

use super::assumed;
use super::wire;
use crate::ProviderError;

/// One failed eSIM Go call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EsimGoError {
    /// 401, or 403 `{"message":"Forbidden"}`: the API key was refused.
    Forbidden,
    /// 403 naming something the organisation cannot reach (an ICCID not its own).
    NotAccessible(String),
    /// Any other 403, such as "no bundles left".
    Refused(String),
    /// 400 "Failed to process Order. No payment taken.": the balance is too low.
    NoPaymentTaken,
    /// 400 "Invalid Order type".
    InvalidOrderType(String),
    /// 400 "Order must contain Order Items".
    NoOrderItems(String),
    /// 400 for a bundle that cannot go onto the eSIM.
    Incompatible(String),
    /// 404, or a 400 saying what was asked for does not exist.
    NotFound(String),
    /// Any other 400.
    BadRequest(String),
    /// 503 with `Retry-After`: still processing, come back later.
    Processing { retry_after: Duration },
    /// 429.
    RateLimited { retry_after: Option<Duration> },
    /// Any other 5xx.
    Server { status: u16, message: String },
    /// Any other status.
    Other { status: u16, message: String },
}

impl EsimGoError {
    /// Reads a failed response: its status, `Retry-After` (seconds) and body.
    pub(crate) fn from_response(
        status: StatusCode,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Self {
        let message = serde_json::from_slice::<wire::ErrorBody>(body)
            .ok()
            .and_then(|b| b.message)
            .unwrap_or_else(|| snippet(body));
        let lower = message.trim().to_ascii_lowercase();
        let says = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        match status.as_u16() {
            401 => EsimGoError::Forbidden,
            403 if lower.is_empty() || lower == assumed::FORBIDDEN_MESSAGE => {
                EsimGoError::Forbidden
            }
            403 if says(&["iccid", "esim", "not accessible", "not found"]) => {
                EsimGoError::NotAccessible(message)
            }
            403 => EsimGoError::Refused(message),
            404 => EsimGoError::NotFound(message),
            400 if says(&["no payment taken"]) => EsimGoError::NoPaymentTaken,
            400 if lower == "invalid order type" => EsimGoError::InvalidOrderType(message),
            400 if says(&["must contain order items"]) => EsimGoError::NoOrderItems(message),
            400 if says(&["not compatible", "incompatible"]) => EsimGoError::Incompatible(message),
            400 if says(&["not found", "does not exist"]) => EsimGoError::NotFound(message),
            400 => EsimGoError::BadRequest(message),
            429 => EsimGoError::RateLimited { retry_after },
            503 if retry_after.is_some() => EsimGoError::Processing {
                retry_after: retry_after.unwrap_or_default(),
            },
            500..=599 => EsimGoError::Server {
                status: status.as_u16(),
                message,
            },
            other => EsimGoError::Other {
                status: other,
                message,
            },
        }
    }
}

impl From<EsimGoError> for ProviderError {
    fn from(error: EsimGoError) -> Self {
        match error {
            EsimGoError::Forbidden => ProviderError::Unauthorized,
            EsimGoError::NotAccessible(_) | EsimGoError::NotFound(_) => {
                ProviderError::NotFound { what: "resource" }
            }
            EsimGoError::Refused(message) => ProviderError::Refused {
                code: "FORBIDDEN".into(),
                message,
            },
            EsimGoError::NoPaymentTaken => ProviderError::InsufficientBalance,
            EsimGoError::InvalidOrderType(message)
            | EsimGoError::NoOrderItems(message)
            | EsimGoError::BadRequest(message) => ProviderError::Validation { message },
            EsimGoError::Incompatible(message) => ProviderError::Incompatible { message },
            EsimGoError::Processing { retry_after } => ProviderError::Busy {
                retry_after: Some(retry_after),
            },
            EsimGoError::RateLimited { retry_after } => ProviderError::RateLimited { retry_after },
            EsimGoError::Server { status, message } => ProviderError::Unavailable {
                status: Some(status),
                message,
            },
            EsimGoError::Other { status, message } => ProviderError::Rejected {
                code: i64::from(status),
                message,
            },
        }
    }
}

/// The start of a body that is not the JSON error shape, for the log.
pub(crate) fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(status: u16, body: &str) -> EsimGoError {
        EsimGoError::from_response(StatusCode::from_u16(status).unwrap(), None, body.as_bytes())
    }

    fn provider(status: u16, body: &str) -> ProviderError {
        error(status, body).into()
    }

    #[test]
    fn the_three_documented_order_errors() {
        let message = |text: &str| format!(r#"{{"message":"{text}"}}"#);
        assert_eq!(
            error(400, &message("Failed to process Order. No payment taken.")),
            EsimGoError::NoPaymentTaken
        );
        assert_eq!(
            provider(400, &message("Failed to process Order. No payment taken.")),
            ProviderError::InsufficientBalance
        );
        assert_eq!(
            provider(400, &message("Invalid Order type")),
            ProviderError::Validation {
                message: "Invalid Order type".into()
            }
        );
        assert_eq!(
            provider(400, &message("Order must contain Order Items")),
            ProviderError::Validation {
                message: "Order must contain Order Items".into()
            }
        );
        assert!(!ProviderError::InsufficientBalance.is_retryable());
    }

    #[test]
    fn a_refused_key_is_unauthorized_but_a_foreign_iccid_is_not_found() {
        assert_eq!(
            provider(403, r#"{"message": "Forbidden"}"#),
            ProviderError::Unauthorized
        );
        assert_eq!(provider(403, ""), ProviderError::Unauthorized);
        assert_eq!(
            provider(401, r#"{"message":"Unauthorized"}"#),
            ProviderError::Unauthorized
        );
        assert_eq!(
            provider(
                403,
                r#"{"message":"ICCID not found or not accessible by this organisation: 89"}"#
            ),
            ProviderError::NotFound { what: "resource" }
        );
        assert!(matches!(
            provider(403, r#"{"message":"No bundles left"}"#),
            ProviderError::Refused { .. }
        ));
    }

    #[test]
    fn statuses_and_messages_map_to_variants() {
        assert!(matches!(
            provider(
                400,
                r#"{"message":"Bundle esim_1GB_7D_JP_V2 is not compatible with eSIM 89"}"#
            ),
            ProviderError::Incompatible { .. }
        ));
        assert_eq!(
            provider(400, r#"{"message":"Bundle not found: esim_x"}"#),
            ProviderError::NotFound { what: "resource" }
        );
        assert_eq!(
            provider(404, r#"{"message":"Order not found: x"}"#),
            ProviderError::NotFound { what: "resource" }
        );
        assert!(matches!(
            provider(
                400,
                r#"{"message":"Quantity must match the number of ICCIDs"}"#
            ),
            ProviderError::Validation { .. }
        ));
        assert!(matches!(
            provider(418, "teapot"),
            ProviderError::Rejected { code: 418, .. }
        ));
        let server = provider(500, "<html>oops</html>");
        assert!(
            matches!(&server, ProviderError::Unavailable { status: Some(500), message } if message.contains("oops")),
            "{server:?}"
        );
        assert!(server.is_retryable());
    }

    #[test]
    fn processing_and_rate_limits_carry_retry_after() {
        let busy = EsimGoError::from_response(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(Duration::from_secs(7)),
            br#"{"message":"Processing"}"#,
        );
        assert_eq!(
            ProviderError::from(busy),
            ProviderError::Busy {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert!(matches!(
            provider(503, r#"{"message":"down"}"#),
            ProviderError::Unavailable {
                status: Some(503),
                ..
            }
        ));
        let limited = EsimGoError::from_response(
            StatusCode::TOO_MANY_REQUESTS,
            Some(Duration::from_secs(2)),
            b"",
        );
        assert_eq!(
            ProviderError::from(limited),
            ProviderError::RateLimited {
                retry_after: Some(Duration::from_secs(2))
            }
        );
    }
}
