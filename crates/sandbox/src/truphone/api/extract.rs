//! Request extractors: the bearer token and the mandatory `X-Correlation-ID` on every API
//! call, and query parameters, each refused in Truphone's error shape.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Query};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::truphone::state::Shared;
use crate::truphone::wire::ApiError;

/// A call with a live access token and a correlation id (noted for tests to read).
#[derive(Debug)]
pub(crate) struct Call;

impl FromRequestParts<Arc<Shared>> for Call {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, ApiError> {
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let token = header(AUTHORIZATION.as_str())
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .ok_or_else(|| ApiError::unauthorised("a bearer token is required"))?;
        let correlation = header("x-correlation-id");
        shared.with_world(|world, now| {
            if !world.token_valid(token, now) {
                return Err(ApiError::unauthorised(
                    "the access token is invalid or expired",
                ));
            }
            let id = correlation
                .ok_or_else(|| ApiError::invalid_one("the X-Correlation-ID header is mandatory"))?;
            world.note_correlation(id);
            Ok(Call)
        })
    }
}

/// Query-string parameters.
#[derive(Debug, Default)]
pub(crate) struct Params(pub(crate) HashMap<String, String>);

impl Params {
    /// A non-blank parameter.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map(|Query(map)| Params(map))
            .map_err(|e| ApiError::invalid_one(format!("malformed query string: {e}")))
    }
}
