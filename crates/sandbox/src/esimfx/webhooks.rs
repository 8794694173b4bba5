//! Webhook events (esimfx.md §2.12) and their delivery from a background task, with retries.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;

/// `event_type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum EventType {
    Activation,
    Expiration,
    DataUsage,
}

/// One webhook payload, in the shape esimfx.md §2.12 assumes.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Event {
    pub(crate) event_type: EventType,
    pub(crate) event_id: String,
    pub(crate) iccid: String,
    pub(crate) order_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) threshold: Option<u8>,
    pub(crate) used_amount: u64,
    pub(crate) upper_limit_amount: u64,
    pub(crate) amount_unit: &'static str,
    pub(crate) timestamp: String,
}

/// Pauses between attempts; one more attempt than there are pauses.
const BACKOFF: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_millis(400),
    Duration::from_millis(1600),
];

#[derive(Debug, Default)]
struct Outcomes {
    delivered: AtomicU64,
    failed: AtomicU64,
}

/// The receiver and the `token` header it expects.
#[derive(Debug, Clone)]
struct Target {
    url: String,
    token: Option<String>,
}

/// Where deliveries go; changed by `set_webhook` while the delivery task runs.
type SharedTarget = Arc<RwLock<Option<Target>>>;

fn current(target: &SharedTarget) -> Option<Target> {
    target
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

/// Hands events to one delivery task, which keeps them in order.
#[derive(Debug)]
pub(crate) struct Webhooks {
    target: SharedTarget,
    queue: OnceLock<mpsc::UnboundedSender<Event>>,
    outcomes: Arc<Outcomes>,
}

impl Webhooks {
    pub(crate) fn new(url: Option<String>, token: Option<String>) -> Self {
        Self {
            target: Arc::new(RwLock::new(url.map(|url| Target { url, token }))),
            queue: OnceLock::new(),
            outcomes: Arc::default(),
        }
    }

    /// Delivers to `url` from now on, including events already queued but not yet sent.
    pub(crate) fn set_target(&self, url: String, token: Option<String>) {
        *self
            .target
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Target { url, token });
    }

    pub(crate) fn delivered(&self) -> u64 {
        self.outcomes.delivered.load(Ordering::Relaxed)
    }

    pub(crate) fn failed(&self) -> u64 {
        self.outcomes.failed.load(Ordering::Relaxed)
    }

    /// Queues events for delivery; never waits on the receiver. Without a receiver they are
    /// dropped (the event log keeps them).
    pub(crate) fn dispatch(&self, events: Vec<Event>) {
        if events.is_empty() || current(&self.target).is_none() {
            return;
        }
        // The task starts lazily, on the runtime of the first call that raises an event,
        // because `EsimfxSandbox::new` may run outside any runtime.
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    runtime.spawn(deliver_all(rx, self.target.clone(), self.outcomes.clone()));
                }
                Err(_) => tracing::warn!("no tokio runtime; eSIMfx sandbox webhooks are dropped"),
            }
            tx
        });
        for event in events {
            if queue.send(event).is_err() {
                self.outcomes.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

async fn deliver_all(
    mut queue: mpsc::UnboundedReceiver<Event>,
    target: SharedTarget,
    outcomes: Arc<Outcomes>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    while let Some(event) = queue.recv().await {
        let delivered = match current(&target) {
            Some(Target { url, token }) => deliver(&client, &url, token.as_deref(), &event).await,
            None => false,
        };
        let counter = if delivered {
            &outcomes.delivered
        } else {
            &outcomes.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

#[tracing::instrument(skip_all, fields(event_id = %event.event_id, event_type = ?event.event_type))]
async fn deliver(client: &reqwest::Client, url: &str, token: Option<&str>, event: &Event) -> bool {
    for attempt in 0..=BACKOFF.len() {
        let mut request = client.post(url).json(event);
        if let Some(token) = token {
            request = request.header("token", token);
        }
        match request.send().await {
            Ok(response) if response.status().is_success() => return true,
            Ok(response) => {
                tracing::debug!(status = %response.status(), attempt, "webhook refused")
            }
            Err(error) => tracing::debug!(%error, attempt, "webhook unreachable"),
        }
        if let Some(pause) = BACKOFF.get(attempt) {
            tokio::time::sleep(*pause).await;
        }
    }
    tracing::warn!("webhook given up after retries");
    false
}
