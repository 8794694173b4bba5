//! Typed settings from environment variables; every one is listed in the README.

use anyhow::{bail, Context};
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::time::Duration;

/// Everything Tern needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen; port 0 picks a free port (tests).
    pub listen: SocketAddr,
    /// Absolute base URL used in canonical links and the sitemap.
    pub public_url: Option<String>,
    pub database_url: String,
    pub esimfx: EsimfxSettings,
    pub margin_percent: u32,
    pub catalogue_sync_interval: Duration,
}

/// How to reach eSIMfx; no URL means the in-process sandbox.
#[derive(Clone)]
pub struct EsimfxSettings {
    pub url: Option<String>,
    pub client_id: Option<String>,
    pub client_key: Option<String>,
    pub timeout: Duration,
}

impl std::fmt::Debug for EsimfxSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsimfxSettings")
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field(
                "client_key",
                &self.client_key.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://var/tern.db?mode=rwc";

impl Settings {
    /// Reads the environment; the listen address comes from Leptos (`LEPTOS_SITE_ADDR`).
    pub fn from_env(leptos: &LeptosOptions) -> anyhow::Result<Settings> {
        let esimfx = EsimfxSettings {
            url: var("TERN_ESIMFX_URL"),
            client_id: var("TERN_ESIMFX_CLIENT_ID"),
            client_key: var("TERN_ESIMFX_CLIENT_KEY"),
            timeout: Duration::from_secs(parse_var("TERN_ESIMFX_TIMEOUT_SECS", 20)?),
        };
        if esimfx.url.is_some() && (esimfx.client_id.is_none() || esimfx.client_key.is_none()) {
            bail!("TERN_ESIMFX_URL is set, so TERN_ESIMFX_CLIENT_ID and TERN_ESIMFX_CLIENT_KEY are needed too");
        }
        let margin_percent = parse_var("TERN_MARGIN_PERCENT", 30)?;
        if margin_percent > 500 {
            bail!("TERN_MARGIN_PERCENT must be between 0 and 500");
        }
        let sync_secs: u64 = parse_var("TERN_CATALOGUE_SYNC_SECS", 3600)?;
        if sync_secs < 10 {
            bail!("TERN_CATALOGUE_SYNC_SECS must be at least 10");
        }
        Ok(Settings {
            listen: leptos.site_addr,
            public_url: var("TERN_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            esimfx,
            margin_percent,
            catalogue_sync_interval: Duration::from_secs(sync_secs),
        })
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn parse_var<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match var(name) {
        Some(value) => value
            .parse()
            .with_context(|| format!("{name}={value} is not valid")),
        None => Ok(default),
    }
}
