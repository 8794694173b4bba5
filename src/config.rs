//! Typed settings from environment variables; every one is listed in the README.

use crate::limits::{LimitSettings, RateSettings, TrustedProxies};
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
    pub esimgo: EsimGoSettings,
    pub truphone: TruphoneSettings,
    pub fms: FmsSettings,
    /// Which providers Tern sells from (`TERN_PROVIDERS`); all four by default.
    pub enabled_providers: Vec<String>,
    /// Request timeout for eSIM Go, Truphone and FMS.
    pub provider_timeout: Duration,
    pub margin_percent: u32,
    pub catalogue_sync_interval: Duration,
    pub stripe: StripeSettings,
    pub mail: MailSettings,
    pub jobs: JobSettings,
    pub care: CareSettings,
    /// The in-process eSIMfx sandbox simulates travellers' phones (install, connect, use data)
    /// on a clock running 60 times faster, so usage moves while the shop runs locally.
    pub sandbox_devices: bool,
    /// The first owner, created at start-up when no owner exists yet.
    pub admin: AdminBootstrap,
    /// Per-client rates, trusted proxies and the server's deadlines.
    pub limits: LimitSettings,
}

/// `TERN_ADMIN_EMAIL` and `TERN_ADMIN_PASSWORD`: an owner account to create at start-up if the
/// shop has none yet. Ignored once an owner exists.
#[derive(Clone, Default)]
pub struct AdminBootstrap {
    pub email: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for AdminBootstrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminBootstrap")
            .field("email", &self.email)
            .field("password", &redacted(&self.password))
            .finish()
    }
}

/// Usage refreshes, low-data alerts and package refunds on travellers' eSIMs.
#[derive(Debug, Clone)]
pub struct CareSettings {
    pub refresh_every: Duration,
    pub stale_after: Duration,
    pub alert_percent: u8,
    pub esim_fee_minor: i64,
}

/// Stripe; no secret key means Tern's in-process Stripe sandbox (test mode).
#[derive(Clone, Default)]
pub struct StripeSettings {
    pub secret_key: Option<String>,
    pub webhook_secret: Option<String>,
    /// Another Stripe-compatible API base, e.g. a local Stripe sandbox.
    pub api_base: Option<String>,
}

impl std::fmt::Debug for StripeSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeSettings")
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// Email: over SMTP when `smtp_url` is set, otherwise into the outbox folder.
#[derive(Clone)]
pub struct MailSettings {
    pub smtp_url: Option<String>,
    pub from: String,
    pub outbox_dir: std::path::PathBuf,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("outbox_dir", &self.outbox_dir)
            .finish()
    }
}

/// Background job tuning.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// First retry delay; doubles each attempt.
    pub retry_base: Duration,
    /// Retryable provider errors become permanent after this many attempts.
    pub max_attempts: u32,
    /// How long a claimed job is reserved before another worker may resume it.
    pub lease: Duration,
    /// An order still pending at its provider after this long fails over.
    pub pending_limit: Duration,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            retry_base: Duration::from_secs(2),
            max_attempts: 8,
            lease: Duration::from_secs(120),
            pending_limit: Duration::from_secs(30 * 60),
        }
    }
}

/// How to reach eSIMfx; no URL means the in-process sandbox.
#[derive(Clone)]
pub struct EsimfxSettings {
    pub url: Option<String>,
    pub client_id: Option<String>,
    pub client_key: Option<String>,
    pub timeout: Duration,
    /// The Secret Key eSIMfx sends in each webhook's `token` header.
    pub webhook_token: Option<String>,
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
            .field(
                "webhook_token",
                &self.webhook_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// eSIM Go v2.4; no URL means the in-process sandbox.
#[derive(Clone)]
pub struct EsimGoSettings {
    pub url: Option<String>,
    pub api_key: Option<String>,
}

/// Truphone Connect v1: a static bearer token, or OAuth2 client credentials; no URL means the
/// in-process sandbox.
#[derive(Clone)]
pub struct TruphoneSettings {
    pub url: Option<String>,
    pub token: Option<String>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// FMS: the partner code, and the secret each traveller's FMS password is derived from (the
/// previous one while rotating); no URL means the in-process sandbox.
#[derive(Clone)]
pub struct FmsSettings {
    pub url: Option<String>,
    pub partner_code: Option<String>,
    pub password_secret: Option<String>,
    pub previous_password_secret: Option<String>,
    pub operator_email: String,
}

/// Secrets never reach the logs.
fn redacted(value: &Option<String>) -> Option<&'static str> {
    value.as_ref().map(|_| "<redacted>")
}

impl std::fmt::Debug for EsimGoSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsimGoSettings")
            .field("url", &self.url)
            .field("api_key", &redacted(&self.api_key))
            .finish()
    }
}

impl std::fmt::Debug for TruphoneSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TruphoneSettings")
            .field("url", &self.url)
            .field("token", &redacted(&self.token))
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(&self.client_secret))
            .finish()
    }
}

impl std::fmt::Debug for FmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FmsSettings")
            .field("url", &self.url)
            .field("partner_code", &self.partner_code)
            .field("password_secret", &redacted(&self.password_secret))
            .field(
                "previous_password_secret",
                &redacted(&self.previous_password_secret),
            )
            .field("operator_email", &self.operator_email)
            .finish()
    }
}

/// Every provider Tern has an adapter for.
pub const ALL_PROVIDERS: [&str; 4] = ["esimfx", "esimgo", "truphone", "fms"];

pub const DEFAULT_DATABASE_URL: &str = "sqlite://var/tern.db?mode=rwc";

impl Settings {
    /// Reads the environment; the listen address comes from Leptos (`LEPTOS_SITE_ADDR`).
    pub fn from_env(leptos: &LeptosOptions) -> anyhow::Result<Settings> {
        let esimfx = EsimfxSettings {
            url: var("TERN_ESIMFX_URL"),
            client_id: var("TERN_ESIMFX_CLIENT_ID"),
            client_key: var("TERN_ESIMFX_CLIENT_KEY"),
            timeout: Duration::from_secs(parse_var("TERN_ESIMFX_TIMEOUT_SECS", 20)?),
            webhook_token: var("TERN_ESIMFX_WEBHOOK_TOKEN"),
        };
        if esimfx.url.is_some() && (esimfx.client_id.is_none() || esimfx.client_key.is_none()) {
            bail!("TERN_ESIMFX_URL is set, so TERN_ESIMFX_CLIENT_ID and TERN_ESIMFX_CLIENT_KEY are needed too");
        }
        let esimgo = EsimGoSettings {
            url: var("TERN_ESIMGO_URL"),
            api_key: var("TERN_ESIMGO_API_KEY"),
        };
        if esimgo.url.is_some() && esimgo.api_key.is_none() {
            bail!("TERN_ESIMGO_URL is set, so TERN_ESIMGO_API_KEY is needed too");
        }
        let truphone = TruphoneSettings {
            url: var("TERN_TRUPHONE_URL"),
            token: var("TERN_TRUPHONE_TOKEN"),
            token_url: var("TERN_TRUPHONE_TOKEN_URL"),
            client_id: var("TERN_TRUPHONE_CLIENT_ID"),
            client_secret: var("TERN_TRUPHONE_CLIENT_SECRET"),
        };
        let client_credentials = truphone.token_url.is_some()
            && truphone.client_id.is_some()
            && truphone.client_secret.is_some();
        if truphone.url.is_some() && truphone.token.is_none() && !client_credentials {
            bail!("TERN_TRUPHONE_URL is set, so TERN_TRUPHONE_TOKEN (or TERN_TRUPHONE_TOKEN_URL, TERN_TRUPHONE_CLIENT_ID and TERN_TRUPHONE_CLIENT_SECRET) is needed too");
        }
        let fms = FmsSettings {
            url: var("TERN_FMS_URL"),
            partner_code: var("TERN_FMS_PARTNER_CODE"),
            password_secret: var("TERN_FMS_PASSWORD_SECRET"),
            previous_password_secret: var("TERN_FMS_PREVIOUS_PASSWORD_SECRET"),
            operator_email: var("TERN_FMS_OPERATOR_EMAIL")
                .unwrap_or_else(|| "fms-operator@tern.example".to_owned()),
        };
        if fms.url.is_some() && (fms.partner_code.is_none() || fms.password_secret.is_none()) {
            bail!("TERN_FMS_URL is set, so TERN_FMS_PARTNER_CODE and TERN_FMS_PASSWORD_SECRET are needed too");
        }
        let enabled_providers: Vec<String> = match var("TERN_PROVIDERS") {
            Some(list) => list
                .split(',')
                .map(|p| p.trim().to_ascii_lowercase())
                .filter(|p| !p.is_empty())
                .collect(),
            None => ALL_PROVIDERS.iter().map(|p| (*p).to_owned()).collect(),
        };
        if let Some(unknown) = enabled_providers
            .iter()
            .find(|p| !ALL_PROVIDERS.contains(&p.as_str()))
        {
            bail!(
                "TERN_PROVIDERS names {unknown}; known providers: {}",
                ALL_PROVIDERS.join(", ")
            );
        }
        if enabled_providers.is_empty() {
            bail!("TERN_PROVIDERS must name at least one provider");
        }
        let sandbox_devices: bool = parse_var("TERN_SANDBOX_DEVICES", true)?;
        let simulated = sandbox_devices && esimfx.url.is_none();
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
            esimgo,
            truphone,
            fms,
            enabled_providers,
            provider_timeout: Duration::from_secs(parse_var("TERN_PROVIDER_TIMEOUT_SECS", 20)?),
            margin_percent,
            catalogue_sync_interval: Duration::from_secs(sync_secs),
            stripe: stripe_settings()?,
            mail: MailSettings {
                smtp_url: var("SMTP_URL"),
                from: var("TERN_MAIL_FROM")
                    .unwrap_or_else(|| "Tern <orders@tern.example>".to_owned()),
                outbox_dir: var("TERN_OUTBOX_DIR")
                    .unwrap_or_else(|| "var/outbox".to_owned())
                    .into(),
            },
            jobs: JobSettings {
                retry_base: Duration::from_millis(parse_var("TERN_JOB_RETRY_BASE_MS", 2000)?),
                max_attempts: parse_var("TERN_JOB_MAX_ATTEMPTS", 8)?,
                lease: Duration::from_secs(parse_var("TERN_JOB_LEASE_SECS", 120)?),
                pending_limit: Duration::from_secs(
                    60 * parse_var("TERN_PROVIDER_PENDING_MINUTES", 30)?,
                ),
            },
            care: care_settings(simulated)?,
            sandbox_devices,
            admin: admin_bootstrap()?,
            limits: limit_settings()?,
        })
    }
}

/// `simulated`: the sandbox's simulated phones use data 60 times faster than real ones, so the
/// figures are refreshed far more often than real usage needs.
fn care_settings(simulated: bool) -> anyhow::Result<CareSettings> {
    let (refresh_default, stale_default) = if simulated { (30, 15) } else { (900, 300) };
    let alert_percent: u8 = parse_var("TERN_USAGE_ALERT_PERCENT", 80)?;
    if !(1..=100).contains(&alert_percent) {
        bail!("TERN_USAGE_ALERT_PERCENT must be between 1 and 100");
    }
    let refresh_secs: u64 = parse_var("TERN_USAGE_REFRESH_SECS", refresh_default)?;
    if refresh_secs < 5 {
        bail!("TERN_USAGE_REFRESH_SECS must be at least 5");
    }
    Ok(CareSettings {
        refresh_every: Duration::from_secs(refresh_secs),
        stale_after: Duration::from_secs(parse_var("TERN_USAGE_STALE_SECS", stale_default)?),
        alert_percent,
        esim_fee_minor: parse_var("TERN_ESIM_FEE_CENTS", 100)?,
    })
}

fn limit_settings() -> anyhow::Result<LimitSettings> {
    let defaults = LimitSettings::default();
    let trusted_proxies = match var("TERN_TRUSTED_PROXIES") {
        Some(list) => TrustedProxies::parse(&list).context("TERN_TRUSTED_PROXIES is not valid")?,
        None => defaults.trusted_proxies,
    };
    let rates = RateSettings {
        checkouts_per_minute: parse_var(
            "TERN_CHECKOUTS_PER_MINUTE",
            defaults.rates.checkouts_per_minute,
        )?,
        sign_ins_per_minute: parse_var(
            "TERN_SIGN_INS_PER_MINUTE",
            defaults.rates.sign_ins_per_minute,
        )?,
        admin_sign_ins_per_minute: parse_var(
            "TERN_ADMIN_SIGN_INS_PER_MINUTE",
            defaults.rates.admin_sign_ins_per_minute,
        )?,
    };
    let seconds = |name, default: Duration| -> anyhow::Result<Duration> {
        let seconds: u64 = parse_var(name, default.as_secs())?;
        if seconds == 0 {
            bail!("{name} must be at least 1");
        }
        Ok(Duration::from_secs(seconds))
    };
    Ok(LimitSettings {
        trusted_proxies,
        rates,
        request_timeout: seconds("TERN_REQUEST_TIMEOUT_SECS", defaults.request_timeout)?,
        header_read_timeout: seconds(
            "TERN_HEADER_READ_TIMEOUT_SECS",
            defaults.header_read_timeout,
        )?,
    })
}

fn admin_bootstrap() -> anyhow::Result<AdminBootstrap> {
    let bootstrap = AdminBootstrap {
        email: var("TERN_ADMIN_EMAIL"),
        // Read untrimmed: spaces may be part of a password.
        password: std::env::var("TERN_ADMIN_PASSWORD")
            .ok()
            .filter(|v| !v.is_empty()),
    };
    if bootstrap.email.is_some() && bootstrap.password.is_none() {
        bail!("TERN_ADMIN_EMAIL is set, so TERN_ADMIN_PASSWORD is needed too");
    }
    Ok(bootstrap)
}

fn stripe_settings() -> anyhow::Result<StripeSettings> {
    let settings = StripeSettings {
        secret_key: var("STRIPE_SECRET_KEY"),
        webhook_secret: var("STRIPE_WEBHOOK_SECRET"),
        api_base: var("STRIPE_API_BASE"),
    };
    if settings.secret_key.is_some() && settings.webhook_secret.is_none() {
        bail!("STRIPE_SECRET_KEY is set, so STRIPE_WEBHOOK_SECRET is needed too (webhooks are verified)");
    }
    Ok(settings)
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
