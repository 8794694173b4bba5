//! Abuse limits: per-client budgets on checkouts, top-ups and sign-ins (429, `Retry-After`, a
//! readable answer), `X-Forwarded-For` believed only from trusted proxies, admin guesses counted
//! atomically, password hashing bounded, and deadlines for slow requests and slow clients.

use crate::admin::{app_with_owner, sign_in_attempt, OWNER_EMAIL, OWNER_PASSWORD};
use crate::support::{spawn_app_configured, TestApp};
use std::num::NonZeroU32;
use std::time::Duration;
use tern::config::Settings;
use tern::limits::{LimitSettings, RateSettings, TrustedProxies};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Tern with the budgets a real shop starts with.
async fn app_with_default_limits(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_configured(&["esimfx"], |settings| {
        settings.limits = LimitSettings::default();
        configure(settings);
    })
    .await
}

/// Sends `count` copies of one POST at once (so every one meets the budget within the same
/// instant, however long the handlers take) and answers each status with its `Retry-After`.
async fn post_at_once(
    app: &TestApp,
    count: usize,
    path: &str,
    accept: &str,
    form: Vec<(String, String)>,
    forwarded_for: Option<&str>,
) -> Vec<(u16, Option<u64>, String)> {
    let requests: Vec<_> = (0..count)
        .map(|n| {
            let form: Vec<(String, String)> = form
                .iter()
                .map(|(name, value)| (name.clone(), value.replace("{n}", &n.to_string())))
                .collect();
            let mut request = app
                .http
                .post(format!("{}{path}", app.base_url))
                .header("accept", accept)
                .form(&form);
            if let Some(forwarded) = forwarded_for {
                request = request.header("x-forwarded-for", forwarded);
            }
            tokio::spawn(async move {
                let response = request.send().await.expect("request sent");
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .map(|value| value.to_str().unwrap().parse::<u64>().unwrap());
                let status = response.status().as_u16();
                (status, retry_after, response.text().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for request in requests {
        answers.push(request.await.unwrap());
    }
    answers
}

fn form(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn refused(answers: &[(u16, Option<u64>, String)]) -> Vec<&(u16, Option<u64>, String)> {
    answers
        .iter()
        .filter(|(status, ..)| *status == 429)
        .collect()
}

#[tokio::test]
async fn each_group_allows_its_budget_then_answers_429_with_retry_after() {
    let app = app_with_default_limits(|_| {}).await;
    let defaults = RateSettings::default();
    let plan = app.plan_id("esimfx_1G_7D_JP").await;
    // Each group in turn: the ones already spent do not touch the next one's budget.
    let groups = [
        (
            "/checkout",
            form(&[("plan_id", &plan), ("email", "not-an-email-{n}")]),
            defaults.checkouts_per_minute,
        ),
        (
            "/api/my_esim/start_top_up",
            form(&[("iccid", "8900000000000000000"), ("plan_id", &plan)]),
            defaults.checkouts_per_minute,
        ),
        (
            "/api/my_esim/request_sign_in",
            form(&[("email", "traveller-{n}@example.com")]),
            defaults.sign_ins_per_minute,
        ),
        (
            "/api/admin/sign_in_admin",
            form(&[("email", "nobody-{n}@tern.test"), ("password", "wrong")]),
            defaults.admin_sign_ins_per_minute,
        ),
    ];
    for (path, fields, budget) in groups {
        let budget = budget.get() as usize;
        let answers = post_at_once(&app, 2 * budget, path, "application/json", fields, None).await;
        let refused = refused(&answers);
        assert_eq!(refused.len(), budget, "{path}: {answers:?}");
        for (_, retry_after, body) in refused {
            let wait = retry_after.expect("Retry-After");
            assert!((1..=60).contains(&wait), "{path}: {wait}");
            // Server functions answer in their own error encoding, so the page shows the
            // sentence; the plain buy form answers with the sentence itself.
            let expected = "Too many tries from your connection. Please wait";
            if path.starts_with("/api/") {
                assert!(
                    body.starts_with(&format!("ServerError|{expected}")),
                    "{path}: {body}"
                );
            } else {
                assert!(body.starts_with(expected), "{path}: {body}");
            }
        }
    }
    // The checkout function shares the buy form's budget.
    let (status, body) = app
        .server_fn(
            None,
            "orders/start_checkout",
            &[("plan_id", &plan), ("email", "sarah@example.com")],
        )
        .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders").await,
        0,
        "nothing was started past the budget"
    );
}

#[tokio::test]
async fn a_browser_over_its_budget_gets_a_readable_page() {
    let app = app_with_default_limits(|_| {}).await;
    let budget = RateSettings::default().sign_ins_per_minute.get() as usize;
    let answers = post_at_once(
        &app,
        budget + 1,
        "/api/my_esim/request_sign_in",
        "text/html,application/xhtml+xml",
        form(&[("email", "traveller-{n}@example.com")]),
        None,
    )
    .await;
    let refused = refused(&answers);
    assert_eq!(refused.len(), 1, "{answers:?}");
    let (_, retry_after, page) = refused[0];
    assert!(retry_after.is_some());
    assert!(page.contains("<h1>Too many tries</h1>"), "{page}");
    assert!(page.contains("Please wait"), "{page}");
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    let one = NonZeroU32::new(1).unwrap();
    let sign_in = form(&[("email", "traveller-{n}@example.com")]);
    let path = "/api/my_esim/request_sign_in";
    // Without trusted proxies a client cannot dodge its budget by writing the header itself.
    let direct = app_with_default_limits(|settings| {
        settings.limits.rates.sign_ins_per_minute = one;
    })
    .await;
    for forwarded in ["198.51.100.1", "198.51.100.2"] {
        post_at_once(
            &direct,
            1,
            path,
            "application/json",
            sign_in.clone(),
            Some(forwarded),
        )
        .await;
    }
    let answers = post_at_once(
        &direct,
        1,
        path,
        "application/json",
        sign_in.clone(),
        Some("198.51.100.3"),
    )
    .await;
    assert_eq!(answers[0].0, 429, "{answers:?}");

    // Behind a trusted proxy each forwarded client has a budget of its own.
    let proxied = app_with_default_limits(|settings| {
        settings.limits.rates.sign_ins_per_minute = one;
        settings.limits.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    let first = post_at_once(
        &proxied,
        2,
        path,
        "application/json",
        sign_in.clone(),
        Some("198.51.100.1"),
    )
    .await;
    assert_eq!(refused(&first).len(), 1, "{first:?}");
    // Whatever the client wrote left of the proxy's entry is not believed.
    let spoofed = post_at_once(
        &proxied,
        1,
        path,
        "application/json",
        sign_in.clone(),
        Some("203.0.113.77, 198.51.100.1"),
    )
    .await;
    assert_eq!(spoofed[0].0, 429, "{spoofed:?}");
    let other = post_at_once(
        &proxied,
        1,
        path,
        "application/json",
        sign_in,
        Some("198.51.100.2"),
    )
    .await;
    assert_ne!(other[0].0, 429, "{other:?}");
}

#[tokio::test]
async fn twenty_parallel_guesses_get_five_tries_and_the_password_stays_locked() {
    let app = app_with_owner().await;
    let guesses: Vec<_> = (0..20)
        .map(|guess| {
            let http = app.http.clone();
            let url = format!("{}/api/admin/sign_in_admin", app.base_url);
            tokio::spawn(async move {
                let password = format!("wrong guess number {guess}");
                let response = http
                    .post(url)
                    .header("accept", "application/json")
                    .form(&[("email", OWNER_EMAIL), ("password", password.as_str())])
                    .send()
                    .await
                    .unwrap();
                response.text().await.unwrap()
            })
        })
        .collect();
    let (mut checked, mut locked) = (0, 0);
    for guess in guesses {
        let body = guess.await.unwrap();
        if body.contains("do not match") {
            checked += 1;
        } else if body.contains("Too many failed sign-ins") {
            locked += 1;
        } else {
            panic!("unexpected answer {body}");
        }
    }
    assert_eq!(
        (checked, locked),
        (5, 15),
        "only five passwords were checked"
    );
    let (status, body, cookie) = sign_in_attempt(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    assert!(
        status >= 400 && body.contains("Too many failed sign-ins"),
        "{status} {body}"
    );
    assert!(cookie.is_none());
}

#[tokio::test]
async fn parallel_admin_sign_ins_wait_their_turn_and_the_server_keeps_answering() {
    let app = app_with_owner().await;
    // Each address is new, so every attempt reaches the password check.
    let attempts: Vec<_> = (0..40)
        .map(|n| {
            let http = app.http.clone();
            let url = format!("{}/api/admin/sign_in_admin", app.base_url);
            tokio::spawn(async move {
                let email = format!("guess-{n}@tern.test");
                http.post(url)
                    .header("accept", "application/json")
                    .form(&[("email", email.as_str()), ("password", "a wrong password!")])
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
            })
        })
        .collect();
    app.wait_until("hashes queued for a permit", 30, || async {
        (store::admin::hashing_load().waiting > 0).then_some(())
    })
    .await;
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "answered while hashes queue"
    );
    for attempt in attempts {
        let body = attempt.await.unwrap();
        assert!(body.contains("do not match"), "{body}");
    }
    let load = store::admin::hashing_load();
    assert!(
        load.peak <= load.permits,
        "at most one hash per core ran at once: {load:?}"
    );
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    let app = app_with_default_limits(|settings| {
        settings.limits.header_read_timeout = Duration::from_secs(1);
    })
    .await;
    let address = app.base_url.trim_start_matches("http://");
    let mut slow = tokio::net::TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET /healthz HT").await.unwrap();
    let mut rest = Vec::new();
    // The bound only keeps a server that never closes from hanging the suite.
    let closed = tokio::time::timeout(Duration::from_secs(20), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the server kept the half-sent request open");
    // A whole request on a new connection is served as usual.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_request_that_runs_too_long_is_answered_503() {
    let app = spawn_app_configured(&["fms"], |settings| {
        settings.limits.request_timeout = Duration::from_secs(1);
    })
    .await;
    let product: String = sqlx::query_scalar(
        "SELECT provider_product_id FROM plans WHERE provider = 'fms' AND active = TRUE AND listed = TRUE LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let plan = app.plan_id(&product).await;
    // Checkout reserves the eSIM at FMS, which now takes longer than a request may.
    app.others
        .fms
        .as_ref()
        .unwrap()
        .set_faults(sandbox::faults::FaultUpdate {
            delay_ms: Some(5_000),
            ..Default::default()
        });
    let response = app
        .http
        .post(format!("{}/checkout", app.base_url))
        .form(&[("plan_id", plan.as_str()), ("email", "slow@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
}
