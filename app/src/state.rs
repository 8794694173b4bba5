//! What server functions need from the server, provided as Leptos context.

use leptos::prelude::*;

/// Shared server state handed to every SSR render and server function.
#[derive(Clone)]
pub struct AppState {
    pub db: store::Db,
    /// Absolute base URL for canonical links, without a trailing slash.
    pub public_url: String,
    pub payments: std::sync::Arc<dyn payments::PaymentGateway>,
    /// Wakes the job worker when work has been queued.
    pub jobs: std::sync::Arc<tokio::sync::Notify>,
    /// Whether every service is a sandbox and mail goes to the local outbox, which /dev/outbox
    /// then lists (it exists only then).
    pub outbox_mode: bool,
    /// Where the local outbox writes each message; the page shows sent messages from there, as
    /// the database no longer holds their links.
    pub outbox_dir: std::path::PathBuf,
    /// Every configured provider adapter, by provider id.
    pub providers: std::sync::Arc<
        std::collections::HashMap<&'static str, std::sync::Arc<dyn providers::EsimProvider>>,
    >,
    /// Usage refresh, alert and refund rules for travellers' eSIMs.
    pub care: store::esims::CarePolicy,
    /// The margin plans get while the admin has set none.
    pub pricing: store::PricingPolicy,
}

impl AppState {
    /// The adapter for a stored provider id.
    pub fn provider(&self, id: &str) -> Result<&dyn providers::EsimProvider, ServerFnError> {
        self.providers
            .get(id)
            .map(|p| p.as_ref())
            .ok_or_else(|| internal(anyhow::anyhow!("provider {id} is not configured")))
    }
}

/// The server state, or a server-function error if it was not provided.
pub fn app_state() -> Result<AppState, ServerFnError> {
    use_context::<AppState>().ok_or_else(|| internal(anyhow::anyhow!("server state is missing")))
}

/// Logs the whole error chain and hands the browser a message that reveals nothing internal.
pub fn internal(error: anyhow::Error) -> ServerFnError {
    tracing::error!(error = ?error, "server function failed");
    crate::components::status::mark_internal_failure();
    ServerFnError::new("Something went wrong on our side. Please try again in a moment.")
}
