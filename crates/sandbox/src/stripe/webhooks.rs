//! Events and their delivery: signed exactly as Stripe signs (`Stripe-Signature:
//! t=…,v1=HMAC-SHA256("t.payload")`), posted in order from one background task, retried
//! with backoff while the endpoint answers non-2xx or cannot be reached.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::mpsc;

use super::time;

/// Pauses between attempts: six attempts over about eight seconds.
const BACKOFF: [Duration; 5] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// One raised event; `payload` is the exact body delivered every time.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) id: String,
    pub(crate) event_type: &'static str,
    pub(crate) created: i64,
    pub(crate) payload: String,
}

/// Where an event's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DeliveryStatus {
    /// No webhook URL was set when the event was raised.
    NoEndpoint,
    Pending,
    Delivered,
    Failed,
}

/// Delivery bookkeeping for one event, as `GET /_sandbox/stripe/events` shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Delivery {
    pub(crate) status: DeliveryStatus,
    /// HTTP attempts so far, across resends.
    pub(crate) attempts: u32,
    /// Acknowledged deliveries so far; more than one after a resend.
    pub(crate) deliveries: u32,
    pub(crate) last_response_status: Option<u16>,
    pub(crate) last_error: Option<String>,
}

#[derive(Debug)]
struct Record {
    event: Event,
    delivery: Delivery,
}

/// Why an event cannot be resent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ResendError {
    NotFound,
    NoEndpoint,
}

#[derive(Debug)]
struct Inner {
    url: RwLock<Option<String>>,
    secret: String,
    log: Mutex<Vec<Record>>,
    delivered: AtomicU64,
    failed: AtomicU64,
}

impl Inner {
    fn log(&self) -> MutexGuard<'_, Vec<Record>> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn url(&self) -> Option<String> {
        self.url
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn update(&self, id: &str, f: impl FnOnce(&mut Delivery)) {
        if let Some(record) = self.log().iter_mut().find(|r| r.event.id == id) {
            f(&mut record.delivery);
        }
    }
}

/// The event log and the queue to the delivery task.
#[derive(Debug)]
pub(crate) struct Webhooks {
    inner: Arc<Inner>,
    queue: OnceLock<mpsc::UnboundedSender<String>>,
}

impl Webhooks {
    pub(crate) fn new(url: Option<String>, secret: String) -> Self {
        Self {
            inner: Arc::new(Inner {
                url: RwLock::new(url),
                secret,
                log: Mutex::new(Vec::new()),
                delivered: AtomicU64::new(0),
                failed: AtomicU64::new(0),
            }),
            queue: OnceLock::new(),
        }
    }

    /// The secret every delivery is signed with.
    pub(crate) fn secret(&self) -> &str {
        &self.inner.secret
    }

    /// Points future deliveries (including retries in progress) at `url`.
    pub(crate) fn set_url(&self, url: Option<String>) {
        *self
            .inner
            .url
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = url;
    }

    pub(crate) fn events(&self) -> u64 {
        self.inner.log().len() as u64
    }

    pub(crate) fn delivered(&self) -> u64 {
        self.inner.delivered.load(Ordering::Relaxed)
    }

    pub(crate) fn failed(&self) -> u64 {
        self.inner.failed.load(Ordering::Relaxed)
    }

    /// Logs new events and queues them for delivery when an endpoint is set.
    pub(crate) fn record(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let deliver = self.inner.url().is_some();
        let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        self.inner
            .log()
            .extend(events.into_iter().map(|event| Record {
                event,
                delivery: Delivery {
                    status: if deliver {
                        DeliveryStatus::Pending
                    } else {
                        DeliveryStatus::NoEndpoint
                    },
                    attempts: 0,
                    deliveries: 0,
                    last_response_status: None,
                    last_error: None,
                },
            }));
        if deliver {
            ids.into_iter().for_each(|id| self.enqueue(id));
        }
    }

    /// Delivers a logged event again, same id and body, as Stripe's "Resend" does.
    pub(crate) fn resend(&self, id: &str) -> Result<(), ResendError> {
        if !self.inner.log().iter().any(|r| r.event.id == id) {
            return Err(ResendError::NotFound);
        }
        if self.inner.url().is_none() {
            return Err(ResendError::NoEndpoint);
        }
        self.inner
            .update(id, |delivery| delivery.status = DeliveryStatus::Pending);
        self.enqueue(id.to_owned());
        Ok(())
    }

    /// Every event so far with its delivery state, oldest first.
    pub(crate) fn log_json(&self) -> Vec<Value> {
        self.inner
            .log()
            .iter()
            .map(|record| {
                json!({
                    "id": record.event.id,
                    "type": record.event.event_type,
                    "created": record.event.created,
                    "delivery": record.delivery,
                    "event": serde_json::from_str::<Value>(&record.event.payload)
                        .unwrap_or(Value::Null),
                })
            })
            .collect()
    }

    fn enqueue(&self, id: String) {
        // The task starts lazily, on the runtime of the first event, because
        // `StripeSandbox::new` may run outside any runtime.
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    runtime.spawn(deliver_all(rx, self.inner.clone()));
                }
                Err(_) => tracing::warn!("no tokio runtime; Stripe sandbox webhooks are dropped"),
            }
            tx
        });
        if queue.send(id.clone()).is_err() {
            self.inner.failed.fetch_add(1, Ordering::Relaxed);
            self.inner
                .update(&id, |delivery| delivery.status = DeliveryStatus::Failed);
        }
    }
}

/// `t=<unix>,v1=<hex HMAC-SHA256 of "t.payload">`, Stripe's `Stripe-Signature` header.
pub fn signature_header(payload: &str, secret: &str, timestamp: i64) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(format!("{timestamp}.{payload}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

async fn deliver_all(mut queue: mpsc::UnboundedReceiver<String>, inner: Arc<Inner>) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    while let Some(id) = queue.recv().await {
        let event = inner
            .log()
            .iter()
            .find(|r| r.event.id == id)
            .map(|r| r.event.clone());
        let Some(event) = event else { continue };
        let delivered = deliver(&client, &inner, &event).await;
        let counter = if delivered {
            &inner.delivered
        } else {
            &inner.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
        inner.update(&id, |delivery| {
            delivery.status = if delivered {
                DeliveryStatus::Delivered
            } else {
                DeliveryStatus::Failed
            };
            delivery.deliveries += u32::from(delivered);
        });
    }
}

#[tracing::instrument(skip_all, fields(event_id = %event.id, event_type = event.event_type))]
async fn deliver(client: &reqwest::Client, inner: &Inner, event: &Event) -> bool {
    for attempt in 0..=BACKOFF.len() {
        let outcome = match inner.url() {
            None => Err("no webhook URL is set".to_owned()),
            Some(url) => {
                // Each attempt is signed afresh, so a late retry is not refused as stale.
                let signature = signature_header(&event.payload, &inner.secret, time::now());
                client
                    .post(url)
                    .header("content-type", "application/json; charset=utf-8")
                    .header(
                        "user-agent",
                        "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                    )
                    .header("stripe-signature", signature)
                    .body(event.payload.clone())
                    .send()
                    .await
                    .map(|response| response.status())
                    .map_err(|error| error.to_string())
            }
        };
        inner.update(&event.id, |delivery| {
            delivery.attempts += 1;
            match &outcome {
                Ok(status) => {
                    delivery.last_response_status = Some(status.as_u16());
                    delivery.last_error = None;
                }
                Err(error) => delivery.last_error = Some(error.clone()),
            }
        });
        match outcome {
            Ok(status) if status.is_success() => return true,
            Ok(status) => tracing::debug!(%status, attempt, "webhook refused"),
            Err(error) => tracing::debug!(%error, attempt, "webhook unreachable"),
        }
        if let Some(pause) = BACKOFF.get(attempt) {
            tokio::time::sleep(*pause).await;
        }
    }
    tracing::warn!("webhook given up after retries");
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_stripe() {
        // Recomputed by hand: HMAC-SHA256("whsec_test", "1700000000.{}").
        let header = signature_header("{}", "whsec_test", 1_700_000_000);
        let (t, v1) = header.split_once(',').unwrap();
        assert_eq!(t, "t=1700000000");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_test").unwrap();
        mac.update(b"1700000000.{}");
        mac.verify_slice(&hex::decode(v1.strip_prefix("v1=").unwrap()).unwrap())
            .unwrap();
        assert_ne!(header, signature_header("{}", "whsec_other", 1_700_000_000));
    }

    #[test]
    fn events_without_an_endpoint_are_logged_not_sent() {
        let webhooks = Webhooks::new(None, "whsec_x".into());
        webhooks.record(vec![Event {
            id: "evt_1".into(),
            event_type: "checkout.session.completed",
            created: 1,
            payload: r#"{"id":"evt_1"}"#.into(),
        }]);
        let log = webhooks.log_json();
        assert_eq!(log[0]["delivery"]["status"], "no_endpoint");
        assert_eq!(log[0]["event"]["id"], "evt_1");
        assert_eq!(webhooks.resend("evt_1"), Err(ResendError::NoEndpoint));
        assert_eq!(webhooks.resend("evt_2"), Err(ResendError::NotFound));
    }
}
