//! Start-up: database, reference data, providers (real or sandbox), background jobs, HTTP server.

use crate::config::Settings;
use crate::{jobs, routes};
use anyhow::Context;
use app::state::AppState;
use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;
use providers::esimfx::{EsimfxClient, EsimfxConfig};
use providers::EsimProvider;
use sandbox::esimfx::{EsimfxSandbox, EsimfxSandboxConfig, RunningSandbox};
use std::net::SocketAddr;
use std::sync::Arc;
use store::{Db, PricingPolicy};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// A started Tern: listening, with its jobs running.
pub struct Application {
    address: SocketAddr,
    base_url: String,
    db: Db,
    router: axum::Router,
    listener: TcpListener,
    first_sync: watch::Receiver<bool>,
    /// Kept alive for as long as the application runs.
    _sandboxes: Vec<RunningSandbox>,
}

impl Application {
    pub async fn build(
        settings: Settings,
        mut leptos_options: LeptosOptions,
    ) -> anyhow::Result<Application> {
        let db = Db::connect(&settings.database_url).await?;
        db.migrate().await?;
        store::reference::load(&db)
            .await
            .context("Failed to load reference data")?;

        let mut sandboxes = Vec::new();
        let esimfx = esimfx_provider(&settings, &mut sandboxes).await?;
        let providers: Vec<Arc<dyn EsimProvider>> = vec![esimfx];

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

        let (first_sync_tx, first_sync) = watch::channel(false);
        tokio::spawn(jobs::catalogue_sync::run(
            db.clone(),
            providers,
            PricingPolicy::new(settings.margin_percent),
            settings.catalogue_sync_interval,
            first_sync_tx,
        ));

        let state = AppState {
            db: db.clone(),
            public_url,
        };
        let router = routes::router(state, leptos_options);
        Ok(Application {
            address,
            base_url,
            db,
            router,
            listener,
            first_sync,
            _sandboxes: sandboxes,
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

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        // Without TCP_NODELAY small responses wait for delayed ACKs (~40 ms each).
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let _sandboxes = self._sandboxes;
        axum::serve(listener, self.router.into_make_service())
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("The HTTP server failed")
    }
}

/// The real eSIMfx when TERN_ESIMFX_URL is set, otherwise the sandbox started here, reached over HTTP all the same.
async fn esimfx_provider(
    settings: &Settings,
    sandboxes: &mut Vec<RunningSandbox>,
) -> anyhow::Result<Arc<dyn EsimProvider>> {
    let config = match &settings.esimfx.url {
        Some(url) => EsimfxConfig {
            base_url: url.clone(),
            client_id: settings.esimfx.client_id.clone().unwrap_or_default(),
            client_key: settings.esimfx.client_key.clone().unwrap_or_default(),
            timeout: settings.esimfx.timeout,
        },
        None => {
            let sandbox_config = EsimfxSandboxConfig::default();
            let running = EsimfxSandbox::spawn(sandbox_config.clone())
                .await
                .context("Failed to start the eSIMfx sandbox")?;
            tracing::info!(
                "eSIMfx sandbox at {} (set TERN_ESIMFX_URL to use the real service)",
                running.base_url
            );
            let config = EsimfxConfig {
                base_url: running.base_url.clone(),
                client_id: sandbox_config.client_id,
                client_key: sandbox_config.client_key,
                timeout: settings.esimfx.timeout,
            };
            sandboxes.push(running);
            config
        }
    };
    Ok(Arc::new(
        EsimfxClient::new(config).context("Failed to create the eSIMfx client")?,
    ))
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
