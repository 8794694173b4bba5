//! HTTP to eSIM Go: base URL (with `/v2.4`), timeout, the static `X-API-Key`, and failed
//! responses read into [`EsimGoError`].

use std::fmt;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{snippet, EsimGoError};
use crate::ProviderError;

/// Where eSIM Go is and who we are there.
#[derive(Clone)]
pub struct EsimGoConfig {
    /// The API base including its version, `https://api.esim-go.com/v2.4`, no trailing slash.
    pub base_url: String,
    /// The organisation's API key, sent as `X-API-Key`.
    pub api_key: String,
    pub timeout: Duration,
}

impl fmt::Debug for EsimGoConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EsimGoConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The eSIM Go v2.4 API client.
pub struct EsimGoClient {
    http: reqwest::Client,
    config: EsimGoConfig,
}

/// A successful answer: its content type and body.
pub(crate) struct Raw {
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
}

/// One path segment, percent-encoded (bundle names and references go into paths).
pub(crate) fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl EsimGoClient {
    pub fn new(mut config: EsimGoConfig) -> Result<Self, ProviderError> {
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        let http = crate::http::client(config.timeout)?;
        Ok(EsimGoClient { http, config })
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.config.base_url))
            .header("X-API-Key", &self.config.api_key)
    }

    /// A GET answered with JSON.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ProviderError> {
        let raw = execute(
            self.request(Method::GET, path)
                .query(query)
                .header(ACCEPT, "application/json"),
        )
        .await?;
        json(&raw)
    }

    /// A GET whose answer may be JSON, CSV or ZIP; `Accept` asks for `accept`.
    pub(crate) async fn get_raw(
        &self,
        path: &str,
        query: &[(&str, &str)],
        accept: &str,
    ) -> Result<Raw, ProviderError> {
        execute(
            self.request(Method::GET, path)
                .query(query)
                .header(ACCEPT, accept),
        )
        .await
    }

    /// A JSON request (POST, PUT) answered with JSON.
    pub(crate) async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, ProviderError> {
        let raw = execute(
            self.request(method, path)
                .json(body)
                .header(ACCEPT, "application/json"),
        )
        .await?;
        json(&raw)
    }

    /// A DELETE answered with JSON.
    pub(crate) async fn delete<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ProviderError> {
        let raw = execute(
            self.request(Method::DELETE, path)
                .query(query)
                .header(ACCEPT, "application/json"),
        )
        .await?;
        json(&raw)
    }
}

async fn execute(request: RequestBuilder) -> Result<Raw, ProviderError> {
    let response = request
        .send()
        .await
        .map_err(|e| ProviderError::from_transport(&e))?;
    let status = response.status();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_after = header(RETRY_AFTER)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let content_type = header(CONTENT_TYPE).unwrap_or_default();
    let body = response
        .bytes()
        .await
        .map_err(|e| ProviderError::from_transport(&e))?
        .to_vec();
    if !status.is_success() {
        return Err(EsimGoError::from_response(status, retry_after, &body).into());
    }
    Ok(Raw { content_type, body })
}

fn json<T: DeserializeOwned>(raw: &Raw) -> Result<T, ProviderError> {
    serde_json::from_slice(&raw.body).map_err(|e| ProviderError::MalformedResponse {
        message: format!("unexpected eSIM Go answer ({e}): {}", snippet(&raw.body)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(segment("esim_1GB_7D_GB_V2"), "esim_1GB_7D_GB_V2");
        assert_eq!(segment("a b/c?d"), "a%20b%2Fc%3Fd");
    }

    #[test]
    fn the_api_key_never_reaches_the_debug_output() {
        let config = EsimGoConfig {
            base_url: "https://api.esim-go.com/v2.4".into(),
            api_key: "secret-key".into(),
            timeout: Duration::from_secs(5),
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("secret-key") && shown.contains("redacted"));
    }
}
