//! Provider failures as typed variants, so callers decide to retry, refund or tell the traveller.

use std::time::Duration;

/// Everything that can go wrong talking to a provider.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    #[error("the provider refused our credentials")]
    Unauthorized,
    #[error("the provider does not know this {what}")]
    NotFound { what: &'static str },
    #[error("the provider rejected the request as invalid: {message}")]
    Validation { message: String },
    #[error("the idempotency key was already used for a different request: {message}")]
    Conflict { message: String },
    #[error("the product cannot be added to this eSIM: {message}")]
    Incompatible { message: String },
    #[error("the reseller balance at the provider is too low")]
    InsufficientBalance,
    #[error("the provider refused the request (code {code}): {message}")]
    Rejected { code: i64, message: String },
    /// A refusal with a named error code (Truphone's `type`, e.g. `CUSTOMER_MUST_EXIST`).
    #[error("the provider refused the request ({code}): {message}")]
    Refused { code: String, message: String },
    /// Still working on it ("503 processing" with `Retry-After`): ask again later.
    #[error("the provider is still processing; ask again later")]
    Busy { retry_after: Option<Duration> },
    #[error("the provider is rate limiting us")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the provider is unavailable (HTTP {status:?}): {message}")]
    Unavailable {
        status: Option<u16>,
        message: String,
    },
    #[error("the provider did not answer in time")]
    Timeout,
    #[error("the provider sent a response we could not understand: {message}")]
    MalformedResponse { message: String },
    /// The provider refuses this change in the current state, e.g. terminating a package that
    /// has already ended (eSIMfx code 4222). Asking again will not help.
    #[error("the provider does not allow this now: {message}")]
    NotAllowed { message: String },
    /// The adapter does not offer this capability; see [`crate::Capabilities`].
    #[error("the provider does not support {what}")]
    Unsupported { what: &'static str },
}

impl ProviderError {
    /// Whether the same request may succeed if sent again later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Busy { .. }
                | ProviderError::Unavailable { .. }
                | ProviderError::Timeout
                | ProviderError::MalformedResponse { .. }
        )
    }

    /// Classifies a transport-level failure from reqwest.
    pub fn from_transport(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            ProviderError::Timeout
        } else {
            ProviderError::Unavailable {
                status: error.status().map(|s| s.as_u16()),
                message: error.to_string(),
            }
        }
    }
}
