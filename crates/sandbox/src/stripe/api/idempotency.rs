//! Stripe's `Idempotency-Key` on POST requests: the same key with the same body replays the
//! stored response; with a different body (or path) it is a 400 `idempotency_error`; while
//! the first request runs, a second one gets 409.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::stripe::state::Shared;
use crate::stripe::wire::ApiError;

/// Largest request or response body the store keeps.
const BODY_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    path: String,
    body: Bytes,
}

#[derive(Debug)]
enum Entry {
    InFlight(Fingerprint),
    Done {
        fingerprint: Fingerprint,
        status: StatusCode,
        body: Bytes,
    },
}

/// Stored responses by idempotency key.
#[derive(Debug, Default)]
pub(crate) struct Replays {
    entries: Mutex<HashMap<String, Entry>>,
}

enum Begin {
    New,
    Replay(StatusCode, Bytes),
    Mismatch,
    InFlight,
}

impl Replays {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn begin(&self, key: &str, fingerprint: Fingerprint) -> Begin {
        let mut entries = self.lock();
        match entries.get(key) {
            None => {
                entries.insert(key.to_owned(), Entry::InFlight(fingerprint));
                Begin::New
            }
            Some(Entry::InFlight(_)) => Begin::InFlight,
            Some(Entry::Done {
                fingerprint: stored,
                status,
                body,
            }) if *stored == fingerprint => Begin::Replay(*status, body.clone()),
            Some(Entry::Done { .. }) => Begin::Mismatch,
        }
    }

    /// Keeps the response for replay, or forgets the key when Stripe would not have saved it
    /// (validation and authentication failures).
    fn finish(&self, key: &str, status: StatusCode, body: Bytes) {
        let mut entries = self.lock();
        let keep = status.is_success() || status.is_server_error() || status.as_u16() == 402;
        match entries.remove(key) {
            Some(Entry::InFlight(fingerprint)) if keep => {
                entries.insert(
                    key.to_owned(),
                    Entry::Done {
                        fingerprint,
                        status,
                        body,
                    },
                );
            }
            _ => {}
        }
    }
}

fn json_response(status: StatusCode, body: Bytes) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The middleware; requests without a key, and non-POST requests, pass straight through.
pub(crate) async fn replay(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let key = request
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let Some(key) = key.filter(|_| request.method() == Method::POST) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, BODY_LIMIT).await else {
        return ApiError::invalid("The request body is too large.").into_response();
    };
    let fingerprint = Fingerprint {
        path: parts.uri.path().to_owned(),
        body: body.clone(),
    };
    match shared.replays.begin(&key, fingerprint) {
        Begin::Replay(status, stored) => {
            shared.counters.replays.fetch_add(1, Ordering::Relaxed);
            let mut response = json_response(status, stored);
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
        Begin::Mismatch => ApiError::idempotency(
            StatusCode::BAD_REQUEST,
            format!(
                "Keys for idempotent requests can only be used with the same parameters they \
                 were first used with. Try using a key other than '{key}' if you meant to \
                 execute a different request."
            ),
        )
        .into_response(),
        Begin::InFlight => ApiError::idempotency(
            StatusCode::CONFLICT,
            "There is currently another in-progress request using this Idempotent Key (that \
             probably means you submitted twice, and the other request is still going \
             through): please try again later.",
        )
        .code("idempotency_key_in_use")
        .into_response(),
        Begin::New => {
            let response = next.run(Request::from_parts(parts, Body::from(body))).await;
            let status = response.status();
            let (parts, body) = response.into_parts();
            match to_bytes(body, BODY_LIMIT).await {
                Ok(bytes) => {
                    shared.replays.finish(&key, status, bytes.clone());
                    Response::from_parts(parts, Body::from(bytes))
                }
                Err(_) => {
                    shared
                        .replays
                        .finish(&key, StatusCode::BAD_REQUEST, Bytes::new());
                    StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
            }
        }
    }
}
