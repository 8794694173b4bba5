//! HTTP to eSIMfx: base URL, timeout, the one-hour token (refreshed early and once on 401), envelopes.

use super::wire;
use crate::ProviderError;
use reqwest::{RequestBuilder, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use std::fmt;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Where eSIMfx is and who we are there.
#[derive(Clone)]
pub struct EsimfxConfig {
    /// The reseller's API domain, without a trailing slash.
    pub base_url: String,
    pub client_id: String,
    pub client_key: String,
    pub timeout: Duration,
}

impl fmt::Debug for EsimfxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EsimfxConfig")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Tokens live an hour; renewing a few minutes early avoids sending one that dies in flight.
const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

struct Token {
    value: String,
    refresh_at: Instant,
}

/// The eSIMfx reseller API client.
pub struct EsimfxClient {
    http: reqwest::Client,
    config: EsimfxConfig,
    token: Mutex<Option<Token>>,
}

impl EsimfxClient {
    pub fn new(mut config: EsimfxConfig) -> Result<Self, ProviderError> {
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        let http = crate::http::client(config.timeout)?;
        Ok(EsimfxClient {
            http,
            config,
            token: Mutex::new(None),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// A GET with query parameters and the bearer token.
    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ProviderError> {
        let url = format!("{}{path}", self.config.base_url);
        self.authorised(|token| self.http.get(&url).query(query).bearer_auth(token))
            .await
    }

    /// A JSON POST with the bearer token.
    pub(super) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ProviderError> {
        let url = format!("{}{path}", self.config.base_url);
        self.authorised(|token| self.http.post(&url).json(body).bearer_auth(token))
            .await
    }

    /// A JSON POST that creates something: carries the mandatory `X-Idempotency-Key`.
    pub(super) async fn post_idempotent<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: &str,
    ) -> Result<T, ProviderError> {
        let url = format!("{}{path}", self.config.base_url);
        self.authorised(|token| {
            self.http
                .post(&url)
                .json(body)
                .bearer_auth(token)
                .header("X-Idempotency-Key", idempotency_key)
        })
        .await
    }

    /// Sends with a valid token; on 401 the token is renewed and the request sent once more.
    async fn authorised<T: DeserializeOwned>(
        &self,
        build: impl Fn(&str) -> RequestBuilder,
    ) -> Result<T, ProviderError> {
        let token = self.token().await?;
        match execute(build(&token)).await {
            Err(ProviderError::Unauthorized) => {
                tracing::info!("eSIMfx refused the token; authenticating again");
                self.forget(&token).await;
                let token = self.token().await?;
                execute(build(&token)).await
            }
            other => other,
        }
    }

    async fn token(&self) -> Result<String, ProviderError> {
        let mut slot = self.token.lock().await;
        if let Some(token) = slot.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.value.clone());
        }
        let request = wire::AuthRequest {
            client_id: &self.config.client_id,
            client_key: &self.config.client_key,
        };
        let url = format!("{}/account/api/v1/auth", self.config.base_url);
        let auth: wire::AuthData = execute(self.http.post(url).json(&request)).await?;
        if auth.access_token.is_empty() {
            return Err(ProviderError::MalformedResponse {
                message: "auth returned an empty token".into(),
            });
        }
        let lifetime = auth
            .expires_in
            .map(Duration::from_secs)
            .unwrap_or(TOKEN_LIFETIME);
        let refresh_at = Instant::now() + lifetime.saturating_sub(REFRESH_MARGIN).max(lifetime / 2);
        *slot = Some(Token {
            value: auth.access_token.clone(),
            refresh_at,
        });
        Ok(auth.access_token)
    }

    /// Drops the cached token unless another request already replaced it.
    async fn forget(&self, stale: &str) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| t.value == stale) {
            *slot = None;
        }
    }
}

async fn execute<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ProviderError> {
    let response = request
        .send()
        .await
        .map_err(|e| ProviderError::from_transport(&e))?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response
        .bytes()
        .await
        .map_err(|e| ProviderError::from_transport(&e))?;
    decode(status, retry_after, &body)
}

/// Turns a status and body into data or a typed error; `code == 0` is the only success.
fn decode<T: DeserializeOwned>(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, ProviderError> {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(ProviderError::RateLimited { retry_after });
    }
    let envelope: wire::Envelope<serde_json::Value> = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(_) if status.is_server_error() => {
            return Err(ProviderError::Unavailable {
                status: Some(status.as_u16()),
                message: snippet(body),
            })
        }
        Err(_) if status == StatusCode::UNAUTHORIZED => return Err(ProviderError::Unauthorized),
        Err(e) => {
            return Err(ProviderError::MalformedResponse {
                message: format!("not an eSIMfx envelope ({e}): {}", snippet(body)),
            })
        }
    };
    if envelope.code != 0 {
        return Err(from_code(envelope.code, status, envelope.message));
    }
    if !status.is_success() {
        return Err(ProviderError::MalformedResponse {
            message: format!("HTTP {status} with code 0"),
        });
    }
    let data = envelope
        .data
        .ok_or_else(|| ProviderError::MalformedResponse {
            message: "success without data".into(),
        })?;
    serde_json::from_value(data).map_err(|e| ProviderError::MalformedResponse {
        message: format!("unexpected data: {e}"),
    })
}

/// eSIMfx publishes no code list; HTTP status and the codes seen in practice decide the variant.
fn from_code(code: i64, status: StatusCode, message: String) -> ProviderError {
    match (code, status.as_u16()) {
        (401, _) | (_, 401) | (_, 403) => ProviderError::Unauthorized,
        (404, _) | (_, 404) => ProviderError::NotFound { what: "resource" },
        (409, _) | (_, 409) => ProviderError::Conflict { message },
        (4221, _) => ProviderError::Incompatible { message },
        (4222, _) => ProviderError::NotAllowed { message },
        (4021, _) | (_, 402) => ProviderError::InsufficientBalance,
        (400, _) | (_, 400) | (_, 422) => ProviderError::Validation { message },
        (_, 500..=599) => ProviderError::Unavailable {
            status: Some(status.as_u16()),
            message,
        },
        (500..=599, _) => ProviderError::Unavailable {
            status: Some(status.as_u16()),
            message,
        },
        _ => ProviderError::Rejected { code, message },
    }
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_json(status: u16, body: &str) -> Result<serde_json::Value, ProviderError> {
        decode(StatusCode::from_u16(status).unwrap(), None, body.as_bytes())
    }

    #[test]
    fn success_needs_code_zero_and_data() {
        assert_eq!(
            decode_json(200, r#"{"code":0,"message":"Success","data":{"a":1}}"#).unwrap()["a"],
            1
        );
        assert!(matches!(
            decode_json(200, r#"{"code":0,"message":"Success"}"#),
            Err(ProviderError::MalformedResponse { .. })
        ));
        assert!(matches!(
            decode_json(200, r#"{"code":7,"message":"nope","data":{}}"#),
            Err(ProviderError::Rejected { code: 7, .. })
        ));
    }

    #[test]
    fn statuses_and_codes_map_to_variants() {
        let env = |code: i64| format!(r#"{{"code":{code},"message":"m","data":null}}"#);
        assert_eq!(
            decode_json(401, &env(401)),
            Err(ProviderError::Unauthorized)
        );
        assert_eq!(
            decode_json(401, "unauthorised"),
            Err(ProviderError::Unauthorized)
        );
        assert!(matches!(
            decode_json(404, &env(404)),
            Err(ProviderError::NotFound { .. })
        ));
        assert!(matches!(
            decode_json(409, &env(409)),
            Err(ProviderError::Conflict { .. })
        ));
        assert!(matches!(
            decode_json(422, &env(4221)),
            Err(ProviderError::Incompatible { .. })
        ));
        assert!(matches!(
            decode_json(422, &env(4222)),
            Err(ProviderError::NotAllowed { .. })
        ));
        assert_eq!(
            decode_json(402, &env(4021)),
            Err(ProviderError::InsufficientBalance)
        );
        assert!(matches!(
            decode_json(400, &env(400)),
            Err(ProviderError::Validation { .. })
        ));
        assert!(matches!(
            decode_json(503, &env(500)),
            Err(ProviderError::Unavailable {
                status: Some(503),
                ..
            })
        ));
        assert!(matches!(
            decode_json(502, "<html>bad gateway</html>"),
            Err(ProviderError::Unavailable { .. })
        ));
        assert!(matches!(
            decode_json(200, "{not json"),
            Err(ProviderError::MalformedResponse { .. })
        ));
        let limited = decode::<serde_json::Value>(
            StatusCode::TOO_MANY_REQUESTS,
            Some(Duration::from_secs(3)),
            b"",
        );
        assert_eq!(
            limited,
            Err(ProviderError::RateLimited {
                retry_after: Some(Duration::from_secs(3))
            })
        );
    }

    #[test]
    fn retryable_errors_are_the_transient_ones() {
        assert!(decode_json(503, "").unwrap_err().is_retryable());
        assert!(decode_json(200, "{").unwrap_err().is_retryable());
        assert!(!decode_json(404, r#"{"code":404,"message":"m"}"#)
            .unwrap_err()
            .is_retryable());
        assert!(!decode_json(422, r#"{"code":4222,"message":"m"}"#)
            .unwrap_err()
            .is_retryable());
        assert!(!ProviderError::Unsupported { what: "top-ups" }.is_retryable());
    }
}
