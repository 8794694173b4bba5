//! Simulated data use over sandbox time: steady traffic on a connected eSIM, thresholds and
//! expiry at the moment they are reached, hand-over to queued add-ons, validity ends.

use sandbox::esimfx::EsimfxSandboxConfig;
use serde_json::{json, Value};

use super::support::{kinds, unix, Harness, GIB};

const MIB: u64 = 1 << 20;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// A sandbox whose clock only moves when told, with this much traffic per sandbox hour.
async fn harness(traffic_bytes_per_hour: u64) -> Harness {
    Harness::with_config(EsimfxSandboxConfig {
        traffic_bytes_per_hour,
        clock_speed: 0,
        ..EsimfxSandboxConfig::default()
    })
    .await
}

/// Buys `product` and connects the eSIM; returns the order data and the connect time.
async fn connected(h: &Harness, product: &str) -> (Value, String, i64) {
    let bought = h.buy(product).await;
    let iccid = bought["esim"]["iccid"].as_str().unwrap().to_owned();
    h.control(&format!("/_sandbox/esims/{iccid}/connect"), json!({}))
        .await;
    let at = h.now().await;
    (bought, iccid, at)
}

fn time(value: &Value) -> i64 {
    unix(value.as_str().expect("a timestamp"))
}

#[tokio::test]
async fn usage_grows_with_sandbox_time_only_while_connected() {
    let mut h = harness(100 * MIB).await;
    let idle = h.buy("esimfx_10G_30D_JP").await;
    let (bought, iccid, _) = connected(&h, "esimfx_10G_30D_JP").await;

    h.advance(3 * HOUR).await;
    let summary = h.esim_summary(&iccid).await;
    assert_eq!(summary["status"], "ACTIVE");
    assert_eq!(summary["subscriptions"][0]["used_amount"], 300 * MIB);
    let order = h.order_data(&bought["id"]).await;
    assert_eq!(order["subscription"]["used_amount"], 300 * MIB);

    h.advance(HOUR / 2).await;
    assert_eq!(
        h.order_data(&bought["id"]).await["subscription"]["used_amount"],
        350 * MIB
    );

    // Never connected: the plan is PENDING and nothing flows.
    let idle = h.order_data(&idle["id"]).await;
    assert_eq!(idle["subscription"]["status"], "PENDING");
    assert_eq!(idle["subscription"]["used_amount"], 0);
}

#[tokio::test]
async fn thresholds_fire_once_each_at_the_moment_they_are_reached() {
    // 360 MiB an hour on 1 GiB: 50 % after 5120 s, all of it after 10 240 s.
    let mut h = harness(360 * MIB).await;
    let (bought, _, connected_at) = connected(&h, "esimfx_1G_7D_JP").await;
    let usage_events = |events: Vec<Value>| -> Vec<Value> {
        events
            .into_iter()
            .filter(|e| e["event_type"] != "ACTIVATION")
            .collect()
    };

    h.advance(HOUR).await;
    assert!(
        usage_events(h.events().await).is_empty(),
        "35 % crosses nothing"
    );

    h.advance(HOUR).await;
    let events = usage_events(h.events().await);
    assert_eq!(kinds(&events), [("DATA_USAGE".to_owned(), Some(50))]);
    assert_eq!(time(&events[0]["timestamp"]), connected_at + 5_120);
    assert_eq!(events[0]["used_amount"], GIB / 2);

    h.advance(HOUR).await;
    h.advance(HOUR).await;
    let events = usage_events(h.events().await);
    assert_eq!(
        kinds(&events),
        [
            ("DATA_USAGE".to_owned(), Some(50)),
            ("DATA_USAGE".to_owned(), Some(80)),
            ("DATA_USAGE".to_owned(), Some(90)),
            ("DATA_USAGE".to_owned(), Some(100)),
            ("EXPIRATION".to_owned(), None),
        ]
    );
    let expiration = &events[4];
    assert_eq!(time(&expiration["timestamp"]), connected_at + 10_240);
    assert_eq!(expiration["used_amount"], GIB);

    let order = h.order_data(&bought["id"]).await;
    assert_eq!(order["subscription"]["status"], "EXPIRED");
    assert_eq!(order["subscription"]["used_amount"], GIB);
    assert_eq!(
        time(&order["subscription"]["expiry"]),
        connected_at + 10_240
    );
}

#[tokio::test]
async fn a_used_up_plan_hands_over_to_the_queued_add_on() {
    let mut h = harness(GIB).await;
    let (first, iccid, connected_at) = connected(&h, "esimfx_1G_7D_JP").await;
    let (_, topup) = h
        .order(
            "addon",
            json!({ "operation_type": "TOPUP", "iccid": iccid, "product": { "id": "esimfx_3G_15D_JP" } }),
        )
        .await;
    let addon_id = topup["data"]["id"].clone();

    h.advance(HOUR + HOUR / 2).await;
    let first = h.order_data(&first["id"]).await;
    assert_eq!(first["subscription"]["status"], "EXPIRED");
    assert_eq!(first["subscription"]["used_amount"], GIB);
    assert_eq!(
        time(&first["subscription"]["expiry"]),
        connected_at + HOUR,
        "used up after exactly one hour"
    );
    let addon = h.order_data(&addon_id).await;
    assert_eq!(addon["subscription"]["status"], "ACTIVE");
    assert_eq!(
        time(&addon["subscription"]["activation_time"]),
        connected_at + HOUR
    );
    assert_eq!(addon["subscription"]["used_amount"], GIB / 2);
    assert_eq!(
        time(&addon["subscription"]["expiry"]),
        connected_at + HOUR + 15 * DAY
    );
    assert_eq!(h.esim_summary(&iccid).await["status"], "ACTIVE");

    let events = h.events().await;
    let expirations: Vec<&Value> = events
        .iter()
        .filter(|e| e["event_type"] == "EXPIRATION")
        .collect();
    assert_eq!(expirations.len(), 1);
    assert_eq!(expirations[0]["order_id"], first["id"]);
    let activations: Vec<&Value> = events
        .iter()
        .filter(|e| e["event_type"] == "ACTIVATION")
        .collect();
    assert_eq!(activations.len(), 2, "the plan, then the add-on");
    assert_eq!(time(&activations[1]["timestamp"]), connected_at + HOUR);
}

#[tokio::test]
async fn usage_stops_when_validity_ends_and_carries_on_in_the_add_on() {
    // 4 MiB an hour: 672 MiB over the 7-day plan, which ends by validity, not data.
    let mut h = harness(4 * MIB).await;
    let (first, iccid, connected_at) = connected(&h, "esimfx_1G_7D_JP").await;
    let (_, topup) = h
        .order(
            "addon",
            json!({ "operation_type": "TOPUP", "iccid": iccid, "product": { "id": "esimfx_3G_15D_JP" } }),
        )
        .await;

    // One jump over both the validity end and three days of the add-on.
    h.advance(10 * DAY).await;
    let first = h.order_data(&first["id"]).await;
    assert_eq!(first["subscription"]["status"], "EXPIRED");
    assert_eq!(first["subscription"]["used_amount"], 7 * 24 * 4 * MIB);
    assert_eq!(
        time(&first["subscription"]["expiry"]),
        connected_at + 7 * DAY
    );
    let addon = h.order_data(&topup["data"]["id"]).await;
    assert_eq!(addon["subscription"]["status"], "ACTIVE");
    assert_eq!(
        time(&addon["subscription"]["activation_time"]),
        connected_at + 7 * DAY
    );
    assert_eq!(addon["subscription"]["used_amount"], 3 * 24 * 4 * MIB);
    let data_events = h
        .events()
        .await
        .into_iter()
        .filter(|e| e["event_type"] == "DATA_USAGE")
        .count();
    assert_eq!(data_events, 1, "only the first plan's 50 % was reached");
}

#[tokio::test]
async fn unlimited_plans_count_usage_and_fire_nothing() {
    let mut h = harness(GIB).await;
    let (bought, _, _) = connected(&h, "esimfx_UNL_7D_JP").await;
    h.advance(24 * HOUR).await;
    let order = h.order_data(&bought["id"]).await;
    assert_eq!(order["subscription"]["status"], "ACTIVE");
    assert_eq!(order["subscription"]["used_amount"], 24 * GIB);
    assert_eq!(order["subscription"]["upper_limit_amount"], 0);
    let kinds = kinds(&h.events().await);
    assert_eq!(kinds, [("ACTIVATION".to_owned(), None)]);
}
