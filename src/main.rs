//! Runs the shop: `tern` serves at LEPTOS_SITE_ADDR (http://127.0.0.1:3000 by default);
//! `tern admin create-owner|create-support|disable|enable|revoke-sessions|reset-password --email …`
//! manages admin accounts (`tern admin` alone prints the usage).

use anyhow::Context;
use tern::{telemetry, Application, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env is normal; variables may come from the environment instead.
    let _ = dotenvy::dotenv();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        None => serve().await,
        Some((command, rest)) if command == "admin" => {
            let database_url = std::env::var("DATABASE_URL")
                .ok()
                .filter(|url| !url.trim().is_empty())
                .unwrap_or_else(|| tern::config::DEFAULT_DATABASE_URL.to_owned());
            // A mistake on the command line reads as a message, not a backtrace.
            if let Err(error) = tern::admin_setup::run_command(rest, database_url.trim()).await {
                eprintln!("{error:#}");
                std::process::exit(2);
            }
            Ok(())
        }
        Some((command, _)) => anyhow::bail!(
            "unknown command {command}: run `tern` to serve, or `tern admin` for the admin account commands"
        ),
    }
}

async fn serve() -> anyhow::Result<()> {
    telemetry::init();
    let mut leptos_options = leptos::config::get_configuration(None)
        .context("Failed to read the Leptos configuration")?
        .leptos_options;
    // A build with hashed file names leaves their list beside the binary; use it unless told.
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        leptos_options.hash_files = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join(leptos_options.hash_file.as_ref())))
            .is_some_and(|file| file.exists());
    }
    let settings = match Settings::from_env(&leptos_options) {
        Ok(settings) => settings,
        Err(error) => {
            // Read by an operator: every problem in one message, not a backtrace.
            eprintln!("Invalid configuration: {error:#}");
            std::process::exit(2);
        }
    };
    let app = Application::build(settings, leptos_options).await?;
    tracing::info!("Tern is serving at {}", app.base_url());
    app.run_until_stopped().await
}
