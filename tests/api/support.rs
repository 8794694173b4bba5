//! `spawn_app()`: boots Tern against a fresh database (SQLite, or PostgreSQL when TERN_TEST_DATABASE=postgres),
//! its own eSIMfx sandbox and the Stripe sandbox it starts itself, and waits for the first catalogue sync.

use leptos::config::LeptosOptions;
use providers::esimfx::{EsimfxClient, EsimfxConfig};
use sandbox::esimfx::{EsimfxSandbox, EsimfxSandboxConfig, RunningSandbox};
use std::time::Duration;
use store::{Db, PricingPolicy};
use tern::config::{EsimfxSettings, JobSettings, MailSettings, Settings, StripeSettings};
use tern::Application;

pub const MARGIN_PERCENT: u32 = 30;

pub struct TestApp {
    pub base_url: String,
    pub http: reqwest::Client,
    pub db: Db,
    /// The eSIMfx sandbox, owned by the test so it outlives an application restart.
    pub sandbox: RunningSandbox,
    /// The Stripe sandbox the application started (test mode: no key is set).
    pub stripe: StripeHandle,
    pub outbox: std::path::PathBuf,
    settings: Settings,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Reaching the application's own Stripe sandbox.
pub struct StripeHandle {
    pub base_url: String,
    pub sandbox: sandbox::stripe::StripeSandbox,
}

pub async fn spawn_app() -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        tern::telemetry::init();
    }
    let sandbox = EsimfxSandbox::spawn(EsimfxSandboxConfig::default())
        .await
        .expect("sandbox starts");
    let name = format!("tern_test_{}", uuid_like());
    let outbox = std::env::temp_dir().join(format!("{name}_outbox"));
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: Some("https://tern.example".into()),
        database_url: fresh_database(&name).await,
        esimfx: EsimfxSettings {
            url: Some(sandbox.base_url.clone()),
            client_id: Some(sandbox::esimfx::SANDBOX_CLIENT_ID.into()),
            client_key: Some(sandbox::esimfx::SANDBOX_CLIENT_KEY.into()),
            timeout: Duration::from_secs(5),
        },
        margin_percent: MARGIN_PERCENT,
        catalogue_sync_interval: Duration::from_secs(3600),
        stripe: StripeSettings::default(),
        mail: MailSettings {
            smtp_url: None,
            from: "Tern <orders@tern.example>".into(),
            outbox_dir: outbox.clone(),
        },
        // Quick retries and a short lease keep the retry and crash tests fast.
        jobs: JobSettings {
            retry_base: Duration::from_millis(50),
            max_attempts: 4,
            lease: Duration::from_secs(1),
        },
    };
    let (base_url, db, stripe, server) = start(settings.clone()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
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
    }
}

type Started = (
    String,
    Db,
    StripeHandle,
    tokio::task::JoinHandle<anyhow::Result<()>>,
);

async fn start(settings: Settings) -> Started {
    let options = LeptosOptions::builder()
        .output_name("tern")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build();
    let app = Application::build(settings, options)
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
    let mut first_sync = app.first_sync();
    let server = tokio::spawn(app.run_until_stopped());
    tokio::time::timeout(Duration::from_secs(60), first_sync.wait_for(|done| *done))
        .await
        .expect("first sync finishes within a minute")
        .expect("sync job alive");
    (base_url, db, stripe, server)
}

impl TestApp {
    /// Kills the application where it stands (server and jobs), then starts a new one on the same database.
    pub async fn crash_and_restart(&mut self) {
        self.server.abort();
        let _ = (&mut self.server).await;
        let (base_url, db, stripe, server) = start(self.settings.clone()).await;
        (self.base_url, self.db, self.stripe, self.server) = (base_url, db, stripe, server);
    }

    /// Polls the database until `condition` holds, failing after `seconds`.
    pub async fn wait_for_status(&self, order_id: &str, status: &str, seconds: u64) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            let now = self.order_status(order_id).await;
            if now == status {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "order {order_id} is {now}, never became {status}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
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
