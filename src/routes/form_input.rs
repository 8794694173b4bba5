//! Text the shop stores must be storable: PostgreSQL refuses a NUL character in text, so a form
//! field, query or path carrying one would fail deep inside a query as a server error. Such
//! requests are refused at the door with 400 instead; nothing a person types contains NUL.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const REFUSED: &str = "Text may not contain NUL characters.";

pub async fn refuse_nul(request: Request, next: Next) -> Response {
    if carries_nul(request.uri().to_string().as_bytes()) {
        return (StatusCode::BAD_REQUEST, REFUSED).into_response();
    }
    if !is_form(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    // The body limit layer outside this one has already bounded the size.
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response(),
    };
    if carries_nul(&bytes) {
        return (StatusCode::BAD_REQUEST, REFUSED).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn is_form(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"))
}

/// A raw NUL byte, or one percent-encoded.
fn carries_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes
            .windows(3)
            .any(|window| window[0] == b'%' && window[1] == b'0' && window[2] == b'0')
}

#[cfg(test)]
mod tests {
    use super::carries_nul;

    #[test]
    fn finds_nul_raw_or_encoded_only() {
        assert!(carries_nul(b"label=a%00b"));
        assert!(carries_nul(b"label=a\0b"));
        assert!(
            !carries_nul(b"label=a%2500b"),
            "an encoded percent sign then 00"
        );
        assert!(!carries_nul(b"label=100%25&n=0"));
    }
}
