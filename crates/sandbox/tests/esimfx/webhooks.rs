//! Webhook delivery to a receiver spun up in the test: payloads, the `token` header, retries.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use sandbox::esimfx::{AutoDevice, EsimfxSandboxConfig};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::support::{Harness, GIB};

/// What the receiver saw: the `token` header and the payload.
type Delivery = (Option<String>, Value);

struct Receiver {
    deliveries: mpsc::UnboundedSender<Delivery>,
    /// Answer 500 to this many attempts before accepting.
    refuse_first: AtomicU32,
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    Json(payload): Json<Value>,
) -> StatusCode {
    let refused = receiver
        .refuse_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let token = headers
        .get("token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let _ = receiver.deliveries.send((token, payload));
    if refused {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// Starts a receiver; returns its URL and the stream of deliveries.
async fn receiver(refuse_first: u32) -> (String, mpsc::UnboundedReceiver<Delivery>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let state = Arc::new(Receiver {
        deliveries: tx,
        refuse_first: AtomicU32::new(refuse_first),
    });
    let app = Router::new()
        .route("/hooks/esimfx", post(receive))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/esimfx", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Delivery>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("a webhook arrives")
        .expect("receiver alive")
}

#[tokio::test]
async fn usage_fires_thresholds_once_then_expiration() {
    let (url, mut rx) = receiver(0).await;
    let h = Harness::with_config(EsimfxSandboxConfig {
        webhook_url: Some(url),
        webhook_token: Some("s3cret".into()),
        ..EsimfxSandboxConfig::default()
    })
    .await;
    let bought = h.buy("esimfx_1G_7D_JP").await;
    let iccid = bought["esim"]["iccid"].as_str().unwrap().to_owned();
    let order_id = bought["id"].as_str().unwrap().to_owned();

    h.control(&format!("/_sandbox/esims/{iccid}/connect"), json!({}))
        .await;
    let (token, activation) = next(&mut rx).await;
    assert_eq!(token.as_deref(), Some("s3cret"));
    assert_eq!(activation["event_type"], "ACTIVATION");
    assert_eq!(activation["iccid"], iccid.as_str());
    assert_eq!(activation["order_id"], order_id.as_str());
    assert!(activation.get("threshold").is_none());

    let consume = format!("/_sandbox/esims/{iccid}/consume");
    h.control(&consume, json!({ "bytes": GIB * 55 / 100 }))
        .await;
    let (_, fifty) = next(&mut rx).await;
    assert_eq!(
        (fifty["event_type"].as_str(), fifty["threshold"].as_u64()),
        (Some("DATA_USAGE"), Some(50))
    );
    assert_eq!(fifty["used_amount"], GIB * 55 / 100);
    assert_eq!(fifty["upper_limit_amount"], GIB);
    assert_eq!(fifty["amount_unit"], "Byte");
    assert!(fifty["timestamp"].as_str().unwrap().ends_with('Z'));

    // A little more crosses nothing new; then one jump crosses 80, 90 and 100 at once.
    h.control(&consume, json!({ "bytes": 1 })).await;
    h.control(&consume, json!({ "bytes": GIB })).await;
    let mut rest = Vec::new();
    for _ in 0..4 {
        rest.push(next(&mut rx).await.1);
    }
    let summary: Vec<(String, Option<u64>)> = rest
        .iter()
        .map(|e| {
            (
                e["event_type"].as_str().unwrap().to_owned(),
                e["threshold"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("DATA_USAGE".to_owned(), Some(80)),
            ("DATA_USAGE".to_owned(), Some(90)),
            ("DATA_USAGE".to_owned(), Some(100)),
            ("EXPIRATION".to_owned(), None),
        ]
    );
    let mut ids: Vec<&str> = std::iter::once(&activation)
        .chain([&fifty])
        .chain(rest.iter())
        .map(|e| e["event_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6, "event ids are unique");
    assert!(rx.try_recv().is_err(), "nothing fired twice");

    let (_, order) = h
        .get(&format!("/order/api/v1/get_order?order_id={order_id}"))
        .await;
    assert_eq!(order["data"]["subscription"]["status"], "EXPIRED");
    assert_eq!(order["data"]["subscription"]["used_amount"], GIB);
}

#[tokio::test]
async fn refused_deliveries_are_retried() {
    let (url, mut rx) = receiver(1).await;
    let h = Harness::with_config(EsimfxSandboxConfig {
        webhook_url: Some(url),
        webhook_token: Some("tok".into()),
        ..EsimfxSandboxConfig::default()
    })
    .await;
    let iccid = h.buy("esimfx_1G_7D_US").await["esim"]["iccid"]
        .as_str()
        .unwrap()
        .to_owned();
    h.control(&format!("/_sandbox/esims/{iccid}/connect"), json!({}))
        .await;
    let (_, refused) = next(&mut rx).await;
    let (token, retried) = next(&mut rx).await;
    assert_eq!(refused, retried, "the same event, same event_id");
    assert_eq!(token.as_deref(), Some("tok"));
    // The stats count the delivery once the receiver accepted it.
    for _ in 0..500 {
        if h.stats().await["webhooks_delivered"] == 1 {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("delivery not counted: {}", h.stats().await);
}

#[tokio::test]
async fn set_webhook_points_deliveries_at_a_receiver_found_later() {
    // No receiver at first; the phone connects a second after purchase, on its own.
    let h = Harness::with_config(EsimfxSandboxConfig {
        auto_device: Some(AutoDevice {
            install_after_secs: 0,
            connect_after_secs: 1,
        }),
        ..EsimfxSandboxConfig::default()
    })
    .await;
    let early = h.buy("esimfx_1G_7D_JP").await["esim"]["iccid"]
        .as_str()
        .unwrap()
        .to_owned();
    h.control(&format!("/_sandbox/esims/{early}/connect"), json!({}))
        .await;

    let (url, mut rx) = receiver(0).await;
    h.running.set_webhook(url, Some("later-secret".into()));
    let later = h.buy("esimfx_1G_7D_JP").await["esim"]["iccid"]
        .as_str()
        .unwrap()
        .to_owned();

    // No further API calls: the background ticker connects the eSIM and the event goes out.
    let (token, event) = next(&mut rx).await;
    assert_eq!(token.as_deref(), Some("later-secret"));
    assert_eq!(event["event_type"], "ACTIVATION");
    assert_eq!(
        event["iccid"],
        later.as_str(),
        "events raised before set_webhook are not re-sent"
    );
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn a_fast_clock_and_traffic_fire_webhooks_by_themselves() {
    let (url, mut rx) = receiver(0).await;
    // An hour of sandbox time per wall second, 10 GiB an hour: a 1 GiB plan is gone in a
    // fraction of a wall second once the ticker runs.
    let h = Harness::with_config(EsimfxSandboxConfig {
        webhook_url: Some(url),
        clock_speed: 3_600,
        traffic_bytes_per_hour: 10 * GIB,
        ..EsimfxSandboxConfig::default()
    })
    .await;
    let iccid = h.buy("esimfx_1G_7D_JP").await["esim"]["iccid"]
        .as_str()
        .unwrap()
        .to_owned();
    h.control(&format!("/_sandbox/esims/{iccid}/connect"), json!({}))
        .await;
    let mut seen = Vec::new();
    while !seen.iter().any(|e: &Value| e["event_type"] == "EXPIRATION") {
        seen.push(next(&mut rx).await.1);
    }
    let thresholds: Vec<u64> = seen
        .iter()
        .filter_map(|e| e["threshold"].as_u64())
        .collect();
    assert_eq!(
        thresholds,
        [50, 80, 90, 100],
        "each threshold once, in order"
    );
}
