//! HTTP to FMS: base URL, timeout, the `{code, data, message}` envelope, and calls made with or
//! without a user's token.

use super::codes::FmsCode;
use super::mapping::MccTable;
use super::memory::OrderMemory;
use super::session::Sessions;
use super::{assumed, wire};
use crate::ProviderError;
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// Where FMS is, who Tern is there, and how Tern's travellers become FMS users.
#[derive(Clone)]
pub struct FmsConfig {
    /// FMS's API root with its context path (ASSUMED `https://<host>/fms`), no trailing slash.
    pub base_url: String,
    /// The enterprise code, `P` followed by six digits.
    pub partner_code: String,
    /// Derives every traveller's FMS password, so Tern stores no password per traveller.
    pub password_secret: String,
    /// The secret before the last rotation: a traveller still on the old password is moved to
    /// the new one on their next login (`/user/passwordReset`).
    pub previous_password_secret: Option<String>,
    /// The FMS user (an address Tern owns) the adapter signs in as for after-sale lookups that
    /// name no traveller; registered on first use like a traveller.
    pub operator_email: String,
    /// FMS names countries by MCC; packages covering an MCC missing here are rejected.
    pub mcc_countries: MccTable,
    pub timeout: Duration,
}

impl fmt::Debug for FmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FmsConfig")
            .field("base_url", &self.base_url)
            .field("partner_code", &self.partner_code)
            .field("password_secret", &"<redacted>")
            .field(
                "previous_password_secret",
                &self.previous_password_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("operator_email", &self.operator_email)
            .field("mcc_countries", &self.mcc_countries.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The FMS APP API client.
pub struct FmsClient {
    http: reqwest::Client,
    pub(super) config: FmsConfig,
    pub(super) sessions: Sessions,
    pub(super) memory: OrderMemory,
}

/// Why an FMS call did not succeed: a result code the caller may act on, or a failure that is
/// already typed (transport, HTTP status, unreadable body).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum CallError {
    Fms { code: FmsCode, message: String },
    Provider(ProviderError),
}

impl CallError {
    /// Whether FMS answered with this code.
    pub(super) fn is(&self, code: FmsCode) -> bool {
        matches!(self, CallError::Fms { code: c, .. } if *c == code)
    }
}

impl From<CallError> for ProviderError {
    fn from(error: CallError) -> Self {
        match error {
            CallError::Fms { code, message } => code.into_error(&message),
            CallError::Provider(error) => error,
        }
    }
}

impl From<ProviderError> for CallError {
    fn from(error: ProviderError) -> Self {
        CallError::Provider(error)
    }
}

/// A successful answer: its `data` and any token in the response header.
#[derive(Debug)]
pub(super) struct Reply {
    pub(super) header_token: Option<String>,
    pub(super) data: Value,
}

impl FmsClient {
    pub fn new(mut config: FmsConfig) -> Result<Self, ProviderError> {
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        let invalid = |message: String| ProviderError::Validation { message };
        if !config.base_url.starts_with("http") {
            return Err(invalid(format!(
                "FMS base URL {:?} is not like {}",
                config.base_url,
                assumed::BASE_URL_HINT
            )));
        }
        if config.password_secret.is_empty() || config.operator_email.trim().is_empty() {
            return Err(invalid(
                "FMS needs a password secret and an operator email".into(),
            ));
        }
        let http = crate::http::client(config.timeout)?;
        Ok(FmsClient {
            http,
            config,
            sessions: Sessions::default(),
            memory: OrderMemory::default(),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url)
    }

    /// A JSON POST with no token (catalogue, users, the payment notification).
    pub(super) async fn post_open<B: Serialize>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<Reply, CallError> {
        execute(self.http.post(self.url(path)).json(body)).await
    }

    /// A GET with query parameters and no token (`detail`).
    pub(super) async fn get_open(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Reply, CallError> {
        execute(self.http.get(self.url(path)).query(query)).await
    }

    /// A JSON POST carrying `token`.
    pub(super) async fn post_with_token<B: Serialize>(
        &self,
        path: &str,
        body: &B,
        token: &str,
    ) -> Result<Reply, CallError> {
        execute(
            self.http
                .post(self.url(path))
                .header(assumed::TOKEN_HEADER, token)
                .json(body),
        )
        .await
    }

    /// A JSON POST as the user `email`: logs in when needed, and once more when FMS answers
    /// code 7 (a token expired or revoked early).
    pub(super) async fn post_as<B: Serialize>(
        &self,
        email: &str,
        path: &str,
        body: &B,
    ) -> Result<Value, CallError> {
        let token = self.token_for(email).await?;
        match self.post_with_token(path, body, &token).await {
            Err(error) if error.is(FmsCode::TokenInvalid) => {
                tracing::info!("FMS refused the token; logging in again");
                self.sessions.forget(email, &token);
                let token = self.token_for(email).await?;
                Ok(self.post_with_token(path, body, &token).await?.data)
            }
            other => Ok(other?.data),
        }
    }
}

/// Reads `data` as `T`; a shape FMS did not promise is a malformed response.
pub(super) fn parse<T: DeserializeOwned>(data: Value, what: &str) -> Result<T, ProviderError> {
    serde_json::from_value(data).map_err(|e| ProviderError::MalformedResponse {
        message: format!("unexpected {what}: {e}"),
    })
}

async fn execute(request: RequestBuilder) -> Result<Reply, CallError> {
    let response = request
        .send()
        .await
        .map_err(|e| ProviderError::from_transport(&e))?;
    let status = response.status();
    let header_token = response
        .headers()
        .get(assumed::TOKEN_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .map(str::to_owned);
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response
        .bytes()
        .await
        .map_err(|e| ProviderError::from_transport(&e))?;
    let data = decode(status, retry_after, &body)?;
    Ok(Reply { header_token, data })
}

/// Turns a status and body into `data` (possibly null) or an error; `code == 0` is the only
/// success, and FMS sends its codes with HTTP 200 (ASSUMED).
fn decode(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<Value, CallError> {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(ProviderError::RateLimited { retry_after }.into());
    }
    let envelope: wire::Envelope = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(_) if status.is_server_error() => {
            return Err(ProviderError::Unavailable {
                status: Some(status.as_u16()),
                message: snippet(body),
            }
            .into())
        }
        Err(_) if matches!(status.as_u16(), 401 | 403) => {
            return Err(ProviderError::Unauthorized.into())
        }
        Err(e) => {
            return Err(ProviderError::MalformedResponse {
                message: format!(
                    "not an FMS envelope (HTTP {status}, {e}): {}",
                    snippet(body)
                ),
            }
            .into())
        }
    };
    if envelope.code != 0 {
        return Err(CallError::Fms {
            code: FmsCode::from_code(envelope.code),
            message: envelope.message.unwrap_or_default(),
        });
    }
    if !status.is_success() {
        return Err(ProviderError::MalformedResponse {
            message: format!("HTTP {status} with code 0"),
        }
        .into());
    }
    Ok(envelope.data)
}

fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_json(status: u16, body: &str) -> Result<Value, CallError> {
        decode(StatusCode::from_u16(status).unwrap(), None, body.as_bytes())
    }

    #[test]
    fn success_is_code_zero_and_data_may_be_null() {
        let ok = r#"{"code":0,"data":{"a":1},"message":"success","messageSourceHandler":{}}"#;
        assert_eq!(decode_json(200, ok).unwrap()["a"], 1);
        assert_eq!(
            decode_json(200, r#"{"code":0,"message":"success"}"#).unwrap(),
            Value::Null
        );
    }

    #[test]
    fn codes_come_back_typed() {
        // The documented webhook errors (notes §2.4).
        assert_eq!(
            decode_json(
                200,
                r#"{ "code": 6006, "data": null, "message": "PreOrder Timeout" }"#
            ),
            Err(CallError::Fms {
                code: FmsCode::PreOrderTimeout,
                message: "PreOrder Timeout".into()
            })
        );
        let missing = decode_json(
            200,
            r#"{ "code": 10008, "data": null, "message": "paypal The callback has no order number" }"#,
        )
        .unwrap_err();
        assert!(missing.is(FmsCode::OrderNotFound));
        assert_eq!(
            ProviderError::from(missing),
            ProviderError::NotFound { what: "order" }
        );
        assert!(decode_json(200, r#"{"code":7}"#)
            .unwrap_err()
            .is(FmsCode::TokenInvalid));
    }

    #[test]
    fn http_trouble_is_typed() {
        let provider = |result: Result<Value, CallError>| ProviderError::from(result.unwrap_err());
        let spring = r#"{"timestamp":"2022-04-14T10:00:00.000+00:00","status":503,"error":"Service Unavailable","path":"/fms/package/detail"}"#;
        assert!(matches!(
            provider(decode_json(503, spring)),
            ProviderError::Unavailable {
                status: Some(503),
                ..
            }
        ));
        assert!(matches!(
            provider(decode_json(502, "<html>bad gateway</html>")),
            ProviderError::Unavailable { .. }
        ));
        assert_eq!(
            provider(decode_json(401, "denied")),
            ProviderError::Unauthorized
        );
        assert!(matches!(
            provider(decode_json(200, r#"{"code":0,"data":{"orderId":"#)),
            ProviderError::MalformedResponse { .. }
        ));
        assert!(matches!(
            provider(decode_json(404, spring)),
            ProviderError::MalformedResponse { .. }
        ));
        assert!(matches!(
            provider(decode_json(400, r#"{"code":0,"data":{}}"#)),
            ProviderError::MalformedResponse { .. }
        ));
        assert_eq!(
            provider(decode(
                StatusCode::TOO_MANY_REQUESTS,
                Some(Duration::from_secs(2)),
                b""
            )),
            ProviderError::RateLimited {
                retry_after: Some(Duration::from_secs(2))
            }
        );
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let config = FmsConfig {
            base_url: "https://fms.example/fms".into(),
            partner_code: "P001101".into(),
            password_secret: "s3cret-now".into(),
            previous_password_secret: Some("s3cret-before".into()),
            operator_email: "ops@tern.example".into(),
            mcc_countries: MccTable::new(),
            timeout: Duration::from_secs(5),
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("P001101"));
        assert!(FmsClient::new(config.clone()).is_ok());
        let mut relative = config;
        relative.base_url = "/fms".into();
        assert!(matches!(
            FmsClient::new(relative),
            Err(ProviderError::Validation { .. })
        ));
    }
}
