//! Test harness: a spawned sandbox, an authenticated client and small JSON helpers.

use reqwest::StatusCode;
use sandbox::esimfx::{
    EsimfxSandbox, EsimfxSandboxConfig, RunningSandbox, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_KEY,
};
use serde_json::{json, Value};

pub const GIB: u64 = 1 << 30;

/// A running sandbox with a token already issued.
pub struct Harness {
    pub running: RunningSandbox,
    pub http: reqwest::Client,
    pub token: String,
}

impl Harness {
    pub async fn start() -> Self {
        Self::with_config(EsimfxSandboxConfig::default()).await
    }

    pub async fn with_config(config: EsimfxSandboxConfig) -> Self {
        let running = EsimfxSandbox::spawn(config).await.expect("sandbox starts");
        let http = reqwest::Client::new();
        let mut harness = Self {
            running,
            http,
            token: String::new(),
        };
        harness.token = harness.authenticate().await;
        harness
    }

    /// A fresh token from the default credentials.
    pub async fn authenticate(&self) -> String {
        let (status, body) = self
            .send(
                self.http
                    .post(self.running.url("/account/api/v1/auth"))
                    .json(&json!({
                        "client_id": SANDBOX_CLIENT_ID,
                        "client_key": SANDBOX_CLIENT_KEY,
                    })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"]["access_token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// Sends and parses the JSON answer.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.expect("request reaches the sandbox");
        let status = response.status();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        (status, body)
    }

    pub async fn get(&self, path_and_query: &str) -> (StatusCode, Value) {
        self.send(
            self.http
                .get(self.running.url(path_and_query))
                .bearer_auth(&self.token),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(self.running.url(path))
                .bearer_auth(&self.token)
                .json(&body),
        )
        .await
    }

    /// A control call that must succeed.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let (status, body) = self
            .send(self.http.post(self.running.url(path)).json(&body))
            .await;
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    /// Moves the sandbox clock and re-authenticates, since tokens age with it.
    pub async fn advance(&mut self, seconds: i64) {
        self.control("/_sandbox/clock/advance", json!({ "seconds": seconds }))
            .await;
        self.token = self.authenticate().await;
    }

    pub async fn stats(&self) -> Value {
        self.send(self.http.get(self.running.url("/_sandbox/stats")))
            .await
            .1
    }

    /// `create_order` with an idempotency key.
    pub async fn order(&self, key: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(self.running.url("/order/api/v1/create_order"))
                .bearer_auth(&self.token)
                .header("X-Idempotency-Key", key)
                .json(&body),
        )
        .await
    }

    /// A NEW order that must succeed; returns its `data`.
    pub async fn buy(&self, product_id: &str) -> Value {
        let key = format!("key-{product_id}-{}", self.stats().await["orders"]);
        let (status, body) = self
            .order(
                &key,
                json!({ "operation_type": "NEW", "product": { "id": product_id } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["code"], 0);
        body["data"].clone()
    }

    pub async fn get_product(&self, id: &str) -> Value {
        let (status, body) = self
            .get(&format!("/product/api/v1/get_product?id={id}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].clone()
    }
}

/// Asserts an error envelope.
#[track_caller]
pub fn assert_error(answer: &(StatusCode, Value), status: u16, code: i64) {
    let (got, body) = answer;
    assert_eq!(got.as_u16(), status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["data"].is_null(), "{body}");
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` to unix seconds.
pub fn unix(iso: &str) -> i64 {
    assert_eq!(iso.len(), 20, "{iso}");
    assert!(iso.ends_with('Z'), "{iso}");
    let n = |a: usize, b: usize| iso[a..b].parse::<i64>().expect(iso);
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19)
}

impl Harness {
    /// Every event raised so far, delivered or not.
    pub async fn events(&self) -> Vec<Value> {
        let (status, body) = self
            .send(self.http.get(self.running.url("/_sandbox/events")))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array().expect("an array of events").clone()
    }

    /// The sandbox clock, unix seconds.
    pub async fn now(&self) -> i64 {
        let (_, body) = self
            .send(self.http.get(self.running.url("/_sandbox/clock")))
            .await;
        body["unix"].as_i64().expect("unix time")
    }

    /// `get_order`'s `data`, which must exist.
    pub async fn order_data(&self, order_id: &Value) -> Value {
        let (status, body) = self
            .get(&format!(
                "/order/api/v1/get_order?order_id={}",
                order_id.as_str().expect("an order id")
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].clone()
    }

    /// `GET /_sandbox/esims/{iccid}`: status and every subscription's usage.
    pub async fn esim_summary(&self, iccid: &str) -> Value {
        let (status, body) = self
            .send(
                self.http
                    .get(self.running.url(&format!("/_sandbox/esims/{iccid}"))),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

/// `(event_type, threshold)` of each event, in the order raised.
pub fn kinds(events: &[Value]) -> Vec<(String, Option<u64>)> {
    events
        .iter()
        .map(|e| {
            (
                e["event_type"].as_str().expect("event_type").to_owned(),
                e["threshold"].as_u64(),
            )
        })
        .collect()
}
