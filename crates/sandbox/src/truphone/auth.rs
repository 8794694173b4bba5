//! The Keycloak token endpoint (`/auth/realms/tru-staff/protocol/openid-connect/token`):
//! form-encoded `client_credentials` and `refresh_token` grants, Keycloak-shaped answers and
//! errors (`{error, error_description}`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::assumed;
use super::state::{Shared, TokenPair};

/// A refused token request, in Keycloak's shape.
fn refusal(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

/// `POST …/openid-connect/token`.
#[tracing::instrument(skip_all)]
pub(crate) async fn token(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let Some(grant) = field("grant_type") else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing form parameter: grant_type",
        );
    };
    if !matches!(grant, "client_credentials" | "refresh_token") {
        return refusal(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant_type",
        );
    }
    let config = &shared.config;
    if field("client_id") != Some(config.client_id.as_str())
        || field("client_secret") != Some(config.client_secret.as_str())
    {
        return refusal(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client or Invalid client credentials",
        );
    }
    let (pair, ttl) = match grant {
        "refresh_token" => {
            let Some(refresh) = field("refresh_token") else {
                return refusal(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Missing parameter: refresh_token",
                );
            };
            match shared
                .with_world(|world, now| Some((world.refresh(refresh, now)?, world.token_ttl())))
            {
                Some(issued) => issued,
                None => {
                    return refusal(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "Token is not active",
                    )
                }
            }
        }
        _ => shared.with_world(|world, now| (world.issue_tokens(now), world.token_ttl())),
    };
    granted(pair, ttl)
}

fn granted(pair: TokenPair, ttl: i64) -> Response {
    Json(json!({
        "access_token": pair.access,
        "expires_in": ttl,
        "refresh_expires_in": assumed::REFRESH_TOKEN_TTL_SECS,
        "refresh_token": pair.refresh,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "scope": assumed::TOKEN_SCOPE,
    }))
    .into_response()
}
