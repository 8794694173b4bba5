//! The admin panel: staff accounts apart from travellers, sign-in with a rate limit, sessions
//! that end, every admin page and server function guarded, the audit log and the dashboard.

use crate::support::{spawn_app_configured, TestApp};
use store::admin::AdminRole;
use tern::config::AdminBootstrap;

pub(crate) const OWNER_EMAIL: &str = "owner@tern.test";
pub(crate) const OWNER_PASSWORD: &str = "owner password 1234";
pub(crate) const SUPPORT_EMAIL: &str = "support@tern.test";
pub(crate) const SUPPORT_PASSWORD: &str = "support password 1234";

const PAGES: [&str; 3] = ["/admin", "/admin/audit", "/admin/team"];
/// Every admin server function that needs a signed-in admin, with a valid form.
const FUNCTIONS: [(&str, &[(&str, &str)]); 6] = [
    ("admin/get_admin_profile", &[]),
    ("admin/get_dashboard", &[]),
    ("admin/list_audit_log", &[]),
    ("admin/list_admins", &[]),
    ("admin/sign_out_admin", &[]),
    (
        "admin/create_support_admin",
        &[
            ("email", "new-support@tern.test"),
            ("name", "New Support"),
            ("password", "a long enough password"),
        ],
    ),
];
pub(crate) const SIGN_IN_REQUIRED: &str = "Please sign in to the admin panel.";

/// Tern with the first owner created from TERN_ADMIN_EMAIL and TERN_ADMIN_PASSWORD.
pub(crate) async fn app_with_owner() -> TestApp {
    spawn_app_configured(&["esimfx"], |settings| {
        settings.admin = AdminBootstrap {
            email: Some(OWNER_EMAIL.into()),
            password: Some(OWNER_PASSWORD.into()),
        };
    })
    .await
}

/// Posts the sign-in form as the hydrated page does; the status, body and `Set-Cookie`.
pub(crate) async fn sign_in_attempt(
    app: &TestApp,
    email: &str,
    password: &str,
) -> (u16, String, Option<String>) {
    let response = app
        .http
        .post(format!("{}/api/admin/sign_in_admin", app.base_url))
        .header("accept", "application/json")
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|value| value.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        response.text().await.unwrap(),
        cookie,
    )
}

/// Signs in and returns the `Cookie` header value for the admin session.
pub(crate) async fn admin_cookie(app: &TestApp, email: &str, password: &str) -> String {
    let (status, body, cookie) = sign_in_attempt(app, email, password).await;
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.starts_with("tern_admin="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    cookie.split(';').next().unwrap().to_owned()
}

pub(crate) async fn support_cookie(app: &TestApp) -> String {
    store::admin::create_admin(
        &app.db,
        SUPPORT_EMAIL,
        "Sam Support",
        AdminRole::Support,
        SUPPORT_PASSWORD,
    )
    .await
    .unwrap();
    admin_cookie(app, SUPPORT_EMAIL, SUPPORT_PASSWORD).await
}

async fn admin_count(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM admins").await
}

/// The ids of the orders the dashboard lists as needing a person.
pub(crate) async fn attention(app: &TestApp, cookie: &str) -> Vec<String> {
    let (status, body) = app
        .server_fn(Some(cookie), "admin/get_dashboard", &[])
        .await;
    assert_eq!(status, 200, "{body}");
    json(&body)["attention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["id"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON: {body}"))
}

#[tokio::test]
async fn admin_pages_show_the_sign_in_form_to_anonymous_visitors_and_travellers() {
    let app = app_with_owner().await;
    let traveller = app.sign_in("traveller@example.com").await;
    let traveller_secret = traveller.split_once('=').unwrap().1.to_owned();
    let visitors = [
        ("anonymous", String::new()),
        ("a traveller", traveller),
        // A traveller's session secret under the admin cookie's name opens nothing either.
        (
            "a traveller's secret",
            format!("tern_admin={traveller_secret}"),
        ),
    ];
    for (who, cookie) in &visitors {
        for page in PAGES {
            let (status, body) = app.get_as(cookie, page).await;
            assert_eq!(status, 401, "{who} on {page}");
            assert!(
                body.contains("Sign in to the admin panel"),
                "{who} on {page}"
            );
            assert!(
                body.contains(r#"name="password""#),
                "{who} on {page}: the form"
            );
            assert!(body.contains("noindex"), "{page} is noindex");
            assert!(
                !body.contains("data-testid=\"provider-row\""),
                "{who} on {page}"
            );
        }
    }
    let (status, body) = app.get_html("/admin/sign-in").await;
    assert_eq!(status, 200);
    assert!(body.contains("noindex") && body.contains(r#"name="password""#));
    // The shop's own pages never point at the admin panel.
    let (_, home) = app.get_html("/").await;
    assert!(!home.contains("/admin"));
}

#[tokio::test]
async fn admin_server_functions_refuse_anonymous_visitors_and_travellers() {
    let app = app_with_owner().await;
    let traveller = app.sign_in("traveller@example.com").await;
    for cookie in [None, Some(traveller.as_str())] {
        for (name, form) in FUNCTIONS {
            let (status, body) = app.server_fn(cookie, name, form).await;
            assert_eq!(status, 401, "{name} with {cookie:?}: {body}");
            assert!(body.contains(SIGN_IN_REQUIRED), "{name}: {body}");
        }
    }
    assert_eq!(admin_count(&app).await, 1, "no account was created");
}

#[tokio::test]
async fn support_sees_every_page_but_cannot_add_accounts() {
    let app = app_with_owner().await;
    let support = support_cookie(&app).await;
    for page in PAGES {
        let (status, body) = app.get_as(&support, page).await;
        assert_eq!(status, 200, "support on {page}");
        assert!(
            body.contains("Sam Support") && body.contains("Support"),
            "{page}: the header"
        );
        assert!(
            body.contains("Audit log") && body.contains("Dashboard"),
            "{page}: the nav"
        );
    }
    for (name, form) in FUNCTIONS {
        if name == "admin/sign_out_admin" {
            // Tried last: it ends the session.
            continue;
        }
        let (status, body) = app.server_fn(Some(&support), name, form).await;
        if name == "admin/create_support_admin" {
            assert_eq!(status, 403, "{name}: {body}");
            assert!(body.contains("Only an owner can do this."), "{body}");
        } else {
            assert_eq!(status, 200, "{name}: {body}");
        }
    }
    assert_eq!(admin_count(&app).await, 2, "support created nobody");
    let (status, _) = app
        .server_fn(Some(&support), "admin/sign_out_admin", &[])
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.get_as(&support, "/admin").await.0, 401, "signed out");
}

#[tokio::test]
async fn the_owner_adds_a_support_account_and_the_log_shows_it() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    for page in PAGES {
        let (status, _) = app.get_as(&owner, page).await;
        assert_eq!(status, 200, "owner on {page}");
    }
    let (name, form) = FUNCTIONS[5];
    let (status, body) = app.server_fn(Some(&owner), name, form).await;
    assert_eq!(status, 200, "{body}");
    let member = json(&body);
    assert_eq!(member["role"], "Support");
    // The new account signs in with the password the owner chose.
    admin_cookie(&app, "new-support@tern.test", "a long enough password").await;
    // The same address twice is refused.
    let (status, body) = app.server_fn(Some(&owner), name, form).await;
    assert!(
        status >= 400 && body.contains("already an admin account"),
        "{status} {body}"
    );

    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/list_audit_log",
            &[("action", "created_admin")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let log = json(&body);
    let entries = log["page"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["admin_name"], "Owner");
    assert_eq!(entries[0]["subject"], member["id"]);
    let (_, body) = app
        .server_fn(
            Some(&owner),
            "admin/list_audit_log",
            &[("action", "signed_in")],
        )
        .await;
    assert_eq!(
        json(&body)["page"]["entries"].as_array().unwrap().len(),
        2,
        "owner and new support"
    );
    let (_, page) = app
        .get_as(&owner, "/admin/audit?action=created_admin")
        .await;
    assert!(
        page.contains("New Support &lt;new-support@tern.test&gt; (support)")
            || page.contains("New Support <new-support@tern.test> (support)"),
        "{page}"
    );
    let (_, team) = app.get_as(&owner, "/admin/team").await;
    assert!(team.contains("new-support@tern.test"));
}

#[tokio::test]
async fn the_sixth_attempt_is_refused_even_with_the_right_password() {
    let app = app_with_owner().await;
    for attempt in 1..=5 {
        let (status, body, cookie) = sign_in_attempt(&app, OWNER_EMAIL, "a wrong password!").await;
        assert!(status >= 400, "attempt {attempt}: {status}");
        assert!(body.contains("do not match"), "attempt {attempt}: {body}");
        assert!(cookie.is_none());
    }
    let (status, body, cookie) = sign_in_attempt(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    assert!(status >= 400, "{status}");
    assert!(body.contains("Too many failed sign-ins"), "{body}");
    assert!(cookie.is_none(), "no session");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM admin_sessions").await, 0);
}

#[tokio::test]
async fn an_unknown_address_is_refused_like_a_wrong_password() {
    let app = app_with_owner().await;
    let (_, unknown, _) = sign_in_attempt(&app, "nobody@tern.test", OWNER_PASSWORD).await;
    let (_, wrong, _) = sign_in_attempt(&app, OWNER_EMAIL, "a wrong password!").await;
    assert!(unknown.contains("do not match") && wrong.contains("do not match"));
}

#[tokio::test]
async fn an_expired_session_opens_nothing() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(app.get_as(&owner, "/admin").await.0, 200);
    sqlx::query("UPDATE admin_sessions SET expires_at = $1")
        .bind(store::clock::now_millis() - 1)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(app.get_as(&owner, "/admin").await.0, 401);
    let (status, body) = app
        .server_fn(Some(&owner), "admin/get_dashboard", &[])
        .await;
    assert_eq!(status, 401, "{body}");
}

#[tokio::test]
async fn using_a_session_extends_it() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    // As if signed in 7 hours ago and last used then: one hour left.
    let now = store::clock::now_millis();
    let hour = 3_600_000;
    sqlx::query("UPDATE admin_sessions SET created_at = $1, last_seen_at = $1, expires_at = $2")
        .bind(now - 7 * hour)
        .bind(now + hour)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        app.server_fn(Some(&owner), "admin/get_dashboard", &[])
            .await
            .0,
        200
    );
    let expires = app.scalar("SELECT expires_at FROM admin_sessions").await;
    assert!(
        expires >= now + 8 * hour - 60_000,
        "extended to 8 hours from now"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_and_is_audited() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let response = app
        .http
        .post(format!("{}/api/admin/sign_out_admin", app.base_url))
        .header("accept", "application/json")
        .header("cookie", &owner)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cleared = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("tern_admin=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_eq!(
        app.server_fn(Some(&owner), "admin/get_dashboard", &[])
            .await
            .0,
        401
    );
    let actions = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('signed_in', 'signed_out')")
        .await;
    assert_eq!(actions, 2);
}

#[tokio::test]
async fn the_forms_work_without_javascript() {
    let app = app_with_owner().await;
    let post = |path: &str, form: Vec<(&'static str, String)>, cookie: Option<String>| {
        let mut request = app
            .http
            .post(format!("{}{path}", app.base_url))
            .header("accept", "text/html")
            .form(&form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let wrong = post(
        "/api/admin/sign_in_admin",
        vec![
            ("email", OWNER_EMAIL.into()),
            ("password", "a wrong password!".into()),
            ("next", "/admin/team".into()),
        ],
        None,
    )
    .await
    .unwrap();
    assert!(wrong.status().is_redirection());
    let back = wrong.headers()["location"].to_str().unwrap();
    assert!(
        back.starts_with("/admin/sign-in?email=owner%40tern.test"),
        "{back}"
    );
    assert!(
        !back.contains("wrong"),
        "the password never goes in an address: {back}"
    );

    let right = post(
        "/api/admin/sign_in_admin",
        vec![
            ("email", OWNER_EMAIL.into()),
            ("password", OWNER_PASSWORD.into()),
            ("next", "/admin/team".into()),
        ],
        None,
    )
    .await
    .unwrap();
    assert!(right.status().is_redirection());
    assert_eq!(right.headers()["location"], "/admin/team");
    let cookie = right.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    assert_eq!(app.get_as(&cookie, "/admin/team").await.0, 200);

    let created = post(
        "/api/admin/create_support_admin",
        vec![
            ("email", "nojs@tern.test".into()),
            ("name", "No Script".into()),
            ("password", "a long enough password".into()),
        ],
        Some(cookie.clone()),
    )
    .await
    .unwrap();
    assert!(created.status().is_redirection());
    assert_eq!(
        created.headers()["location"],
        "/admin/team?created=nojs%40tern.test"
    );

    let out = post("/api/admin/sign_out_admin", vec![], Some(cookie.clone()))
        .await
        .unwrap();
    assert!(out.status().is_redirection());
    assert_eq!(out.headers()["location"], "/admin/sign-in?signed_out=1");
    assert_eq!(app.get_as(&cookie, "/admin").await.0, 401);
}

#[tokio::test]
async fn the_environment_creates_exactly_one_owner() {
    let mut app = app_with_owner().await;
    let owners = "SELECT COUNT(*) FROM admins WHERE role = 'owner' AND email = 'owner@tern.test'";
    assert_eq!(app.scalar(owners).await, 1);
    app.crash_and_restart().await;
    assert_eq!(
        app.scalar(owners).await,
        1,
        "a restart creates no second owner"
    );
    assert_eq!(admin_count(&app).await, 1);
    let stored: String = {
        use sqlx::Row;
        sqlx::query("SELECT password_hash FROM admins")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get("password_hash")
    };
    assert!(stored.starts_with("$argon2id$") && !stored.contains(OWNER_PASSWORD));
    admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
}

#[tokio::test]
async fn the_dashboard_counts_todays_paid_order_and_its_revenue() {
    let app = app_with_owner().await;
    let (order, _) = app.buy_esim("esimfx_1G_7D_JP", "buyer@example.com").await;
    let amount: i64 = app
        .scalar(&format!(
            "SELECT amount_minor FROM orders WHERE id = '{order}'"
        ))
        .await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let (status, body) = app
        .server_fn(Some(&owner), "admin/get_dashboard", &[])
        .await;
    assert_eq!(status, 200, "{body}");
    let dashboard = json(&body);
    for period in ["today", "last_7_days"] {
        assert_eq!(dashboard[period]["orders"], 1, "{period}");
        assert_eq!(dashboard[period]["revenue"][0]["minor"], amount, "{period}");
    }
    assert_eq!(dashboard["by_status"][0]["status"], "ready");
    assert_eq!(dashboard["attention"].as_array().unwrap().len(), 0);
    let providers = dashboard["providers"].as_array().unwrap();
    assert_eq!(providers.len(), 1);
    assert_eq!(providers[0]["provider"], "esimfx");
    assert!(
        providers[0]["calls"].as_i64().unwrap() >= 1,
        "the purchase was a call"
    );
    assert_eq!(providers[0]["healthy"], true);

    let (status, page) = app.get_as(&owner, "/admin").await;
    assert_eq!(status, 200);
    assert!(page.contains("1 order"), "today's count on the page");
    assert!(page.contains("data-testid=\"provider-row\""));
}

#[tokio::test]
async fn orders_that_need_a_person_are_listed() {
    let app = app_with_owner().await;
    let (order, _) = app.buy_esim("esimfx_1G_7D_JP", "buyer@example.com").await;
    // A background job for the order gave up.
    sqlx::query("UPDATE jobs SET state = 'dead' WHERE subject = $1")
        .bind(&order)
        .execute(app.db.pool())
        .await
        .unwrap();
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let (_, body) = app
        .server_fn(Some(&owner), "admin/get_dashboard", &[])
        .await;
    let attention = json(&body)["attention"].as_array().unwrap().clone();
    assert_eq!(attention.len(), 1, "{body}");
    assert_eq!(attention[0]["id"], order.as_str());
    assert!(attention[0]["reason"].as_str().unwrap().contains("gave up"));
}
