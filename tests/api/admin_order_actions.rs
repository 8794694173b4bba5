//! The admin's actions on one order — retry fulfilment, refund, mark resolved, resend the eSIM
//! email: only staff run them, each runs once per action id, and each is written to the audit log
//! and the order's timeline with the admin's name.

use crate::admin::{
    admin_cookie, app_with_owner, attention, json, support_cookie, OWNER_EMAIL, OWNER_PASSWORD,
    SIGN_IN_REQUIRED,
};
use crate::support::{spawn_app_configured, TestApp};
use serde_json::json;
use std::time::Duration;
use store::mail::redact::redact_text;
use tern::config::AdminBootstrap;

const PLAN: &str = "esimfx_1G_7D_JP";
const BUYER: &str = "sarah@example.com";
/// The support admin `support_cookie` creates.
const SUPPORT_NAME: &str = "Sam Support";

/// A fresh action id, as the confirmation form carries.
async fn action_id(app: &TestApp, cookie: &str) -> String {
    let (status, body) = app
        .server_fn(Some(cookie), "admin/new_action_id", &[])
        .await;
    assert_eq!(status, 200, "{body}");
    json(&body).as_str().expect("an id").to_owned()
}

/// Runs one action; the status and body.
async fn act(
    app: &TestApp,
    cookie: &str,
    function: &str,
    order: &str,
    action_id: &str,
    extra: &[(&str, &str)],
) -> (u16, String) {
    let mut form = vec![("order_id", order), ("action_id", action_id)];
    form.extend_from_slice(extra);
    app.server_fn(Some(cookie), function, &form).await
}

/// The messages of the order's timeline.
async fn timeline(app: &TestApp, order: &str) -> Vec<String> {
    store::orders::timeline_entries(&app.db, order)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.message)
        .collect()
}

/// How many audit lines `action` has for `order`, written by `admin_name`.
async fn audited(app: &TestApp, action: &str, order: &str, admin_name: &str) -> usize {
    let filter = store::admin::audit::AuditFilter {
        admin_id: None,
        action: Some(action.into()),
    };
    store::admin::audit::list(&app.db, &filter, 1)
        .await
        .unwrap()
        .entries
        .iter()
        .filter(|line| line.subject == order && line.admin_name == admin_name)
        .count()
}

/// How many eSIM emails (first and resent) of the order went out.
async fn delivery_emails_sent(app: &TestApp, order: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM emails WHERE order_id = '{order}' AND kind LIKE 'esim_delivery%' AND sent_at IS NOT NULL"
    ))
    .await
}

#[tokio::test]
async fn order_actions_refuse_anonymous_visitors_and_travellers() {
    let app = app_with_owner().await;
    let (order, _) = app.buy_esim(PLAN, BUYER).await;
    let traveller = app.sign_in(BUYER).await;
    for (who, cookie) in [
        ("anonymous", None),
        ("the traveller", Some(traveller.as_str())),
    ] {
        for (function, extra) in [
            ("admin/retry_order", vec![]),
            ("admin/refund_order", vec![("reason", "asked")]),
            ("admin/resolve_order", vec![("note", "done")]),
            ("admin/resend_esim_email", vec![]),
            ("admin/new_action_id", vec![]),
        ] {
            let mut form = vec![("order_id", order.as_str()), ("action_id", "abc123")];
            form.extend(extra);
            let (status, body) = app.server_fn(cookie, function, &form).await;
            assert_eq!(status, 401, "{who}: {function}: {body}");
            assert!(body.contains(SIGN_IN_REQUIRED), "{who}: {function}: {body}");
        }
    }
    assert_eq!(app.order_status(&order).await, "ready");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM admin_actions").await,
        0,
        "nothing was even recorded"
    );
}

#[tokio::test]
async fn a_retry_runs_a_waiting_fulfilment_now_once() {
    // Retries wait ten minutes, so the order sits in provisioning until an admin steps in.
    let app = spawn_app_configured(&["esimfx"], |settings| {
        settings.admin = AdminBootstrap {
            email: Some(OWNER_EMAIL.into()),
            password: Some(OWNER_PASSWORD.into()),
        };
        settings.jobs.retry_base = Duration::from_secs(600);
        settings.jobs.max_attempts = 10;
    })
    .await;
    let support = support_cookie(&app).await;
    let (order, session) = app.start_checkout_as(None, PLAN, BUYER).await;
    app.control("faults", json!({ "fail_next": 1, "status": 503 }))
        .await;
    app.pay(&session, "4242424242424242").await;
    app.wait_for_status(&order, "provisioning", 20).await;
    app.wait_until("the failed attempt", 20, || async {
        (app.scalar(&format!(
            "SELECT COUNT(*) FROM jobs WHERE subject = '{order}' AND kind = 'fulfil_order' AND attempts > 0 AND state = 'queued'"
        ))
        .await
            > 0)
        .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.order_status(&order).await, "provisioning", "waiting");

    let id = action_id(&app, &support).await;
    let (status, body) = act(&app, &support, "admin/retry_order", &order, &id, &[]).await;
    assert_eq!(status, 200, "{body}");
    app.wait_for_status(&order, "ready", 20).await;
    let (status, again) = act(&app, &support, "admin/retry_order", &order, &id, &[]).await;
    assert_eq!((status, again), (200, body), "answered as the first time");
    let retried = timeline(&app, &order)
        .await
        .iter()
        .filter(|message| message.contains(&format!("Fulfilment retried by {SUPPORT_NAME}")))
        .count();
    assert_eq!(retried, 1, "one effect");
    assert_eq!(
        audited(&app, "retried_fulfilment", &order, SUPPORT_NAME).await,
        1
    );

    // A delivered order is not retried.
    let id = action_id(&app, &support).await;
    let (status, body) = act(&app, &support, "admin/retry_order", &order, &id, &[]).await;
    assert_ne!(status, 200);
    assert!(body.contains("can be retried; this one is ready"), "{body}");
}

#[tokio::test]
async fn a_refund_of_a_delivered_order_terminates_its_package_and_refunds_in_full() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let (order, iccid) = app.buy_esim(PLAN, BUYER).await;
    let id = action_id(&app, &owner).await;
    let reason = [("reason", "Traveller could not install it")];
    let (status, body) = act(&app, &owner, "admin/refund_order", &order, &id, &reason).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        json(&body).as_str().unwrap().starts_with("Refunding "),
        "{body}"
    );
    app.wait_for_status(&order, "refunded", 20).await;
    let (status, again) = act(&app, &owner, "admin/refund_order", &order, &id, &reason).await;
    assert_eq!(
        (status, again),
        (200, body),
        "the same action id: one refund"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM jobs WHERE subject = '{order}' AND kind = 'refund_order'"
        ))
        .await,
        1
    );

    assert_eq!(app.sandbox_package_statuses(&iccid).await, ["TERMINATED"]);
    let owner_name: String = {
        use sqlx::Row;
        sqlx::query("SELECT name FROM admins WHERE email = $1")
            .bind(OWNER_EMAIL)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get("name")
    };
    let messages = timeline(&app, &order).await;
    assert!(
        messages
            .iter()
            .any(|m| m == &format!("Refunded by {owner_name}: Traveller could not install it")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("terminated")),
        "{messages:#?}"
    );
    assert_eq!(
        audited(&app, "refunded_order", &order, &owner_name).await,
        1
    );

    // A new confirmation of an already refunded order is refused.
    let id = action_id(&app, &owner).await;
    let (status, body) = act(&app, &owner, "admin/refund_order", &order, &id, &reason).await;
    assert_ne!(status, 200);
    assert!(body.contains("already refunded"), "{body}");
}

#[tokio::test]
async fn a_resolved_order_leaves_the_dashboards_attention_list() {
    let app = app_with_owner().await;
    let support = support_cookie(&app).await;
    let (order, _) = app.buy_esim(PLAN, BUYER).await;
    // Its delivery email gave up, say (once the real job has finished, so it cannot undo that).
    app.wait_until("the delivery email job", 10, || async {
        (app.scalar(&format!(
            "SELECT COUNT(*) FROM jobs WHERE subject = '{order}' AND kind = 'email_esim_delivery' AND state = 'done'"
        ))
        .await
            == 1)
            .then_some(())
    })
    .await;
    sqlx::query(
        "UPDATE jobs SET state = 'dead' WHERE subject = $1 AND kind = 'email_esim_delivery'",
    )
    .bind(&order)
    .execute(app.db.pool())
    .await
    .unwrap();
    assert_eq!(attention(&app, &support).await, vec![order.clone()]);

    let id = action_id(&app, &support).await;
    let note = [("note", "Sent the codes by hand")];
    let (status, body) = act(&app, &support, "admin/resolve_order", &order, &id, &note).await;
    assert_eq!(status, 200, "{body}");
    assert!(attention(&app, &support).await.is_empty());
    assert_eq!(
        app.order_field(&order, "resolved_by").await.as_deref(),
        Some(SUPPORT_NAME)
    );
    assert!(timeline(&app, &order).await.contains(&format!(
        "Marked resolved by {SUPPORT_NAME}: Sent the codes by hand"
    )));
    assert_eq!(
        audited(&app, "resolved_order", &order, SUPPORT_NAME).await,
        1
    );
    let (status, body) = app
        .server_fn(Some(&support), "admin/get_order", &[("order_id", &order)])
        .await;
    assert_eq!(status, 200, "{body}");
    let resolved = &json(&body)["resolved"];
    assert_eq!(
        (resolved["by"].as_str(), resolved["note"].as_str()),
        (Some(SUPPORT_NAME), Some("Sent the codes by hand"))
    );
}

#[tokio::test]
async fn a_resend_stores_and_sends_a_second_delivery_email() {
    let app = app_with_owner().await;
    let support = support_cookie(&app).await;
    let (order, _) = app.buy_esim(PLAN, BUYER).await;
    let first = app.email_of_order(&order, "esim_delivery").await;
    let id = action_id(&app, &support).await;
    for _ in 0..2 {
        let (status, body) = act(&app, &support, "admin/resend_esim_email", &order, &id, &[]).await;
        assert_eq!(status, 200, "{body}");
    }
    app.wait_until("the resent email", 10, || async {
        (delivery_emails_sent(&app, &order).await == 2).then_some(())
    })
    .await;
    let copy = app
        .email_of_order(&order, &format!("esim_delivery_resend_{id}"))
        .await;
    // The same email with a new order link: only hashes of links are stored, so the first
    // link cannot be sent again; both open the order.
    let (first_link, copy_link) = (app.local_link(&first), app.local_link(&copy));
    assert_ne!(copy_link, first_link);
    assert_eq!(redact_text(&copy), redact_text(&first), "the same email");
    for link in [first_link, copy_link] {
        let (status, page) = app
            .get_html(link.strip_prefix(&app.base_url).unwrap())
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("Your eSIM is ready"));
    }
    assert_eq!(
        audited(&app, "resent_esim_email", &order, SUPPORT_NAME).await,
        1
    );
}

#[tokio::test]
async fn a_refund_is_confirmed_and_sent_without_javascript() {
    let app = app_with_owner().await;
    let support = support_cookie(&app).await;
    let (order, _) = app.buy_esim(PLAN, BUYER).await;
    let page = format!("/admin/orders/{order}");
    let (status, body) = app.get_as(&support, &page).await;
    assert_eq!(status, 200);
    assert!(body.contains(&format!("{page}?confirm=refund")), "{body}");

    let (status, body) = app
        .get_as(&support, &format!("{page}?confirm=refund"))
        .await;
    assert_eq!(status, 200);
    let amount = app
        .scalar(&format!(
            "SELECT amount_minor FROM orders WHERE id = '{order}'"
        ))
        .await;
    let shown = format!("${}.{:02}", amount / 100, amount % 100);
    assert!(
        body.contains(&format!("Confirm refund of {shown}")),
        "{body}"
    );
    let marker = r#"name="action_id" value=""#;
    let start = body.find(marker).expect("an action id") + marker.len();
    let action_id = &body[start..start + body[start..].find('"').unwrap()];
    assert!(action_id.len() >= 32, "{action_id}");
    assert_eq!(
        app.order_status(&order).await,
        "ready",
        "asking changes nothing"
    );

    let response = app
        .http
        .post(format!("{}/api/admin/refund_order", app.base_url))
        .header("cookie", &support)
        .header("accept", "text/html")
        .form(&[
            ("order_id", order.as_str()),
            ("action_id", action_id),
            ("reason", "Asked by email"),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        format!("{page}?done=refund")
    );
    app.wait_for_status(&order, "refunded", 20).await;
    let (status, body) = app.get_as(&support, &format!("{page}?done=refund")).await;
    assert_eq!(status, 200);
    assert!(body.contains("The refund has started."), "{body}");
}
