//! My eSIM: sign-in by emailed link, who may see what, usage from the provider (refresh and
//! webhooks), low-data alerts, top-ups and cancelling an unused package for a refund.

use crate::support::{session_cookie, spawn_app, TestApp, ESIMFX_WEBHOOK_TOKEN, ESIM_FEE_CENTS};
use serde_json::{json, Value};
use sqlx::Row;

const PLAN: &str = "esimfx_10G_7D_JP";
const GIB: u64 = 1024 * 1024 * 1024;

async fn package_ids(app: &TestApp, iccid: &str) -> Vec<String> {
    sqlx::query("SELECT id FROM esim_packages WHERE iccid = $1 ORDER BY bought_at")
        .bind(iccid)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| row.get("id"))
        .collect()
}

async fn used_bytes(app: &TestApp, package: &str) -> i64 {
    sqlx::query("SELECT used_bytes FROM esim_packages WHERE id = $1")
        .bind(package)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("used_bytes")
}

async fn connect_and_use(app: &TestApp, iccid: &str, bytes: u64) {
    app.control(&format!("esims/{iccid}/install"), json!({}))
        .await;
    app.control(&format!("esims/{iccid}/connect"), json!({}))
        .await;
    if bytes > 0 {
        app.control(&format!("esims/{iccid}/consume"), json!({ "bytes": bytes }))
            .await;
    }
}

/// The refresher fetches every new eSIM right after delivery.
async fn wait_for_first_refresh(app: &TestApp, iccid: &str) {
    app.wait_until("the first refresh", 15, || async {
        let synced = app
            .scalar(&format!(
                "SELECT COALESCE(synced_at, 0) FROM esims WHERE iccid = '{iccid}'"
            ))
            .await;
        (synced > 0).then_some(())
    })
    .await;
}

async fn emails_of_kind(app: &TestApp, kind: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM emails WHERE kind = '{kind}'"
    ))
    .await
}

/// Buys a top-up for `iccid` through the signed-in server functions and pays for it.
async fn buy_top_up(app: &TestApp, cookie: &str, iccid: &str, plan_id: &str) -> String {
    let (status, body) = app
        .server_fn(
            Some(cookie),
            "my_esim/start_top_up",
            &[("iccid", iccid), ("plan_id", plan_id)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let url: String = serde_json::from_str(&body).unwrap();
    let session = url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(app.pay(&session, "4242424242424242").await.status(), 200);
    let order = app.order_of_session(&session).await;
    app.wait_for_status(&order, "ready", 20).await;
    order
}

async fn cancel(app: &TestApp, cookie: &str, iccid: &str, package: &str) -> (u16, String) {
    app.server_fn(
        Some(cookie),
        "my_esim/cancel_package",
        &[("iccid", iccid), ("package_id", package)],
    )
    .await
}

async fn offers(app: &TestApp, cookie: &str, iccid: &str) -> Vec<Value> {
    let (status, body) = app
        .server_fn(Some(cookie), "my_esim/top_up_offers", &[("iccid", iccid)])
        .await;
    assert_eq!(status, 200, "{body}");
    let page: Value = serde_json::from_str(&body).unwrap();
    page["offers"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_sign_in_link_works_once_and_attaches_guest_orders() {
    let app = spawn_app().await;
    let (order, iccid) = app.buy_esim(PLAN, "amira@example.com").await;
    assert!(app.order_field(&order, "account_id").await.is_none());

    // The address is matched whatever its case.
    let link = app.request_sign_in_link("Amira@Example.com").await;
    let first = app.confirm_sign_in(&link).await;
    assert_eq!(first.status(), 303);
    assert_eq!(first.headers()["location"], "/my-esims");
    let cookie = session_cookie(&first).expect("a session");
    let again = app.confirm_sign_in(&link).await;
    assert_eq!(again.headers()["location"], "/sign-in?expired=1");
    assert!(again.headers().get("set-cookie").is_none());

    assert!(app.order_field(&order, "account_id").await.is_some());
    let (status, page) = app.get_as(&cookie, "/my-esims").await;
    assert_eq!(status, 200);
    assert!(page.contains(&iccid), "My eSIMs lists the guest purchase");

    let out = app
        .http
        .post(format!("{}/auth/sign-out", app.base_url))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert!(out.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (_, page) = app.get_as(&cookie, "/my-esims").await;
    assert!(!page.contains(&iccid), "the old cookie opens nothing");
}

#[tokio::test]
async fn sign_in_requests_are_validated_and_limited() {
    let app = spawn_app().await;
    let (status, body) = app
        .server_fn(
            None,
            "my_esim/request_sign_in",
            &[("email", "not-an-address")],
        )
        .await;
    assert_ne!(status, 200);
    assert!(body.to_lowercase().contains("email"), "{body}");
    for _ in 0..5 {
        app.request_sign_in_link("busy@example.com").await;
    }
    let (status, body) = app
        .server_fn(
            None,
            "my_esim/request_sign_in",
            &[("email", "busy@example.com")],
        )
        .await;
    assert_ne!(status, 200);
    assert!(body.contains("several links"), "{body}");
    assert_eq!(emails_of_kind(&app, "sign_in_link").await, 5);
}

#[tokio::test]
async fn no_traveller_can_open_another_travellers_esim() {
    let app = spawn_app().await;
    let (_, iccid) = app.buy_esim(PLAN, "owner@example.com").await;
    let matching_id = sqlx::query("SELECT matching_id FROM esims WHERE iccid = $1")
        .bind(&iccid)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get::<String, _>("matching_id");
    let owner = app.sign_in("owner@example.com").await;
    let (status, page) = app.get_as(&owner, &format!("/my-esims/{iccid}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&matching_id),
        "the owner sees the activation code"
    );

    let other = app.sign_in("someone-else@example.com").await;
    let guessed = "89000000000000000009";
    for target in [iccid.as_str(), guessed] {
        let (status, page) = app.get_as(&other, &format!("/my-esims/{target}")).await;
        assert_eq!(status, 404, "{target}");
        assert!(!page.contains(&matching_id));
        let (status, _) = app
            .get_as(&other, &format!("/my-esims/{target}/install-pack"))
            .await;
        assert_eq!(status, 404);
        for (name, form) in [
            ("my_esim/my_esim", vec![("iccid", target)]),
            ("my_esim/reissue_qr", vec![("iccid", target)]),
            ("my_esim/top_up_offers", vec![("iccid", target)]),
            (
                "my_esim/rename_esim",
                vec![("iccid", target), ("label", "Mine now")],
            ),
            (
                "my_esim/cancel_package",
                vec![("iccid", target), ("package_id", "anything")],
            ),
        ] {
            let (status, body) = app.server_fn(Some(&other), name, &form).await;
            assert_ne!(status, 200, "{name} answered {body}");
            assert!(!body.contains(&matching_id));
        }
    }
    let (_, list) = app.get_as(&other, "/my-esims").await;
    assert!(!list.contains(&iccid));
    let label: String = sqlx::query("SELECT label FROM esims WHERE iccid = $1")
        .bind(&iccid)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("label");
    assert_ne!(label, "Mine now");

    // Signed out: sent to sign in, shown nothing.
    let anonymous = app.get(&format!("/my-esims/{iccid}/install-pack")).await;
    assert_eq!(anonymous.status(), 303);
    let (status, _) = app
        .server_fn(None, "my_esim/my_esim", &[("iccid", iccid.as_str())])
        .await;
    assert_ne!(status, 200);
}

#[tokio::test]
async fn the_owner_downloads_an_install_pack_with_the_qr_and_steps() {
    let app = spawn_app().await;
    let (_, iccid) = app.buy_esim(PLAN, "pack@example.com").await;
    let cookie = app.sign_in("pack@example.com").await;
    let response = app
        .http
        .get(format!("{}/my-esims/{iccid}/install-pack", app.base_url))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a ZIP archive");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("qr.png") && text.contains("install.txt"));
    assert!(text.contains("01 Install your eSIM") && text.contains("02 Start your eSIM"));
    assert!(
        bytes.windows(4).any(|w| w == b"\x89PNG"),
        "the QR image is inside"
    );
}

#[tokio::test]
async fn opening_a_stale_esim_page_fetches_usage_from_the_provider() {
    let app = spawn_app().await;
    let (_, iccid) = app.buy_esim(PLAN, "usage@example.com").await;
    let cookie = app.sign_in("usage@example.com").await;
    let packages = package_ids(&app, &iccid).await;
    assert_eq!(packages.len(), 1);
    wait_for_first_refresh(&app, &iccid).await;
    connect_and_use(&app, &iccid, 3 * GIB + 12_345).await;
    // Age the stored figure past the stale limit, as if an hour had gone by.
    sqlx::query("UPDATE esims SET synced_at = 1, next_sync_at = $1 WHERE iccid = $2")
        .bind(i64::MAX / 2)
        .bind(&iccid)
        .execute(app.db.pool())
        .await
        .unwrap();
    let (status, page) = app.get_as(&cookie, &format!("/my-esims/{iccid}")).await;
    assert_eq!(status, 200);
    let sandbox = app.sandbox_get(&format!("esims/{iccid}")).await;
    let expected = sandbox["subscriptions"][0]["used_amount"].as_i64().unwrap();
    assert_eq!(expected, (3 * GIB + 12_345) as i64);
    assert_eq!(used_bytes(&app, &packages[0]).await, expected);
    assert!(page.contains("ACTIVE"), "the page shows the live state");
    let state: String = sqlx::query("SELECT state FROM esims WHERE iccid = $1")
        .bind(&iccid)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("state");
    assert_eq!(state, "ACTIVE");
}

#[tokio::test]
async fn due_refreshes_run_on_schedule_and_back_off_when_the_provider_fails() {
    let app = spawn_app().await;
    let (_, iccid) = app.buy_esim(PLAN, "schedule@example.com").await;
    let package = package_ids(&app, &iccid).await.remove(0);
    connect_and_use(&app, &iccid, GIB).await;
    app.control("faults", json!({ "status": 503, "fail_next": 1000 }))
        .await;
    sqlx::query("UPDATE esims SET next_sync_at = 0 WHERE iccid = $1")
        .bind(&iccid)
        .execute(app.db.pool())
        .await
        .unwrap();
    // A refresh set off earlier (the sandbox's ACTIVATION webhook) may record its failure before
    // the forced one runs; wait for a failure that also scheduled the retry.
    app.wait_until(
        "a recorded failure with its retry scheduled",
        20,
        || async {
            let failures = app
                .scalar(&format!(
                    "SELECT sync_failures FROM esims WHERE iccid = '{iccid}'"
                ))
                .await;
            let next = app
                .scalar(&format!(
                    "SELECT next_sync_at FROM esims WHERE iccid = '{iccid}'"
                ))
                .await;
            (failures > 0 && next > 0).then_some(())
        },
    )
    .await;
    let next = app
        .scalar(&format!(
            "SELECT next_sync_at FROM esims WHERE iccid = '{iccid}'"
        ))
        .await;
    assert!(
        next > 0,
        "the next attempt is scheduled later, with backoff"
    );
    app.http
        .delete(format!("{}/_sandbox/faults", app.sandbox.base_url))
        .send()
        .await
        .unwrap();
    sqlx::query("UPDATE esims SET next_sync_at = 0 WHERE iccid = $1")
        .bind(&iccid)
        .execute(app.db.pool())
        .await
        .unwrap();
    app.wait_until("usage from the scheduled refresh", 20, || async {
        (used_bytes(&app, &package).await == GIB as i64).then_some(())
    })
    .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT sync_failures FROM esims WHERE iccid = '{iccid}'"
        ))
        .await,
        0
    );
}

async fn post_webhook(app: &TestApp, token: Option<&str>, body: &Value) -> u16 {
    let mut request = app
        .http
        .post(format!("{}/webhooks/esimfx", app.base_url))
        .json(body);
    if let Some(token) = token {
        request = request.header("token", token);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn webhooks_need_the_secret_token_and_apply_only_once() {
    let app = spawn_app().await;
    let (_, iccid) = app.buy_esim(PLAN, "hooks@example.com").await;
    let package = package_ids(&app, &iccid).await.remove(0);
    wait_for_first_refresh(&app, &iccid).await;
    // The sandbox's own deliveries go nowhere: this test sends the events itself, matching the
    // sandbox's real usage so any refresh agrees with them.
    app.sandbox
        .set_webhook("http://127.0.0.1:9/nowhere".into(), None);
    connect_and_use(&app, &iccid, 9 * GIB).await;
    let event = json!({
        "event_type": "DATA_USAGE",
        "event_id": "evt_test_1",
        "iccid": iccid,
        "order_id": package,
        "threshold": 80,
        "used_amount": 9 * GIB,
        "upper_limit_amount": 10 * GIB,
        "amount_unit": "Byte",
        "timestamp": "2026-11-23T10:00:00Z"
    });
    let events = || app.scalar("SELECT COUNT(*) FROM provider_events");
    assert_eq!(post_webhook(&app, None, &event).await, 401);
    assert_eq!(post_webhook(&app, Some("forged"), &event).await, 401);
    assert_eq!(events().await, 0, "a forged webhook stores nothing");
    assert_eq!(used_bytes(&app, &package).await, 0);
    assert_eq!(emails_of_kind(&app, "usage_alert").await, 0);
    assert_eq!(
        post_webhook(
            &app,
            Some(ESIMFX_WEBHOOK_TOKEN),
            &json!({ "nonsense": true })
        )
        .await,
        400
    );
    assert_eq!(events().await, 0);

    for _ in 0..3 {
        assert_eq!(
            post_webhook(&app, Some(ESIMFX_WEBHOOK_TOKEN), &event).await,
            200
        );
    }
    assert_eq!(events().await, 1, "duplicates are recognised");
    assert_eq!(used_bytes(&app, &package).await, (9 * GIB) as i64);
    assert_eq!(
        emails_of_kind(&app, "usage_alert").await,
        1,
        "one alert, however many deliveries"
    );
}

#[tokio::test]
async fn crossing_the_alert_level_emails_a_one_click_top_up_link() {
    let app = spawn_app().await;
    let (_, iccid) = app.buy_esim(PLAN, "lowdata@example.com").await;
    // 85 % of 10 GB: the sandbox fires DATA_USAGE at 50 % and at 80 %.
    connect_and_use(&app, &iccid, 85 * GIB / 10).await;
    app.wait_until("the low-data email", 20, || async {
        (emails_of_kind(&app, "usage_alert").await == 1).then_some(())
    })
    .await;
    let body = app
        .latest_email_to("lowdata@example.com", "usage_alert")
        .await;
    assert!(body.contains("85%"), "{body}");
    let link = app.local_link(&body);
    // The link opens the confirmation page like any sign-in link; confirming signs in and goes on.
    let (status, page) = app.get_html(link.trim_start_matches(&app.base_url)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Yes, sign me in"), "{page}");
    let response = app.confirm_sign_in(&link).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        format!("/my-esims/{iccid}/top-up")
    );
    assert!(
        response.headers().contains_key("set-cookie"),
        "the link signs in"
    );
    // More usage and more webhooks do not repeat the alert.
    app.control(
        &format!("esims/{iccid}/consume"),
        json!({ "bytes": GIB / 2 }),
    )
    .await;
    sqlx::query("UPDATE esims SET next_sync_at = 0 WHERE iccid = $1")
        .bind(&iccid)
        .execute(app.db.pool())
        .await
        .unwrap();
    let package = package_ids(&app, &iccid).await.remove(0);
    app.wait_until("the refreshed usage", 20, || async {
        (used_bytes(&app, &package).await >= (9 * GIB) as i64).then_some(())
    })
    .await;
    assert_eq!(emails_of_kind(&app, "usage_alert").await, 1);
}

#[tokio::test]
async fn top_ups_offer_only_what_fits_and_arrive_as_a_pending_package() {
    let app = spawn_app().await;
    let (_, iccid) = app.buy_esim(PLAN, "topup@example.com").await;
    let cookie = app.sign_in("topup@example.com").await;
    let offers = offers(&app, &cookie, &iccid).await;
    assert!(!offers.is_empty());
    let compatible: Vec<String> = {
        use providers::EsimProvider;
        let iccid = domain::Iccid::parse(&iccid).unwrap();
        app.esimfx()
            .available_topups(&iccid)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.product.0)
            .collect()
    };
    for offer in &offers {
        let product: String = sqlx::query("SELECT provider_product_id FROM plans WHERE id = $1")
            .bind(offer["plan_id"].as_str().unwrap())
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get(0);
        assert!(compatible.contains(&product), "{product} fits the eSIM");
    }
    // A plan for elsewhere is refused, and nothing is charged.
    let elsewhere = app.plan_id("esimfx_1G_7D_US").await;
    let orders_before = app.scalar("SELECT COUNT(*) FROM orders").await;
    let (status, body) = app
        .server_fn(
            Some(&cookie),
            "my_esim/start_top_up",
            &[("iccid", iccid.as_str()), ("plan_id", elsewhere.as_str())],
        )
        .await;
    assert_ne!(status, 200);
    assert!(body.contains("does not fit"), "{body}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders").await,
        orders_before
    );

    let plan = offers[0]["plan_id"].as_str().unwrap();
    let order = buy_top_up(&app, &cookie, &iccid, plan).await;
    assert_eq!(
        app.order_field(&order, "kind").await.as_deref(),
        Some("topup")
    );
    let packages = package_ids(&app, &iccid).await;
    assert_eq!(packages.len(), 2);
    let state: String = sqlx::query("SELECT state FROM esim_packages WHERE order_id = $1")
        .bind(&order)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("state");
    assert_eq!(state, "PENDING");
    let sandbox = app.sandbox_get(&format!("esims/{iccid}")).await;
    assert_eq!(sandbox["subscriptions"].as_array().unwrap().len(), 2);
    let sent = app.email_of_order(&order, "esim_delivery").await;
    assert!(
        sent.contains("nothing") || sent.contains("reinstall"),
        "{sent}"
    );
}

#[tokio::test]
async fn only_unused_packages_are_cancelled_and_refunded_after_the_provider_confirms() {
    let app = spawn_app().await;
    let (first_order, iccid) = app.buy_esim(PLAN, "refund@example.com").await;
    let cookie = app.sign_in("refund@example.com").await;
    let plan = offers(&app, &cookie, &iccid).await[0]["plan_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let top_up = buy_top_up(&app, &cookie, &iccid, &plan).await;
    let first = package_ids(&app, &iccid).await.remove(0);
    let queued: String = sqlx::query("SELECT id FROM esim_packages WHERE order_id = $1")
        .bind(&top_up)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("id");
    connect_and_use(&app, &iccid, GIB).await;

    // The package in use cannot be cancelled; the provider is not even asked to terminate it.
    let (status, body) = cancel(&app, &cookie, &iccid, &first).await;
    assert_ne!(status, 200);
    assert!(body.contains("cannot be cancelled"), "{body}");
    assert_eq!(app.order_status(&first_order).await, "ready");

    let (status, body) = cancel(&app, &cookie, &iccid, &queued).await;
    assert_eq!(status, 200, "{body}");
    app.wait_for_status(&top_up, "refunded", 20).await;
    let paid = app
        .scalar(&format!(
            "SELECT amount_minor FROM orders WHERE id = '{top_up}'"
        ))
        .await;
    let refunded: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        refunded["minor"].as_i64(),
        Some(paid),
        "a top-up is refunded in full"
    );
    assert_eq!(
        app.sandbox_package_statuses(&iccid).await,
        ["ACTIVE", "TERMINATED"]
    );
    let (status, _) = cancel(&app, &cookie, &iccid, &queued).await;
    assert_ne!(status, 200, "a second cancel changes nothing");
}

#[tokio::test]
async fn an_unused_first_package_refunds_all_but_the_esim_fee() {
    let app = spawn_app().await;
    let (order, iccid) = app.buy_esim(PLAN, "fee@example.com").await;
    let cookie = app.sign_in("fee@example.com").await;
    let package = package_ids(&app, &iccid).await.remove(0);
    let (status, body) = cancel(&app, &cookie, &iccid, &package).await;
    assert_eq!(status, 200, "{body}");
    app.wait_for_status(&order, "refunded", 20).await;
    let paid = app
        .scalar(&format!(
            "SELECT amount_minor FROM orders WHERE id = '{order}'"
        ))
        .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT refund_minor FROM orders WHERE id = '{order}'"
        ))
        .await,
        paid - ESIM_FEE_CENTS
    );
    let notice = app.email_of_order(&order, "refund_notice").await;
    assert!(notice.contains("cancelled the unused package"), "{notice}");
}
