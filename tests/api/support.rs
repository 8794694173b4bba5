//! `spawn_app()`: boots Tern against a fresh database (SQLite, or PostgreSQL when TERN_TEST_DATABASE=postgres),
//! its own eSIMfx sandbox and the Stripe sandbox it starts itself, and waits for the first catalogue sync.

use leptos::config::LeptosOptions;
use providers::esimfx::{EsimfxClient, EsimfxConfig};
use sandbox::esimfx::{EsimfxSandbox, EsimfxSandboxConfig, RunningSandbox};
use std::time::Duration;
use store::{Db, PricingPolicy};
use tern::config::{
    AdminBootstrap, CareSettings, Environment, EsimGoSettings, EsimfxSettings, FmsSettings,
    JobSettings, MailSettings, Settings, StripeSettings, TruphoneSettings,
};
use tern::limits::{LimitSettings, RateSettings};
use tern::Application;

pub const MARGIN_PERCENT: u32 = 30;
/// The Secret Key the test's eSIMfx sandbox sends with each webhook, and Tern expects.
pub const ESIMFX_WEBHOOK_TOKEN: &str = "test-esimfx-webhook-secret";
/// What cancelling a new eSIM's first package keeps back.
pub const ESIM_FEE_CENTS: i64 = 100;
/// A budget no test reaches.
const GENEROUS: std::num::NonZeroU32 = std::num::NonZeroU32::new(100_000).expect("not zero");

pub struct TestApp {
    pub base_url: String,
    pub http: reqwest::Client,
    pub db: Db,
    /// The eSIMfx sandbox, owned by the test so it outlives an application restart.
    pub sandbox: RunningSandbox,
    /// The Stripe sandbox the application started (test mode: no key is set).
    pub stripe: StripeHandle,
    pub outbox: std::path::PathBuf,
    /// eSIM Go, Truphone and FMS, when the test enabled them.
    pub others: OtherSandboxes,
    settings: Settings,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Reaching the application's own Stripe sandbox.
pub struct StripeHandle {
    pub base_url: String,
    pub sandbox: sandbox::stripe::StripeSandbox,
}

/// Tern selling from eSIMfx alone, so prices and plans are the ones the tests know.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&["esimfx"]).await
}

/// Tern selling from `providers`; all but eSIMfx run as sandboxes inside the application.
pub async fn spawn_app_with(providers: &[&str]) -> TestApp {
    spawn_app_configured(providers, |_| {}).await
}

/// Like [`spawn_app_with`], with the settings adjusted by `configure` before start.
pub async fn spawn_app_configured(
    providers: &[&str],
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        tern::telemetry::init();
    }
    let sandbox = EsimfxSandbox::spawn(EsimfxSandboxConfig::default())
        .await
        .expect("sandbox starts");
    let mut settings = test_settings(&sandbox, providers).await;
    configure(&mut settings);
    let outbox = settings.mail.outbox_dir.clone();
    let (base_url, db, stripe, server, others) = start(settings.clone()).await;
    deliver_webhooks_to(&sandbox, &base_url);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A request that never gets an answer fails the test instead of hanging the suite.
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    TestApp {
        base_url,
        http,
        db,
        sandbox,
        stripe,
        outbox,
        settings,
        server,
        others,
    }
}

/// Settings for a test application selling from `providers` in local mode, with eSIMfx at
/// `sandbox` (one the test started itself), a fresh database and outbox, and the other providers
/// and Stripe left to the application's own sandboxes.
pub async fn test_settings(sandbox: &RunningSandbox, providers: &[&str]) -> Settings {
    let name = format!("tern_test_{}", uuid_like());
    let outbox = std::env::temp_dir().join(format!("{name}_outbox"));
    Settings {
        environment: Environment::Local,
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: Some("https://tern.example".into()),
        database_url: fresh_database(&name).await,
        esimfx: EsimfxSettings {
            url: Some(sandbox.base_url.clone()),
            client_id: Some(sandbox::esimfx::SANDBOX_CLIENT_ID.into()),
            client_key: Some(sandbox::esimfx::SANDBOX_CLIENT_KEY.into()),
            timeout: Duration::from_secs(5),
            webhook_token: Some(ESIMFX_WEBHOOK_TOKEN.into()),
        },
        // The other providers' sandboxes start in-process; most tests sell from eSIMfx alone.
        esimgo: EsimGoSettings {
            url: None,
            api_key: None,
        },
        truphone: TruphoneSettings {
            url: None,
            token: None,
            token_url: None,
            client_id: None,
            client_secret: None,
        },
        fms: FmsSettings {
            url: None,
            partner_code: None,
            password_secret: None,
            previous_password_secret: None,
            operator_email: "fms-operator@tern.example".into(),
        },
        enabled_providers: providers.iter().map(|p| (*p).to_owned()).collect(),
        // The test's own eSIMfx sandbox, reached by URL, is a sandbox all the same.
        sandbox_urls: vec![sandbox.base_url.clone()],
        provider_timeout: Duration::from_secs(5),
        margin_percent: MARGIN_PERCENT,
        catalogue_sync_interval: Duration::from_secs(3600),
        stripe: StripeSettings::default(),
        mail: MailSettings {
            smtp_url: None,
            from: "Tern <orders@tern.example>".into(),
            outbox_dir: outbox,
        },
        // Quick retries and a short lease keep the retry and crash tests fast.
        jobs: JobSettings {
            retry_base: Duration::from_millis(50),
            max_attempts: 4,
            lease: Duration::from_secs(1),
            pending_limit: Duration::from_secs(600),
        },
        // Refreshes happen when a test asks (page opens, webhooks), not on a timer.
        care: CareSettings {
            refresh_every: Duration::from_secs(3600),
            stale_after: Duration::from_secs(3600),
            alert_percent: 80,
            esim_fee_minor: ESIM_FEE_CENTS,
        },
        sandbox_devices: false,
        admin: AdminBootstrap::default(),
        // Tests buy and sign in far more often than a person; `limits.rs` tests the real budgets.
        limits: LimitSettings {
            rates: RateSettings {
                checkouts_per_minute: GENEROUS,
                sign_ins_per_minute: GENEROUS,
                admin_sign_ins_per_minute: GENEROUS,
            },
            ..LimitSettings::default()
        },
    }
}

type Started = (
    String,
    Db,
    StripeHandle,
    tokio::task::JoinHandle<anyhow::Result<()>>,
    OtherSandboxes,
);

/// The sandboxes of the other providers, started by the application itself.
#[derive(Clone, Default)]
pub struct OtherSandboxes {
    pub esimgo: Option<sandbox::esimgo::EsimGoSandbox>,
    pub truphone: Option<sandbox::truphone::TruphoneSandbox>,
    pub fms: Option<sandbox::fms::FmsSandbox>,
}

/// Where the built site is served from in tests.
pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("tern")
        // The repository's static files, so they are served without a site build.
        .site_root("public")
        .site_pkg_dir("pkg")
        .build()
}

async fn start(settings: Settings) -> Started {
    let app = Application::build(settings, leptos_options())
        .await
        .expect("application builds");
    let base_url = app.base_url().to_owned();
    let db = app.db().clone();
    let running = app
        .sandboxes()
        .stripe
        .as_ref()
        .expect("no Stripe key, so the Stripe sandbox runs");
    let stripe = StripeHandle {
        base_url: running.base_url.clone(),
        sandbox: running.sandbox.clone(),
    };
    let others = OtherSandboxes {
        esimgo: app.sandboxes().esimgo.as_ref().map(|s| s.sandbox.clone()),
        truphone: app.sandboxes().truphone.as_ref().map(|s| s.sandbox.clone()),
        fms: app.sandboxes().fms.as_ref().map(|s| s.sandbox.clone()),
    };
    let mut first_sync = app.first_sync();
    let server = tokio::spawn(app.run_until_stopped());
    tokio::time::timeout(Duration::from_secs(60), first_sync.wait_for(|done| *done))
        .await
        .expect("first sync finishes within a minute")
        .expect("sync job alive");
    (base_url, db, stripe, server, others)
}

impl TestApp {
    /// Kills the application where it stands (server and jobs), then starts a new one on the same database.
    pub async fn crash_and_restart(&mut self) {
        self.server.abort();
        let _ = (&mut self.server).await;
        let (base_url, db, stripe, server, others) = start(self.settings.clone()).await;
        deliver_webhooks_to(&self.sandbox, &base_url);
        (
            self.base_url,
            self.db,
            self.stripe,
            self.server,
            self.others,
        ) = (base_url, db, stripe, server, others);
    }

    /// Polls `probe` until it returns `Some`, failing with `what` after `seconds`.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, seconds: u64, mut probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            if let Some(value) = probe().await {
                return value;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn plan_id(&self, product: &str) -> String {
        use sqlx::Row;
        sqlx::query("SELECT id FROM plans WHERE provider_product_id = $1")
            .bind(product)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
            .get("id")
    }

    /// Submits the buy form as a browser without JavaScript does (with a session cookie, if
    /// given); returns the order id and checkout session id.
    pub async fn start_checkout_as(
        &self,
        cookie: Option<&str>,
        product: &str,
        email: &str,
    ) -> (String, String) {
        let plan = self.plan_id(product).await;
        let mut request = self
            .http
            .post(format!("{}/checkout", self.base_url))
            .form(&[("plan_id", plan.as_str()), ("email", email)]);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 303, "redirected to pay");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with(&self.stripe.base_url),
            "{location} is the Stripe sandbox's hosted checkout"
        );
        let session = location.rsplit('/').next().unwrap().to_owned();
        (self.order_of_session(&session).await, session)
    }

    pub async fn order_of_session(&self, session: &str) -> String {
        use sqlx::Row;
        sqlx::query("SELECT id FROM orders WHERE checkout_session_id = $1")
            .bind(session)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
            .get("id")
    }

    /// The order link's secret the traveller comes back with from the payment page (in the
    /// checkout session's `success_url`).
    pub async fn order_token(&self, session: &str) -> String {
        let session = self.stripe_get(&format!("sessions/{session}")).await;
        let success_url = session["success_url"].as_str().expect("a success URL");
        let (_, query) = success_url.split_once("token=").expect("a token");
        query.split('&').next().unwrap().to_owned()
    }

    pub async fn pay(&self, session: &str, card: &str) -> reqwest::Response {
        self.stripe_control(
            &format!("sessions/{session}/pay"),
            serde_json::json!({ "card": card }),
        )
        .await
    }

    /// Buys `product` as a guest and waits for the eSIM; returns the order id and ICCID.
    pub async fn buy_esim(&self, product: &str, email: &str) -> (String, String) {
        let (order, session) = self.start_checkout_as(None, product, email).await;
        assert_eq!(self.pay(&session, "4242424242424242").await.status(), 200);
        self.wait_for_status(&order, "ready", 20).await;
        let iccid = self.order_field(&order, "iccid").await.expect("an ICCID");
        (order, iccid)
    }

    /// Signs in the way a traveller does (form, emailed link, confirm) and returns the `Cookie`
    /// header value.
    pub async fn sign_in(&self, email: &str) -> String {
        let link = self.request_sign_in_link(email).await;
        let response = self.confirm_sign_in(&link).await;
        assert_eq!(response.status(), 303, "the confirmed link redirects");
        session_cookie(&response).expect("the confirmed link opens a session")
    }

    /// Presses "Yes, sign me in" on the page a sign-in link opens: posts the link's token the
    /// way that page's form does.
    pub async fn confirm_sign_in(&self, link: &str) -> reqwest::Response {
        let token = link
            .split_once("token=")
            .map(|(_, token)| token)
            .expect("a token in the link");
        self.http
            .post(format!("{}/auth/verify", self.base_url))
            .header("sec-fetch-site", "same-origin")
            .form(&[("token", token)])
            .send()
            .await
            .expect("request sent")
    }

    /// Submits the sign-in form and returns the link from the email it sends (rewritten onto this
    /// test server, since links in emails use the public URL).
    pub async fn request_sign_in_link(&self, email: &str) -> String {
        let before = self
            .scalar("SELECT COUNT(*) FROM emails WHERE kind = 'sign_in_link'")
            .await;
        let response = self
            .http
            .post(format!("{}/api/my_esim/request_sign_in", self.base_url))
            .header("accept", "application/json")
            .form(&[("email", email)])
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "sign-in form accepted: {}",
            response.status()
        );
        self.wait_until("the sign-in email", 10, || async {
            let now = self
                .scalar("SELECT COUNT(*) FROM emails WHERE kind = 'sign_in_link'")
                .await;
            (now > before).then_some(())
        })
        .await;
        let body = self.latest_email_to(email, "sign_in_link").await;
        self.local_link(&body)
    }

    /// The newest email of `kind` sent to `recipient`, as text, links included: as the mailer
    /// sent it (the outbox file), since the database keeps it without its links' secrets.
    pub async fn latest_email_to(&self, recipient: &str, kind: &str) -> String {
        use sqlx::Row;
        let id: String = sqlx::query(
            "SELECT id FROM emails WHERE recipient = $1 AND kind = $2 ORDER BY created_at DESC",
        )
        .bind(recipient.to_lowercase())
        .bind(kind)
        .fetch_all(self.db.pool())
        .await
        .unwrap()
        .first()
        .map(|row| row.get("id"))
        .unwrap_or_else(|| panic!("no {kind} email to {recipient}"));
        self.sent_text(&id).await
    }

    /// The email of `kind` for one order as sent, once its job has sent it (email jobs run after
    /// the order's status changes).
    pub async fn email_of_order(&self, order_id: &str, kind: &str) -> String {
        use sqlx::Row;
        let what = format!("the {kind} email of order {order_id}");
        let id: String = self
            .wait_until(&what, 10, || async {
                sqlx::query("SELECT id FROM emails WHERE order_id = $1 AND kind = $2")
                    .bind(order_id)
                    .bind(kind)
                    .fetch_optional(self.db.pool())
                    .await
                    .unwrap()
                    .map(|row| row.get::<String, _>("id"))
            })
            .await;
        self.sent_text(&id).await
    }

    /// The text of stored email `id` as the outbox mailer wrote it, once it is sent.
    pub async fn sent_text(&self, id: &str) -> String {
        let path = self.outbox.join(format!("{id}.txt"));
        self.wait_until(&format!("email {id} sent"), 10, || async {
            let sent = self
                .scalar(&format!(
                    "SELECT COUNT(*) FROM emails WHERE id = '{id}' AND sent_at IS NOT NULL"
                ))
                .await;
            if sent == 0 {
                return None;
            }
            std::fs::read_to_string(&path).ok()
        })
        .await
    }

    /// The first `https://tern.example/...` link in an email, pointed at this test server.
    pub fn local_link(&self, body: &str) -> String {
        let start = body
            .find("https://tern.example")
            .expect("a link in the email");
        let link: String = body[start..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        link.replacen("https://tern.example", &self.base_url, 1)
    }

    /// GETs a page with a session cookie.
    pub async fn get_as(&self, cookie: &str, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base_url))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body read"))
    }

    /// Calls a server function the way the hydrated page does, with a session cookie.
    pub async fn server_fn(
        &self,
        cookie: Option<&str>,
        name: &str,
        form: &[(&str, &str)],
    ) -> (u16, String) {
        let mut request = self
            .http
            .post(format!("{}/api/{name}", self.base_url))
            .header("accept", "application/json")
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body read"))
    }

    /// Reads the Stripe sandbox's control API (`stats`, `events`, …).
    pub async fn stripe_get(&self, path: &str) -> serde_json::Value {
        self.json_at(format!("{}/_sandbox/stripe/{path}", self.stripe.base_url))
            .await
    }

    /// Calls the eSIMfx sandbox's control API and returns its JSON answer.
    pub async fn sandbox_get(&self, path: &str) -> serde_json::Value {
        self.json_at(format!("{}/_sandbox/{path}", self.sandbox.base_url))
            .await
    }

    /// The status of each package the eSIMfx sandbox holds on `iccid`, oldest first.
    pub async fn sandbox_package_statuses(&self, iccid: &str) -> Vec<String> {
        let sandbox = self.sandbox_get(&format!("esims/{iccid}")).await;
        sandbox["subscriptions"]
            .as_array()
            .expect("the eSIM's packages")
            .iter()
            .map(|package| package["status"].as_str().expect("a status").to_owned())
            .collect()
    }

    async fn json_at(&self, url: String) -> serde_json::Value {
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Polls the database until the order reaches `status`, failing after `seconds`.
    pub async fn wait_for_status(&self, order_id: &str, status: &str, seconds: u64) {
        let what = format!("order {order_id} to become {status}");
        self.wait_until(&what, seconds, || async {
            (self.order_status(order_id).await == status).then_some(())
        })
        .await
    }

    pub async fn order_status(&self, order_id: &str) -> String {
        use sqlx::Row;
        sqlx::query("SELECT status FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
            .get("status")
    }

    pub async fn order_field(&self, order_id: &str, column: &str) -> Option<String> {
        use sqlx::Row;
        sqlx::query(&format!("SELECT {column} FROM orders WHERE id = $1"))
            .bind(order_id)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
            .get(0)
    }

    pub async fn stripe_control(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.http
            .post(format!("{}/_sandbox/stripe/{path}", self.stripe.base_url))
            .json(&body)
            .send()
            .await
            .expect("control call sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base_url))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body read"))
    }

    /// A fresh adapter pointed at this app's eSIMfx sandbox, as the sync job builds it.
    pub fn esimfx(&self) -> EsimfxClient {
        EsimfxClient::new(EsimfxConfig {
            base_url: self.sandbox.base_url.clone(),
            client_id: sandbox::esimfx::SANDBOX_CLIENT_ID.into(),
            client_key: sandbox::esimfx::SANDBOX_CLIENT_KEY.into(),
            timeout: Duration::from_secs(5),
        })
        .unwrap()
    }

    pub async fn sync(&self) -> Result<store::catalogue::SyncReport, store::catalogue::SyncError> {
        store::catalogue::sync_provider(
            &self.db,
            &self.esimfx(),
            PricingPolicy::new(MARGIN_PERCENT),
        )
        .await
    }

    /// Calls the eSIMfx sandbox's control API.
    pub async fn control(&self, path: &str, body: serde_json::Value) {
        let response = self
            .http
            .post(format!("{}/_sandbox/{path}", self.sandbox.base_url))
            .json(&body)
            .send()
            .await
            .expect("control call sent");
        assert!(
            response.status().is_success(),
            "control {path} failed: {}",
            response.status()
        );
    }

    pub async fn sandbox_stats(&self) -> serde_json::Value {
        self.http
            .get(format!("{}/_sandbox/stats", self.sandbox.base_url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(self.db.pool())
            .await
            .expect(sql)
            .try_get(0)
            .expect("an integer")
    }
}

/// The sandbox delivers its webhooks to this run of the application.
fn deliver_webhooks_to(sandbox: &RunningSandbox, base_url: &str) {
    sandbox.set_webhook(
        format!("{base_url}/webhooks/esimfx"),
        Some(ESIMFX_WEBHOOK_TOKEN.to_owned()),
    );
}

/// A new, empty database for one test.
async fn fresh_database(name: &str) -> String {
    match std::env::var("TERN_TEST_DATABASE").as_deref() {
        Ok("postgres") => {
            let admin = std::env::var("TERN_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let db = Db::connect(&admin)
                .await
                .expect("PostgreSQL reachable at TERN_TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(db.pool())
                .await
                .expect("database created");
            let base = admin
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin);
            format!("{base}/{name}")
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            format!("sqlite://{}?mode=rwc", path.display())
        }
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The session cookie a response sets (`tern_session=…`), ready for a `Cookie` header.
/// The parameter a page route's segment stands for (`id` of `:id` or `{id}`), if it is one.
pub fn route_parameter(segment: &str) -> Option<&str> {
    segment
        .strip_prefix(':')
        .or_else(|| segment.strip_prefix('{')?.strip_suffix('}'))
}

pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    let set_cookie = response.headers().get("set-cookie")?.to_str().ok()?;
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    Some(set_cookie.split(';').next()?.to_owned())
}
