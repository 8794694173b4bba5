//! HTTP to the Connect API: base URL and timeout, bearer tokens (renewed once on 401), the
//! mandatory `X-Correlation-ID` on every call (logged, since Truphone support asks for it),
//! and error bodies turned into typed errors.

use super::assumed;
use super::auth::Tokens;
use super::error_code::decode;
use crate::ProviderError;
use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The device type sent with orders unless configured otherwise.
pub const DEFAULT_DEVICE_TYPE: &str = "ios";

/// Device types Truphone accepts on a NEW_ESIM order (a TOPUP takes only `ios`/`android`).
pub(super) const DEVICE_TYPES: [&str; 3] = ["ios", "android", "iot"];

/// How Tern proves who it is to Truphone.
#[derive(Clone)]
pub enum TruphoneAuth {
    /// A bearer token issued out of band; a 401 is final.
    Token(String),
    /// Keycloak client credentials, exchanged at `token_url` for five-minute tokens.
    ClientCredentials {
        token_url: String,
        client_id: String,
        client_secret: String,
    },
}

impl fmt::Debug for TruphoneAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TruphoneAuth::Token(_) => f.debug_tuple("Token").field(&"<redacted>").finish(),
            TruphoneAuth::ClientCredentials {
                token_url,
                client_id,
                ..
            } => f
                .debug_struct("ClientCredentials")
                .field("token_url", token_url)
                .field("client_id", client_id)
                .field("client_secret", &"<redacted>")
                .finish(),
        }
    }
}

/// Where Truphone is and who we are there.
#[derive(Debug, Clone)]
pub struct TruphoneConfig {
    /// `https://services.truphone.com/esim` (or `/connect-api`), without a trailing slash;
    /// API paths (`/v1/...`) hang off it.
    pub base_url: String,
    pub auth: TruphoneAuth,
    pub timeout: Duration,
    /// `device.type` on orders: `ios`, `android` or `iot`.
    pub device_type: String,
}

/// The production base URL (the seed's name for it).
pub const PRODUCTION_BASE_URL: &str = "https://services.truphone.com/esim";

impl TruphoneConfig {
    /// A configuration with a 30 s timeout and [`DEFAULT_DEVICE_TYPE`].
    pub fn new(base_url: impl Into<String>, auth: TruphoneAuth) -> Self {
        TruphoneConfig {
            base_url: base_url.into(),
            auth,
            timeout: Duration::from_secs(30),
            device_type: DEFAULT_DEVICE_TYPE.to_owned(),
        }
    }
}

/// Production, a 30 s timeout, [`DEFAULT_DEVICE_TYPE`], and no credentials yet (an empty
/// static token, which Truphone refuses): set `auth` before use.
impl Default for TruphoneConfig {
    fn default() -> Self {
        TruphoneConfig::new(PRODUCTION_BASE_URL, TruphoneAuth::Token(String::new()))
    }
}

/// What a call is part of, for its `X-Correlation-ID`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Correlation<'a> {
    /// An order call: `{idempotency_key}.{n}`, so Truphone support can find every call of it.
    Order(&'a str),
    /// Anything else: a random id.
    Other,
}

/// The Truphone Connect API v1 client.
pub struct TruphoneClient {
    http: reqwest::Client,
    config: TruphoneConfig,
    tokens: Tokens,
    calls: AtomicU64,
}

impl TruphoneClient {
    pub fn new(mut config: TruphoneConfig) -> Result<Self, ProviderError> {
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        if !DEVICE_TYPES.contains(&config.device_type.as_str()) {
            return Err(ProviderError::Validation {
                message: format!(
                    "device type {:?} must be one of {}",
                    config.device_type,
                    DEVICE_TYPES.join(", ")
                ),
            });
        }
        let http = crate::http::client(config.timeout)?;
        Ok(TruphoneClient {
            http,
            tokens: Tokens::new(config.auth.clone()),
            config,
            calls: AtomicU64::new(0),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    pub(super) fn device_type(&self) -> &str {
        &self.config.device_type
    }

    /// A GET answered with JSON.
    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        correlation: Correlation<'_>,
    ) -> Result<T, ProviderError> {
        self.call(Method::GET, path, query, None, correlation)
            .await
            .map(|(body, _)| body)
    }

    /// A GET of one page of a list, with the `X-Next-Page` header when more follow.
    pub(super) async fn get_page<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        correlation: Correlation<'_>,
    ) -> Result<(T, Option<String>), ProviderError> {
        self.call(Method::GET, path, query, None, correlation).await
    }

    /// A JSON POST.
    pub(super) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        correlation: Correlation<'_>,
    ) -> Result<T, ProviderError> {
        let body = serde_json::to_vec(body).map_err(|e| ProviderError::Validation {
            message: format!("cannot encode the request: {e}"),
        })?;
        self.call(Method::POST, path, &[], Some(body), correlation)
            .await
            .map(|(body, _)| body)
    }

    /// Sends with a live token; a 401 gets a new token and one more try (client credentials).
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Vec<u8>>,
        correlation: Correlation<'_>,
    ) -> Result<(T, Option<String>), ProviderError> {
        let token = self.tokens.bearer(&self.http).await?;
        let first = self
            .attempt(&method, path, query, body.clone(), &token, correlation)
            .await;
        match first {
            Err(ProviderError::Unauthorized) if self.tokens.renewable() => {
                tracing::info!("Truphone refused the access token; authenticating again");
                self.tokens.forget(&token).await;
                let token = self.tokens.bearer(&self.http).await?;
                self.attempt(&method, path, query, body, &token, correlation)
                    .await
            }
            other => other,
        }
    }

    async fn attempt<T: DeserializeOwned>(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Vec<u8>>,
        token: &str,
        correlation: Correlation<'_>,
    ) -> Result<(T, Option<String>), ProviderError> {
        let correlation_id = self.correlation_id(correlation);
        tracing::info!(%correlation_id, %method, path, "calling Truphone");
        let url = format!("{}{path}", self.config.base_url);
        let mut request = self
            .http
            .request(method.clone(), url)
            .query(query)
            .bearer_auth(token)
            .header(CONTENT_TYPE, "application/json")
            .header("X-Correlation-ID", &correlation_id);
        if let Some(body) = body {
            request = request.body(body);
        }
        let result = async {
            let response = request
                .send()
                .await
                .map_err(|e| ProviderError::from_transport(&e))?;
            let status = response.status();
            let next_page = response
                .headers()
                .get(assumed::NEXT_PAGE_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let bytes = response
                .bytes()
                .await
                .map_err(|e| ProviderError::from_transport(&e))?;
            decode(status, &bytes).map(|body| (body, next_page))
        }
        .await;
        if let Err(error) = &result {
            tracing::warn!(%correlation_id, %method, path, %error, "Truphone call failed");
        }
        result
    }

    fn correlation_id(&self, correlation: Correlation<'_>) -> String {
        let n = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        match correlation {
            Correlation::Order(key) => format!("{key}.{n}"),
            Correlation::Other => random_id(n),
        }
    }
}

/// A random UUID-shaped id; std's randomly keyed SipHash is random enough for tracing.
fn random_id(salt: u64) -> String {
    let mut words = [0u64; 2];
    for (i, word) in words.iter_mut().enumerate() {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_usize(i);
        *word = hasher.finish();
    }
    let [hi, lo] = words;
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xfff,
        ((lo >> 48) & 0x3fff) | 0x8000,
        lo & 0xffff_ffff_ffff
    )
}

/// Percent-encodes one path segment (ids come from upstream and from Tern's database).
pub(super) fn segment(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(auth: TruphoneAuth) -> TruphoneConfig {
        TruphoneConfig::new("https://services.truphone.com/esim/", auth)
    }

    #[test]
    fn secrets_never_reach_debug_output() {
        let static_token = format!("{:?}", config(TruphoneAuth::Token("eyJ-secret".into())));
        assert!(!static_token.contains("eyJ-secret"), "{static_token}");
        let credentials = format!(
            "{:?}",
            config(TruphoneAuth::ClientCredentials {
                token_url: "https://t".into(),
                client_id: "tern".into(),
                client_secret: "hunter2".into(),
            })
        );
        assert!(!credentials.contains("hunter2"), "{credentials}");
        assert!(credentials.contains("tern"));
    }

    #[test]
    fn the_base_url_loses_its_slash_and_device_types_are_checked() {
        let client = TruphoneClient::new(config(TruphoneAuth::Token("t".into()))).unwrap();
        assert_eq!(client.base_url(), "https://services.truphone.com/esim");
        let mut bad = config(TruphoneAuth::Token("t".into()));
        bad.device_type = "windows".into();
        assert!(matches!(
            TruphoneClient::new(bad).err(),
            Some(ProviderError::Validation { .. })
        ));
    }

    #[test]
    fn order_calls_carry_the_key_and_others_a_fresh_random_id() {
        let client = TruphoneClient::new(config(TruphoneAuth::Token("t".into()))).unwrap();
        assert_eq!(
            client.correlation_id(Correlation::Order("tern-o1")),
            "tern-o1.1"
        );
        assert_eq!(
            client.correlation_id(Correlation::Order("tern-o1")),
            "tern-o1.2"
        );
        let a = client.correlation_id(Correlation::Other);
        let b = client.correlation_id(Correlation::Other);
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(segment("a3m1v000000gIAK"), "a3m1v000000gIAK");
        assert_eq!(segment("a/b c"), "a%2Fb%20c");
    }
}
