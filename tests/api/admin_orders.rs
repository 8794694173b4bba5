//! The admin's orders: only support and owners read them (pages and server functions alike); the
//! list finds an order by email, ICCID or id and filters it out by status or date; the detail shows
//! the whole timeline (routing and provider notes included), the jobs and the emails.

use crate::admin::{
    admin_cookie, app_with_owner, json, support_cookie, OWNER_EMAIL, OWNER_PASSWORD,
    SIGN_IN_REQUIRED,
};
use crate::support::TestApp;

const PLAN: &str = "esimfx_1G_7D_JP";
const BUYER: &str = "Sarah.Traveller@example.com";

/// The owner's and a new support admin's cookies.
async fn staff_cookies(app: &TestApp) -> [(&'static str, String); 2] {
    [
        (
            "owner",
            admin_cookie(app, OWNER_EMAIL, OWNER_PASSWORD).await,
        ),
        ("support", support_cookie(app).await),
    ]
}

/// The ids of the orders `list_orders` answers for `form`, and the total it reports.
async fn found(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> (Vec<String>, i64) {
    let (status, body) = app.server_fn(Some(cookie), "admin/list_orders", form).await;
    assert_eq!(status, 200, "{form:?}: {body}");
    let page = &json(&body)["page"];
    let ids = page["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, page["total"].as_i64().unwrap())
}

#[tokio::test]
async fn admin_orders_refuse_anonymous_visitors_and_travellers() {
    let app = app_with_owner().await;
    let (order, iccid) = app.buy_esim(PLAN, BUYER).await;
    let traveller = app.sign_in(BUYER).await;
    let detail = format!("/admin/orders/{order}");
    for (who, cookie) in [("anonymous", ""), ("the traveller", traveller.as_str())] {
        for page in ["/admin/orders", "/admin/orders?q=sarah", detail.as_str()] {
            let (status, body) = app.get_as(cookie, page).await;
            assert_eq!(status, 401, "{who} on {page}");
            assert!(
                body.contains("Sign in to the admin panel") && body.contains(r#"name="password""#),
                "{who} on {page}: the sign-in form"
            );
            for private in [iccid.as_str(), "order-row", "timeline-entry", "Japan 1 GB"] {
                assert!(!body.contains(private), "{who} on {page}: {private}");
            }
        }
        let cookie = (!cookie.is_empty()).then_some(cookie);
        for (name, form) in [
            ("admin/list_orders", vec![]),
            ("admin/get_order", vec![("order_id", order.as_str())]),
        ] {
            let (status, body) = app.server_fn(cookie, name, &form).await;
            assert_eq!(status, 401, "{who}: {name}: {body}");
            assert!(body.contains(SIGN_IN_REQUIRED), "{name}: {body}");
            assert!(!body.contains(&iccid), "{name}: {body}");
        }
    }
}

#[tokio::test]
async fn support_and_owner_find_an_order_by_email_iccid_or_id() {
    let app = app_with_owner().await;
    let (order, iccid) = app.buy_esim(PLAN, BUYER).await;
    let (other, _) = app.buy_esim(PLAN, "someone.else@example.com").await;
    let prefix = &order[..order.len() - 4];
    for (who, cookie) in staff_cookies(&app).await {
        let (all, total) = found(&app, &cookie, &[]).await;
        assert_eq!(total, 2, "{who}");
        assert_eq!(all, [other.clone(), order.clone()], "{who}: newest first");
        for query in [
            "sarah.TRAVELLER@example",
            "traveller@",
            &iccid,
            &order,
            prefix,
        ] {
            let (ids, total) = found(&app, &cookie, &[("query", query)]).await;
            assert_eq!((ids, total), (vec![order.clone()], 1), "{who}: {query}");
        }
        let by_email = [("query", "sarah.traveller")];
        let filtered = |extra: (&'static str, &'static str)| {
            let mut form = by_email.to_vec();
            form.push(extra);
            form
        };
        for kept in [
            ("status", "ready"),
            ("provider", "esimfx"),
            ("from", "2000-01-01"),
        ] {
            assert_eq!(
                found(&app, &cookie, &filtered(kept)).await.1,
                1,
                "{who}: {kept:?}"
            );
        }
        for excluded in [
            ("status", "failed"),
            ("provider", "truphone"),
            ("to", "2000-01-01"),
        ] {
            assert_eq!(
                found(&app, &cookie, &filtered(excluded)).await,
                (vec![], 0),
                "{who}: {excluded:?}"
            );
        }
        let (status, body) = app
            .server_fn(Some(&cookie), "admin/list_orders", &[("status", "shipped")])
            .await;
        assert!(status >= 400, "{status}");
        assert!(body.contains("There is no order status called"), "{body}");

        let (status, page) = app
            .get_as(
                &cookie,
                "/admin/orders?q=sarah.traveller%40example.com&status=ready",
            )
            .await;
        assert_eq!(status, 200, "{who}");
        assert!(
            page.contains(&format!("href=\"/admin/orders/{order}\"")),
            "{who}: the link"
        );
        assert!(page.contains(&iccid), "{who}: the ICCID");
        assert!(!page.contains(&other), "{who}: only the match");
        assert!(page.contains("Page 1 of 1 · 1 order"), "{who}");
        assert!(page.contains("Orders"), "{who}: the nav");
        let (_, none) = app.get_as(&cookie, "/admin/orders?status=failed").await;
        assert!(none.contains("No orders match."), "{who}");
    }
}

#[tokio::test]
async fn the_detail_shows_the_whole_timeline_the_jobs_and_the_emails() {
    let app = app_with_owner().await;
    let (order, iccid) = app.buy_esim(PLAN, BUYER).await;
    app.email_of_order(&order, "esim_delivery").await;
    for (who, cookie) in staff_cookies(&app).await {
        let (status, body) = app
            .server_fn(Some(&cookie), "admin/get_order", &[("order_id", &order)])
            .await;
        assert_eq!(status, 200, "{who}: {body}");
        let detail = json(&body);
        assert_eq!(detail["status"], "ready");
        assert_eq!(detail["provider"], "esimfx");
        assert_eq!(detail["iccid"], iccid.as_str());
        let (paid, wholesale, margin) = (
            detail["amount"]["minor"].as_i64().unwrap(),
            detail["wholesale"]["minor"].as_i64().unwrap(),
            detail["margin"]["minor"].as_i64().unwrap(),
        );
        assert!(
            wholesale > 0 && margin > 0 && paid == wholesale + margin,
            "{body}"
        );
        assert!(detail["payment_intent"].as_str().is_some(), "{body}");
        assert!(detail["provider_order_id"].as_str().is_some(), "{body}");

        let timeline = detail["timeline"].as_array().unwrap();
        let with = |kind: &str, text: &str| {
            timeline.iter().any(|entry| {
                entry["kind"] == kind && entry["message"].as_str().unwrap().contains(text)
            })
        };
        assert!(with("routing", "Routing: esimfx serves"), "{body}");
        assert!(
            with("provider", &format!("esimfx delivered eSIM {iccid}")),
            "{body}"
        );
        assert!(
            timeline
                .iter()
                .any(|entry| entry["to"] == "ready" && entry["message"] == "eSIM ready"),
            "{body}"
        );
        let emails = detail["emails"].as_array().unwrap();
        assert!(
            emails.iter().any(|email| email["kind"] == "esim_delivery"
                && email["recipient"]
                    .as_str()
                    .is_some_and(|to| to.eq_ignore_ascii_case(BUYER))),
            "{body}"
        );
        let jobs = detail["jobs"].as_array().unwrap();
        for kind in ["fulfil_order", "email_esim_delivery"] {
            assert!(
                jobs.iter()
                    .any(|job| job["kind"] == kind && job["state"] == "done"),
                "{kind}: {body}"
            );
        }

        let (status, page) = app.get_as(&cookie, &format!("/admin/orders/{order}")).await;
        assert_eq!(status, 200, "{who}");
        assert!(page.contains("Routing: esimfx serves"), "{who}: routing");
        assert!(page.contains("delivered eSIM"), "{who}: delivery");
        assert!(page.contains("eSIM ready"), "{who}: status change");
        assert!(page.contains("data-testid=\"email-row\""), "{who}: emails");
        assert!(page.contains("data-testid=\"job-row\""), "{who}: jobs");

        let (status, body) = app
            .server_fn(
                Some(&cookie),
                "admin/get_order",
                &[("order_id", "ord_nope")],
            )
            .await;
        assert_eq!((status, body.as_str()), (200, "null"), "{who}");
        let (status, page) = app.get_as(&cookie, "/admin/orders/ord_nope").await;
        assert_eq!(status, 404, "{who}");
        assert!(page.contains("No order has this id."), "{who}");
    }
}
