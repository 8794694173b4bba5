//! No script injection: `next` is only ever a path on this site, and every kind of answer carries
//! the security headers (a Content-Security-Policy with a fresh nonce, no framing, no sniffing,
//! no referrer to other sites), with `no-store` on anything showing a signed-in person's data.

use crate::admin::{admin_cookie, app_with_owner, OWNER_EMAIL, OWNER_PASSWORD};
use crate::support::{spawn_app, TestApp};
use reqwest::header::HeaderMap;

const PLAN: &str = "esimfx_1G_7D_JP";

/// The headers every answer must carry, whatever produced it.
fn assert_secured(what: &str, headers: &HeaderMap) {
    let csp = header(headers, "content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{what}: {directive} in {csp}");
    }
    assert!(!csp.contains("'unsafe-eval'"), "{what}: {csp}");
    assert_eq!(
        header(headers, "x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header(headers, "referrer-policy").as_deref(),
        Some("same-origin"),
        "{what}"
    );
    let permissions = header(headers, "permissions-policy").unwrap_or_default();
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
        assert!(
            permissions.contains(feature),
            "{what}: {feature} in {permissions}"
        );
    }
    // The test shop's public URL is https://tern.example.
    assert_eq!(
        header(headers, "strict-transport-security").as_deref(),
        Some("max-age=31536000"),
        "{what}"
    );
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn no_store(headers: &HeaderMap) -> bool {
    header(headers, "cache-control").is_some_and(|value| value.contains("no-store"))
}

/// The `'nonce-…'` of a page's policy.
fn nonce_of(headers: &HeaderMap) -> String {
    let csp = header(headers, "content-security-policy").expect("a policy");
    let start = csp.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

async fn get_with(app: &TestApp, cookie: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = app.http.get(format!("{}{path}", app.base_url));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("request sent")
}

#[tokio::test]
async fn a_signed_in_traveller_is_never_offered_a_script_link() {
    let app = spawn_app().await;
    let cookie = app.sign_in("next@example.com").await;
    for next in [
        "javascript:alert(document.domain)",
        "JavaScript:alert(document.domain)",
        "%09javascript:alert(document.domain)",
        "/%09/evil.example",
        "//evil.example",
        "/%5Cevil.example",
    ] {
        let (status, page) = app.get_as(&cookie, &format!("/sign-in?next={next}")).await;
        assert_eq!(status, 200, "{next}");
        assert!(
            page.contains("You are signed in as next@example.com"),
            "{next}"
        );
        assert!(
            page.contains(r#"<a href="/my-esims">Go to My eSIMs"#),
            "{next}: Go to My eSIMs leads home"
        );
        let lower = page.to_lowercase();
        assert!(!lower.contains("javascript:"), "{next} rendered");
        assert!(!lower.contains("evil.example"), "{next} rendered");
    }
    // A path on this site is still followed.
    let (_, page) = app.get_as(&cookie, "/sign-in?next=/my-esims/8944").await;
    assert!(page.contains(r#"<a href="/my-esims/8944">Go to My eSIMs"#));
}

#[tokio::test]
async fn a_sign_in_link_never_leads_off_the_site() {
    let app = spawn_app().await;
    // Browsers drop the tab, so `/\t/evil.example` would take them to //evil.example.
    let nasty = [
        "/\t/evil.example",
        "/%2F%2Fevil.example",
        "javascript:alert(1)",
    ];
    for (i, next) in nasty.into_iter().enumerate() {
        let email = format!("away{i}@example.com");
        let (status, body) = app
            .server_fn(
                None,
                "my_esim/request_sign_in",
                &[("email", &email), ("next", next)],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let sent = format!(
            "SELECT COUNT(*) FROM emails WHERE recipient = '{email}' AND kind = 'sign_in_link'"
        );
        app.wait_until("the sign-in email", 10, || async {
            (app.scalar(&sent).await > 0).then_some(())
        })
        .await;
        let link = app.local_link(&app.latest_email_to(&email, "sign_in_link").await);
        let landed = app.confirm_sign_in(&link).await;
        assert_eq!(landed.status(), 303, "{next}");
        assert_eq!(landed.headers()["location"], "/my-esims", "{next}");
    }
}

#[tokio::test]
async fn a_guest_asking_for_an_install_pack_is_sent_to_sign_in_whatever_the_iccid() {
    let app = spawn_app().await;
    let response = get_with(&app, None, "/my-esims/8944/install-pack").await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/sign-in?next=/my-esims/8944"
    );
    // A line break in the ICCID must neither break the answer nor reach the Location header.
    let response = get_with(&app, None, "/my-esims/%0D%0AX:%20y/install-pack").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/sign-in");
}

#[tokio::test]
async fn the_admin_sign_in_form_passes_on_only_admin_pages() {
    let app = spawn_app().await;
    let (_, page) = app
        .get_html("/admin/sign-in?next=javascript:alert(document.domain)")
        .await;
    assert!(page.contains(r#"name="next" value="/admin""#), "{page}");
    assert!(!page.to_lowercase().contains("javascript:"));
    let (_, page) = app.get_html("/admin/sign-in?next=/admin/audit").await;
    assert!(page.contains(r#"name="next" value="/admin/audit""#));
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let page = get_with(&app, None, "/esim/japan").await;
    assert_eq!(page.status(), 200);
    assert_secured("a page", page.headers());
    let not_found = get_with(&app, None, "/no-such-page").await;
    assert_eq!(not_found.status(), 404);
    assert_secured("a missing page", not_found.headers());
    let static_file = get_with(&app, None, "/favicon.svg").await;
    assert_eq!(static_file.status(), 200);
    assert_secured("a static file", static_file.headers());
    for plain in ["/healthz", "/robots.txt", "/sitemap.xml"] {
        let response = get_with(&app, None, plain).await;
        assert_eq!(response.status(), 200, "{plain}");
        assert_secured(plain, response.headers());
    }
    let server_fn = app
        .http
        .post(format!("{}/api/catalogue/home", app.base_url))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(server_fn.status(), 200);
    assert_secured("a server function", server_fn.headers());
    let refused = app
        .http
        .post(format!("{}/webhooks/stripe", app.base_url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(refused.status().is_client_error(), "{}", refused.status());
    assert_secured("a refused webhook", refused.headers());
    let wrong_method = get_with(&app, None, "/webhooks/stripe").await;
    assert_eq!(wrong_method.status(), 405);
    assert_secured("a wrong method", wrong_method.headers());
    let redirect = app
        .http
        .post(format!("{}/checkout", app.base_url))
        .form(&[("plan_id", "no-such-plan"), ("email", "a@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 303);
    assert_secured("a redirect", redirect.headers());
    let outbox = get_with(&app, None, "/dev/outbox").await;
    assert_secured("the development outbox", outbox.headers());
    let outbox_csp = header(outbox.headers(), "content-security-policy").unwrap();
    assert!(outbox_csp.contains("script-src 'none'"), "{outbox_csp}");
}

#[tokio::test]
async fn each_page_has_a_fresh_nonce_on_its_own_scripts() {
    let app = spawn_app().await;
    let first = get_with(&app, None, "/").await;
    let second = get_with(&app, None, "/").await;
    let (nonce, other) = (nonce_of(first.headers()), nonce_of(second.headers()));
    assert!(nonce.len() >= 16, "{nonce}");
    assert_ne!(nonce, other, "a nonce is never reused");
    let csp = header(first.headers(), "content-security-policy").unwrap();
    assert!(csp.contains(&format!(
        "script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"
    )));
    assert!(!csp.contains("'unsafe-inline'"), "{csp}");
    let html = first.text().await.unwrap();
    assert!(
        html.contains(&format!(r#"<script type="module" nonce="{nonce}">"#)),
        "the hydration script carries the policy's nonce"
    );
    // Every inline script on the page carries it: a script without one would not run.
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!(r#"nonce="{nonce}""#)).count();
    assert!(scripts >= 1);
    assert!(
        with_nonce >= scripts,
        "{scripts} scripts, {with_nonce} with the nonce"
    );
    // A plan's page holds structured data for search engines, also with the nonce.
    let plan = app.plan_id(PLAN).await;
    let response = get_with(&app, None, &format!("/plan/{plan}")).await;
    let nonce = nonce_of(response.headers());
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!(
            r#"<script type="application/ld+json" nonce="{nonce}">"#
        )),
        "{html}"
    );
    assert!(!html.contains(" style="), "no inline style attributes");
}

#[tokio::test]
async fn pages_with_a_signed_in_persons_data_are_never_stored() {
    let app = app_with_owner().await;
    let (order, session) = app.start_checkout_as(None, PLAN, "kept@example.com").await;
    assert_eq!(app.pay(&session, "4242424242424242").await.status(), 200);
    app.wait_for_status(&order, "ready", 20).await;
    let iccid = app.order_field(&order, "iccid").await.expect("an ICCID");
    let traveller = app.sign_in("kept@example.com").await;
    let admin = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;

    let public = get_with(&app, None, "/esim/japan").await;
    assert!(
        !no_store(public.headers()),
        "a visitor's page may be cached"
    );
    for path in [
        "/my-esims".to_owned(),
        format!("/my-esims/{iccid}"),
        format!("/my-esims/{iccid}/install-pack"),
        "/sign-in".to_owned(),
        // Every page's header names the signed-in traveller.
        "/esim/japan".to_owned(),
    ] {
        let response = get_with(&app, Some(&traveller), &path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(no_store(response.headers()), "{path} is no-store");
        assert_secured(&path, response.headers());
    }
    let token = app.order_token(&session).await;
    let order_page = get_with(&app, None, &format!("/order/{order}?token={token}")).await;
    assert_eq!(order_page.status(), 200);
    assert!(no_store(order_page.headers()), "the order page is no-store");
    for path in ["/admin", "/admin/orders", &format!("/admin/orders/{order}")] {
        let response = get_with(&app, Some(&admin), path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(no_store(response.headers()), "{path} is no-store");
    }
    let (status, _) = app
        .server_fn(Some(&traveller), "my_esim/my_esims", &[])
        .await;
    assert_eq!(status, 200);
    let answer = app
        .http
        .post(format!("{}/api/my_esim/my_esims", app.base_url))
        .header("accept", "application/json")
        .header("cookie", &traveller)
        .send()
        .await
        .unwrap();
    assert!(
        no_store(answer.headers()),
        "a signed-in server function is no-store"
    );
}
