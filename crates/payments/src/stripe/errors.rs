//! async-stripe's errors sorted into [`PaymentError`] by what the caller should do next.

use ::stripe::{ErrorType, StripeError};

use crate::PaymentError;

/// Maps a failed API call; upstream statuses decide, Stripe's error type refines.
pub(crate) fn from_stripe(error: StripeError) -> PaymentError {
    match error {
        StripeError::Stripe(request) => {
            let message = request
                .message
                .clone()
                .unwrap_or_else(|| request.to_string());
            match (request.http_status, &request.error_type) {
                (401, _) | (_, ErrorType::Authentication) => PaymentError::Unauthorized,
                (404, _) => PaymentError::NotFound,
                (429, _) | (_, ErrorType::RateLimit) => PaymentError::RateLimited,
                (status, _) if status >= 500 => PaymentError::Unavailable(message),
                (_, ErrorType::Api | ErrorType::Connection) => PaymentError::Unavailable(message),
                _ => PaymentError::Rejected { message },
            }
        }
        StripeError::ClientError(message) => PaymentError::Unavailable(message),
        StripeError::Timeout => PaymentError::Timeout,
        // Includes error bodies that are not Stripe's error JSON, and any Stripe error whose
        // `code` async-stripe 0.41's closed `ErrorCode` enum does not list.
        StripeError::JSONSerialize(error) => PaymentError::Unexpected(error.to_string()),
        StripeError::QueryStringSerialize(error) => PaymentError::Unexpected(error.to_string()),
        StripeError::UnsupportedVersion => {
            PaymentError::Unexpected("unsupported Stripe API version".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::stripe::RequestError;

    fn stripe_error(status: u16, error_type: ErrorType) -> StripeError {
        StripeError::Stripe(RequestError {
            http_status: status,
            error_type,
            message: Some("nope".into()),
            ..Default::default()
        })
    }

    #[test]
    fn statuses_decide_the_variant() {
        assert_eq!(
            from_stripe(stripe_error(401, ErrorType::InvalidRequest)),
            PaymentError::Unauthorized
        );
        assert_eq!(
            from_stripe(stripe_error(404, ErrorType::InvalidRequest)),
            PaymentError::NotFound
        );
        assert_eq!(
            from_stripe(stripe_error(400, ErrorType::IdempotencyError)),
            PaymentError::Rejected {
                message: "nope".into()
            }
        );
        assert!(from_stripe(stripe_error(503, ErrorType::Api)).is_retryable());
        assert!(from_stripe(stripe_error(429, ErrorType::RateLimit)).is_retryable());
        assert!(from_stripe(StripeError::ClientError("refused".into())).is_retryable());
        assert!(!from_stripe(stripe_error(400, ErrorType::InvalidRequest)).is_retryable());
    }
}
