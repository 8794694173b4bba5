//! Runs the shop: `tern` serves at LEPTOS_SITE_ADDR (http://127.0.0.1:3000 by default).

use anyhow::Context;
use tern::{telemetry, Application, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env is normal; variables may come from the environment instead.
    let _ = dotenvy::dotenv();
    telemetry::init();
    let leptos_options = leptos::config::get_configuration(None)
        .context("Failed to read the Leptos configuration")?
        .leptos_options;
    let settings = Settings::from_env(&leptos_options).context("Invalid configuration")?;
    let app = Application::build(settings, leptos_options).await?;
    tracing::info!("Tern is serving at {}", app.base_url());
    app.run_until_stopped().await
}
