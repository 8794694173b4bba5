//! The one error type of every gateway call, with Stripe's failures sorted by what to do next.

/// Why a gateway call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The webhook's signature does not match the body, or its timestamp is outside the
    /// five-minute tolerance.
    #[error("the webhook signature is invalid or too old")]
    InvalidSignature,
    /// The webhook was signed correctly but its body is not an event we can read.
    #[error("the webhook payload could not be read: {0}")]
    InvalidPayload(String),
    /// Stripe has no such object (or the id cannot be one).
    #[error("Stripe has no such object")]
    NotFound,
    /// Stripe refused the API key.
    #[error("Stripe refused the API key")]
    Unauthorized,
    /// Stripe refused the request as made (bad parameters, over-refund, reused idempotency key).
    #[error("Stripe rejected the request: {message}")]
    Rejected {
        /// Stripe's message, safe to log; not meant for buyers.
        message: String,
    },
    /// Stripe asked us to slow down.
    #[error("Stripe is rate limiting requests")]
    RateLimited,
    /// Stripe did not answer within the gateway's timeout.
    #[error("Stripe did not answer in time")]
    Timeout,
    /// Stripe could not be reached or failed on its side.
    #[error("Stripe is unavailable: {0}")]
    Unavailable(String),
    /// Stripe answered with something we could not read.
    #[error("unexpected answer from Stripe: {0}")]
    Unexpected(String),
}

impl PaymentError {
    /// Whether the same call (with the same idempotency key) may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            PaymentError::RateLimited | PaymentError::Timeout | PaymentError::Unavailable(_)
        )
    }
}
