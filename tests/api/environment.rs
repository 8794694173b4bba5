//! `TERN_ENV` and what each environment allows: the configurations start-up refuses, the
//! development routes that exist only while every service is a sandbox, and the Stripe
//! sandbox's signing secret, random per process.

use crate::support::{leptos_options, spawn_app, test_settings, TestApp};
use sandbox::esimfx::{EsimfxSandbox, EsimfxSandboxConfig, RunningSandbox};
use sandbox::stripe::{RunningStripeSandbox, StripeSandbox, StripeSandboxConfig};
use serde_json::Value;
use tern::config::{Environment, Settings, StripeSettings};
use tern::Application;

const PLAN_PRODUCT: &str = "esimfx_10G_7D_JP";
/// What the Stripe sandbox signed with before its secret became random per process.
const OLD_SANDBOX_WEBHOOK_SECRET: &str = "whsec_tern_sandbox";
const DEVELOPMENT_ROUTES: [(&str, &str); 4] = [
    ("GET", "/dev/outbox"),
    ("GET", "/dev/outbox/eml_1/qr.png"),
    ("GET", "/dev/sandboxes"),
    ("POST", "/dev/routing"),
];

async fn esimfx_sandbox() -> RunningSandbox {
    EsimfxSandbox::spawn(EsimfxSandboxConfig::default())
        .await
        .expect("eSIMfx sandbox starts")
}

/// Settings where eSIMfx counts as real (reached by URL, not known as a sandbox) and Stripe is
/// keyed, here against a Stripe sandbox of the test's own.
async fn real_esimfx_settings(esimfx: &RunningSandbox, stripe: &RunningStripeSandbox) -> Settings {
    let mut settings = test_settings(esimfx, &["esimfx"]).await;
    settings.sandbox_urls.clear();
    settings.stripe = StripeSettings {
        secret_key: Some(sandbox::stripe::SANDBOX_SECRET_KEY.into()),
        webhook_secret: Some(stripe.sandbox.webhook_secret().into()),
        api_base: Some(stripe.api_base()),
    };
    settings
}

/// Builds and serves the application; the returned guard stops it.
async fn serve(settings: Settings) -> (String, Running) {
    let app = Application::build(settings, leptos_options())
        .await
        .expect("application builds");
    let base_url = app.base_url().to_owned();
    let no_sandbox = app.sandboxes().stripe.is_none()
        && app.sandboxes().esimfx.is_none()
        && app.sandboxes().esimgo.is_none()
        && app.sandboxes().truphone.is_none()
        && app.sandboxes().fms.is_none();
    (
        base_url,
        Running {
            no_sandbox,
            server: tokio::spawn(app.run_until_stopped()),
        },
    )
}

struct Running {
    /// The application started no sandbox of its own.
    no_sandbox: bool,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn statuses(base_url: &str) -> Vec<(String, u16)> {
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for (method, path) in DEVELOPMENT_ROUTES {
        let url = format!("{base_url}{path}");
        let request = match method {
            "POST" => http
                .post(url)
                .json(&serde_json::json!({ "strategy": "cheapest" })),
            _ => http.get(url),
        };
        let status = request.send().await.expect("request sent").status();
        statuses.push((format!("{method} {path}"), status.as_u16()));
    }
    statuses
}

fn all_not_found(statuses: &[(String, u16)]) -> bool {
    statuses.iter().all(|(_, status)| *status == 404)
}

#[tokio::test]
async fn development_routes_are_served_while_every_service_is_a_sandbox() {
    let app = spawn_app().await;
    let outbox = app.get("/dev/outbox").await;
    assert_eq!(outbox.status(), 200);
    assert!(outbox.text().await.unwrap().contains("<h1>Outbox</h1>"));
    let sandboxes: Value = app.get("/dev/sandboxes").await.json().await.unwrap();
    assert_eq!(sandboxes["esimfx"], app.sandbox.base_url.as_str());
    assert_eq!(sandboxes["stripe"], app.stripe.base_url.as_str());
    let routed = app
        .http
        .post(format!("{}/dev/routing", app.base_url))
        .json(&serde_json::json!({ "strategy": "cheapest" }))
        .send()
        .await
        .unwrap();
    assert_eq!(routed.status(), 204);
}

#[tokio::test]
async fn with_a_real_provider_and_no_smtp_no_development_route_exists() {
    let esimfx = esimfx_sandbox().await;
    let stripe = StripeSandbox::spawn(StripeSandboxConfig::default())
        .await
        .unwrap();
    let settings = real_esimfx_settings(&esimfx, &stripe).await;
    assert!(settings.mail.smtp_url.is_none(), "email goes to the outbox");
    let (base_url, _running) = serve(settings).await;
    let statuses = statuses(&base_url).await;
    assert!(all_not_found(&statuses), "{statuses:?}");
}

#[tokio::test]
async fn with_smtp_configured_no_development_route_exists() {
    let esimfx = esimfx_sandbox().await;
    let mut settings = test_settings(&esimfx, &["esimfx"]).await;
    // Nothing listens there; no email is sent in this test.
    settings.mail.smtp_url = Some("smtp://127.0.0.1:9".into());
    let (base_url, _running) = serve(settings).await;
    let statuses = statuses(&base_url).await;
    assert!(all_not_found(&statuses), "{statuses:?}");
}

#[tokio::test]
async fn a_real_provider_with_the_sandbox_stripe_does_not_start() {
    let esimfx = esimfx_sandbox().await;
    let mut settings = test_settings(&esimfx, &["esimfx"]).await;
    settings.sandbox_urls.clear();
    let Err(error) = Application::build(settings, leptos_options()).await else {
        panic!("a real eSIMfx with the sandbox Stripe started");
    };
    let message = format!("{error:#}");
    assert!(
        message
            .contains("TERN_ESIMFX_URL points at a real provider but STRIPE_SECRET_KEY is not set"),
        "{message}"
    );
}

#[tokio::test]
async fn production_starts_no_sandbox_and_mounts_no_development_route() {
    let esimfx = esimfx_sandbox().await;
    let stripe = StripeSandbox::spawn(StripeSandboxConfig::default())
        .await
        .unwrap();
    let mut settings = real_esimfx_settings(&esimfx, &stripe).await;
    settings.environment = Environment::Production;
    // Checked, not used: this test takes no payment and sends no email.
    settings.stripe.secret_key = Some("sk_live_tern_test".into());
    settings.mail.smtp_url = Some("smtp://127.0.0.1:9".into());
    let (base_url, running) = serve(settings).await;
    assert!(running.no_sandbox, "production started a sandbox");
    let statuses = statuses(&base_url).await;
    assert!(all_not_found(&statuses), "{statuses:?}");
}

/// Pays for an order while the Stripe sandbox delivers nowhere, and returns the order and the
/// genuine `checkout.session.completed` event the sandbox raised, undelivered.
async fn undelivered_payment(app: &TestApp) -> (String, String) {
    let (order, session) = app
        .start_checkout_as(None, PLAN_PRODUCT, "sarah@example.com")
        .await;
    app.stripe
        .sandbox
        .set_webhook_url("http://127.0.0.1:9/webhooks/stripe".into());
    assert_eq!(app.pay(&session, "4242424242424242").await.status(), 200);
    let events = app.stripe_get("events").await;
    let event = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "checkout.session.completed")
        .expect("the payment raised checkout.session.completed");
    assert_eq!(event["event"]["data"]["object"]["id"], session.as_str());
    (order, event["event"].to_string())
}

async fn post_signed(app: &TestApp, payload: &str, secret: &str) -> u16 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    app.http
        .post(format!("{}/webhooks/stripe", app.base_url))
        .header(
            "Stripe-Signature",
            sandbox::stripe::signature_header(payload, secret, now),
        )
        .body(payload.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn an_event_signed_with_the_old_sandbox_constant_is_refused() {
    let app = spawn_app().await;
    let (order, payload) = undelivered_payment(&app).await;

    assert_eq!(
        post_signed(&app, &payload, OLD_SANDBOX_WEBHOOK_SECRET).await,
        400
    );
    assert_eq!(app.order_status(&order).await, "awaiting_payment");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payment_events").await, 0);

    // The same event signed with the secret this process shares with its sandbox is taken.
    let secret = app.stripe.sandbox.webhook_secret();
    assert_ne!(secret, OLD_SANDBOX_WEBHOOK_SECRET);
    assert_eq!(post_signed(&app, &payload, &secret).await, 200);
    app.wait_for_status(&order, "ready", 20).await;
}

#[test]
fn the_binary_refuses_production_with_nothing_set_and_names_every_missing_setting() {
    let workdir = std::env::temp_dir().join(format!("tern_env_test_{}", std::process::id()));
    std::fs::create_dir_all(&workdir).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .env_clear()
        .env("TERN_ENV", "production")
        // No `.env` up from here.
        .current_dir(&workdir)
        .output()
        .expect("tern runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "started: {stderr}");
    assert!(
        stderr.contains("refuses to start in production"),
        "{stderr}"
    );
    for needed in [
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "TERN_ESIMFX_URL",
        "TERN_ESIMGO_URL",
        "TERN_TRUPHONE_URL",
        "TERN_FMS_URL",
        "SMTP_URL",
        "TERN_PUBLIC_URL",
    ] {
        assert!(stderr.contains(needed), "{needed} not named: {stderr}");
    }
}
