//! Start-up: database, reference data, providers (real or sandbox), background jobs, HTTP server.

use crate::config::{ExposeSecret, Settings};
use crate::{jobs, routes};
use anyhow::Context;
use app::state::AppState;
use leptos::config::LeptosOptions;
use payments::{PaymentGateway, StripeConfig, StripeGateway};
use sandbox::stripe::{StripeSandbox, StripeSandboxConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use store::esims::CarePolicy;
use store::mail::Mailer;
use store::orders::FulfilmentContext;
use store::{Db, PricingPolicy};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::sync::Notify;

/// A started Tern: listening, with its jobs running.
pub struct Application {
    address: SocketAddr,
    base_url: String,
    db: Db,
    router: axum::Router,
    listener: TcpListener,
    header_read_timeout: std::time::Duration,
    first_sync: watch::Receiver<bool>,
    /// Kept alive for as long as the application runs.
    _sandboxes: Sandboxes,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

pub use crate::provider_setup::Sandboxes;

impl Application {
    pub async fn build(
        settings: Settings,
        mut leptos_options: LeptosOptions,
    ) -> anyhow::Result<Application> {
        // Also holds settings built in code (tests) to the rules of their environment.
        settings.check()?;
        let db = Db::connect(&settings.database_url).await?;
        db.migrate().await?;
        store::reference::load(&db)
            .await
            .context("Failed to load reference data")?;
        crate::admin_setup::bootstrap_owner(&db, &settings.admin).await?;

        let mut sandboxes = Sandboxes::default();
        let providers = crate::provider_setup::providers(&settings, &mut sandboxes).await?;
        let gateway = payment_gateway(&settings, &mut sandboxes).await?;
        let mailer = mailer(&settings)?;

        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("Failed to listen on {}", settings.listen))?;
        let address = listener
            .local_addr()
            .context("Failed to read the listening address")?;
        leptos_options.site_addr = address;
        let base_url = format!("http://{address}");
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| base_url.clone());

        if let Some(stripe) = &sandboxes.stripe {
            // Only now is Tern's own address known, so the sandbox learns where to deliver webhooks.
            stripe
                .sandbox
                .set_webhook_url(format!("{base_url}/webhooks/stripe"));
        }
        let esimfx_webhook_token = match (&sandboxes.esimfx, &settings.esimfx.webhook_token) {
            (_, Some(token)) => Some(token.expose_secret().to_owned()),
            // The sandbox and Tern agree on a fresh secret, so the token check is exercised locally too.
            (Some(_), None) => Some(store::ids::new_secret()),
            (None, None) => {
                tracing::warn!("TERN_ESIMFX_WEBHOOK_TOKEN is not set: eSIMfx webhooks will be refused and usage comes from polling only");
                None
            }
        };
        if let Some(esimfx) = &sandboxes.esimfx {
            esimfx.set_webhook(
                format!("{base_url}/webhooks/esimfx"),
                esimfx_webhook_token.clone(),
            );
        }
        let care = CarePolicy {
            refresh_every: settings.care.refresh_every,
            stale_after: settings.care.stale_after,
            alert_percent: settings.care.alert_percent,
            esim_fee_minor: settings.care.esim_fee_minor,
            public_url: public_url.clone(),
        };

        let wake = Arc::new(Notify::new());
        let provider_map: store::routing::Providers = providers
            .iter()
            .map(|provider| (provider.id().as_str(), provider.clone()))
            .collect();
        // Rules or provider health may have changed while Tern was stopped.
        store::routing::relist(&db).await?;
        let fulfilment = FulfilmentContext {
            db: db.clone(),
            providers: provider_map.clone(),
            gateway: gateway.clone(),
            mailer,
            public_url: public_url.clone(),
            retry_base: settings.jobs.retry_base,
            max_attempts: settings.jobs.max_attempts,
            pending_limit: settings.jobs.pending_limit,
        };
        let mut tasks = vec![tokio::spawn(jobs::worker::run(
            fulfilment,
            settings.jobs.lease,
            wake.clone(),
        ))];

        tasks.push(tokio::spawn(jobs::retention::run(db.clone())));

        let provider_map = Arc::new(provider_map);
        let usage_wake = Arc::new(Notify::new());
        tasks.push(tokio::spawn(jobs::usage_sync::run(
            db.clone(),
            provider_map.clone(),
            care.clone(),
            usage_wake.clone(),
            wake.clone(),
        )));

        let pricing = PricingPolicy::new(settings.margin_percent);
        // Margins or the default may have changed while Tern was stopped.
        store::pricing::reprice(&db, pricing).await?;
        let (first_sync_tx, first_sync) = watch::channel(false);
        tasks.push(tokio::spawn(jobs::catalogue_sync::run(
            db.clone(),
            providers,
            pricing,
            settings.catalogue_sync_interval,
            first_sync_tx,
        )));

        // `/dev/*` exists only while nothing real can be reached or read through it.
        let development = settings.everything_is_a_sandbox();
        let state = AppState {
            db: db.clone(),
            public_url,
            payments: gateway,
            jobs: wake,
            outbox_mode: development,
            outbox_dir: settings.mail.outbox_dir.clone(),
            providers: provider_map,
            care,
            pricing,
        };
        let provider_webhooks = routes::ProviderWebhooks {
            esimfx_token: esimfx_webhook_token,
            usage_wake,
        };
        let dev_sandboxes = development.then(|| dev_sandboxes(&settings, &sandboxes));
        // The sandbox's test checkout page is where the buy forms lead, so the policy allows it.
        let stripe_sandbox = sandboxes.stripe.as_ref().map(|s| s.base_url.clone());
        let router = routes::router(
            state,
            provider_webhooks,
            dev_sandboxes,
            stripe_sandbox.as_deref(),
            leptos_options,
        );
        let router = crate::limits::apply(router, &settings.limits);
        Ok(Application {
            address,
            base_url,
            db,
            router,
            listener,
            header_read_timeout: settings.limits.header_read_timeout,
            first_sync,
            _sandboxes: sandboxes,
            tasks,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// A receiver that turns true once the first catalogue sync has finished.
    pub fn first_sync(&self) -> watch::Receiver<bool> {
        self.first_sync.clone()
    }

    /// The sandboxes this application started, for tests to drive.
    pub fn sandboxes(&self) -> &Sandboxes {
        &self._sandboxes
    }

    /// Serves until Ctrl-C or SIGTERM; background jobs stop with it.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let _sandboxes = self._sandboxes;
        let _tasks = AbortOnDrop(self.tasks);
        crate::serve::serve(
            self.listener,
            self.router,
            self.header_read_timeout,
            shutdown_signal(),
        )
        .await;
        Ok(())
    }
}

/// Where each sandbox listens, for `/dev/sandboxes`: those the application started, and those
/// started outside it ([`Settings::sandbox_urls`]).
fn dev_sandboxes(settings: &Settings, sandboxes: &Sandboxes) -> routes::DevSandboxes {
    let outside = |url: &Option<String>| {
        url.clone()
            .filter(|url| settings.sandbox_urls.contains(url))
    };
    routes::DevSandboxes {
        esimfx: (sandboxes.esimfx.as_ref().map(|s| s.base_url.clone()))
            .or_else(|| outside(&settings.esimfx.url)),
        esimgo: (sandboxes.esimgo.as_ref().map(|s| s.base_url.clone()))
            .or_else(|| outside(&settings.esimgo.url)),
        truphone: (sandboxes.truphone.as_ref().map(|s| s.base_url.clone()))
            .or_else(|| outside(&settings.truphone.url)),
        fms: (sandboxes.fms.as_ref().map(|s| s.base_url.clone()))
            .or_else(|| outside(&settings.fms.url)),
        stripe: sandboxes.stripe.as_ref().map(|s| s.base_url.clone()),
    }
}

/// Background tasks end with the server (and with a test that drops it mid-work).
struct AbortOnDrop(Vec<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Real Stripe when STRIPE_SECRET_KEY is set; otherwise the in-process Stripe sandbox, in test mode.
async fn payment_gateway(
    settings: &Settings,
    sandboxes: &mut Sandboxes,
) -> anyhow::Result<Arc<dyn PaymentGateway>> {
    let config = match &settings.stripe.secret_key {
        Some(secret_key) => StripeConfig {
            secret_key: secret_key.expose_secret().to_owned(),
            webhook_secret: settings
                .stripe
                .webhook_secret
                .as_ref()
                .map(|secret| secret.expose_secret().to_owned())
                .unwrap_or_default(),
            api_base: settings.stripe.api_base.clone(),
        },
        None => {
            // A fresh signing secret per process, shared by the sandbox and Tern alone.
            let sandbox_config = StripeSandboxConfig::default();
            let webhook_secret = sandbox_config.webhook_secret.clone();
            let running = StripeSandbox::spawn(sandbox_config)
                .await
                .context("Failed to start the Stripe sandbox")?;
            tracing::info!(
                "Stripe sandbox (test mode) at {} (set STRIPE_SECRET_KEY to use Stripe)",
                running.base_url
            );
            let config = StripeConfig {
                secret_key: sandbox::stripe::SANDBOX_SECRET_KEY.to_owned(),
                webhook_secret,
                api_base: Some(format!("{}/", running.base_url)),
            };
            sandboxes.stripe = Some(running);
            config
        }
    };
    Ok(Arc::new(StripeGateway::new(config)))
}

fn mailer(settings: &Settings) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match &settings.mail.smtp_url {
        Some(url) => Arc::new(crate::mail::SmtpMailer::new(
            url.expose_secret(),
            settings.mail.from.clone(),
        )?),
        None => {
            if settings.everything_is_a_sandbox() {
                tracing::info!(
                    "email goes to {} (set SMTP_URL to send it); read it at /dev/outbox",
                    settings.mail.outbox_dir.display()
                );
            } else {
                tracing::warn!(
                    "email goes to {} only (set SMTP_URL to send it)",
                    settings.mail.outbox_dir.display()
                );
            }
            Arc::new(crate::mail::OutboxMailer::new(
                settings.mail.outbox_dir.clone(),
                settings.mail.from.clone(),
            ))
        }
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
