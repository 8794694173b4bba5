//! The simulated phone (`auto_device`): installing and connecting by itself, and staying on the
//! network so a revived eSIM carries on.

use sandbox::esimfx::{AutoDevice, EsimfxSandboxConfig};
use serde_json::json;

use super::support::{unix, Harness, GIB};

async fn esim_status(h: &Harness, iccid: &str) -> String {
    let (_, body) = h
        .get(&format!("/order/api/v1/get_esim_status?iccid={iccid}"))
        .await;
    body["data"]["status"]
        .as_str()
        .expect("a status")
        .to_owned()
}

#[tokio::test]
async fn the_phone_installs_then_connects_and_uses_data() {
    let mut h = Harness::with_config(EsimfxSandboxConfig {
        clock_speed: 0,
        traffic_bytes_per_hour: GIB,
        auto_device: Some(AutoDevice {
            install_after_secs: 600,
            connect_after_secs: 1_800,
        }),
        ..EsimfxSandboxConfig::default()
    })
    .await;
    let bought = h.buy("esimfx_10G_30D_JP").await;
    let iccid = bought["esim"]["iccid"].as_str().unwrap().to_owned();
    let created = unix(bought["creation_time"].as_str().unwrap());
    assert_eq!(esim_status(&h, &iccid).await, "PROVISIONED");

    h.advance(599).await;
    assert_eq!(esim_status(&h, &iccid).await, "PROVISIONED");
    h.advance(1).await;
    assert_eq!(esim_status(&h, &iccid).await, "INSTALLED");
    assert_eq!(
        h.order_data(&bought["id"]).await["subscription"]["status"],
        "PENDING"
    );

    h.advance(1_200 + 3_600).await;
    assert_eq!(esim_status(&h, &iccid).await, "ACTIVE");
    let order = h.order_data(&bought["id"]).await;
    assert_eq!(order["subscription"]["status"], "ACTIVE");
    assert_eq!(
        unix(order["subscription"]["activation_time"].as_str().unwrap()),
        created + 1_800
    );
    assert_eq!(
        order["subscription"]["used_amount"], GIB,
        "an hour of traffic"
    );
    let activation = h
        .events()
        .await
        .into_iter()
        .find(|e| e["event_type"] == "ACTIVATION")
        .expect("the connect raised ACTIVATION");
    assert_eq!(
        unix(activation["timestamp"].as_str().unwrap()),
        created + 1_800
    );
}

#[tokio::test]
async fn a_revived_esim_is_connected_again_at_once() {
    let mut h = Harness::with_config(EsimfxSandboxConfig {
        clock_speed: 0,
        auto_device: Some(AutoDevice {
            install_after_secs: 0,
            connect_after_secs: 60,
        }),
        ..EsimfxSandboxConfig::default()
    })
    .await;
    let bought = h.buy("esimfx_1G_7D_JP").await;
    let iccid = bought["esim"]["iccid"].as_str().unwrap().to_owned();
    h.advance(60).await;
    assert_eq!(esim_status(&h, &iccid).await, "ACTIVE");

    // The only plan ends; the eSIM expires; a top-up brings it back on the same phone.
    let (_, done) = h
        .post(
            "/order/api/v1/terminate_subscription",
            json!({ "order_id": bought["id"] }),
        )
        .await;
    assert_eq!(done["data"]["subscription"]["status"], "TERMINATED");
    assert_eq!(esim_status(&h, &iccid).await, "EXPIRED");
    let (_, topup) = h
        .order(
            "revive",
            json!({ "operation_type": "TOPUP", "iccid": iccid, "product": { "id": "esimfx_3G_15D_JP" } }),
        )
        .await;
    assert_eq!(topup["data"]["esim"]["status"], "INSTALLED");
    assert_eq!(esim_status(&h, &iccid).await, "ACTIVE");
    assert_eq!(
        h.order_data(&topup["data"]["id"]).await["subscription"]["status"],
        "ACTIVE"
    );
}

#[tokio::test]
async fn without_a_device_nothing_happens_by_itself() {
    let mut h = Harness::with_config(EsimfxSandboxConfig {
        clock_speed: 0,
        ..EsimfxSandboxConfig::default()
    })
    .await;
    let bought = h.buy("esimfx_1G_7D_JP").await;
    let iccid = bought["esim"]["iccid"].as_str().unwrap().to_owned();
    h.advance(7 * 86_400).await;
    assert_eq!(esim_status(&h, &iccid).await, "PROVISIONED");
}
