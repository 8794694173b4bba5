//! `Authorization: Bearer sk_test_…`: only the sandbox's secret key is accepted, and refusals
//! read like Stripe's.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::stripe::state::Shared;
use crate::stripe::wire::ApiError;
use crate::stripe::SANDBOX_SECRET_KEY;

const NO_KEY: &str = "You did not provide an API key. You need to provide your API key in the \
     Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). \
     See https://stripe.com/docs/api#authentication for details, or we can help at \
     https://support.stripe.com/.";

/// Shows a key's kind and last four characters, as Stripe's error messages do.
fn redact(key: &str) -> String {
    let kind_end = key
        .match_indices('_')
        .nth(1)
        .map(|(i, _)| i + 1)
        .unwrap_or(0);
    let tail_start = key.len().saturating_sub(4).max(kind_end);
    let stars = "*".repeat(tail_start - kind_end);
    format!(
        "{}{stars}{}",
        key.get(..kind_end).unwrap_or(""),
        key.get(tail_start..).unwrap_or("")
    )
}

/// Counts the call and refuses it with 401 unless it carries the sandbox key.
pub(crate) async fn require_key(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    shared.counters.api_calls.fetch_add(1, Ordering::Relaxed);
    let refusal = match request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        None => Some(NO_KEY.to_owned()),
        Some(value) => match value.strip_prefix("Bearer ") {
            Some(key) if key.trim() == SANDBOX_SECRET_KEY => None,
            Some(key) => Some(format!("Invalid API Key provided: {}", redact(key.trim()))),
            None => Some(NO_KEY.to_owned()),
        },
    };
    match refusal {
        None => next.run(request).await,
        Some(message) => {
            shared.counters.unauthorized.fetch_add(1, Ordering::Relaxed);
            ApiError::unauthorized(message).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_like_stripe() {
        assert_eq!(redact("sk_test_abcdefgh1234"), "sk_test_********1234");
        assert_eq!(redact("sk_live_12"), "sk_live_12");
        assert_eq!(redact("nonsense"), "****ense");
    }
}
