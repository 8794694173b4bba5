//! Typed settings from environment variables; every one is listed in the README.

use crate::limits::{LimitSettings, RateSettings, TrustedProxies};
use anyhow::{bail, Context};
use leptos::config::LeptosOptions;
pub use secrecy::{ExposeSecret, SecretString};
use std::net::SocketAddr;
use std::time::Duration;

/// `TERN_ENV`: what kind of shop this process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// Development and tests: an in-process sandbox stands in for every service without
    /// credentials, as long as no mix of real and sandbox services could lose money.
    #[default]
    Local,
    /// A live shop: every service real, no sandbox, no development route.
    Production,
}

impl Environment {
    fn parse(value: Option<&str>) -> Result<Environment, String> {
        match value {
            None | Some("local") => Ok(Environment::Local),
            Some("production") => Ok(Environment::Production),
            Some(other) => Err(format!(
                "TERN_ENV={other} is not an environment: use local (the default) or production"
            )),
        }
    }
}

/// Everything Tern needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `TERN_ENV`; [`Settings::check`] holds each environment to its rules.
    pub environment: Environment,
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
    /// Base URLs of provider sandboxes started outside the application, which count as
    /// sandboxes rather than real services (the test harness keeps one across restarts).
    /// Never read from the environment, and refused in production.
    pub sandbox_urls: Vec<String>,
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
#[derive(Debug, Clone, Default)]
pub struct AdminBootstrap {
    pub email: Option<String>,
    pub password: Option<SecretString>,
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
#[derive(Debug, Clone, Default)]
pub struct StripeSettings {
    pub secret_key: Option<SecretString>,
    pub webhook_secret: Option<SecretString>,
    /// Another Stripe-compatible API base, e.g. a local Stripe sandbox.
    pub api_base: Option<String>,
}

impl StripeSettings {
    /// A key that moves real money (`sk_live_…`, or a restricted `rk_live_…`).
    pub fn is_live(&self) -> bool {
        self.secret_key.as_ref().is_some_and(|key| {
            let key = key.expose_secret();
            key.starts_with("sk_live_") || key.starts_with("rk_live_")
        })
    }
}

/// Email: over SMTP when `smtp_url` is set, otherwise into the outbox folder.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// May carry the SMTP password.
    pub smtp_url: Option<SecretString>,
    pub from: String,
    pub outbox_dir: std::path::PathBuf,
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
#[derive(Debug, Clone)]
pub struct EsimfxSettings {
    pub url: Option<String>,
    pub client_id: Option<String>,
    pub client_key: Option<SecretString>,
    pub timeout: Duration,
    /// The Secret Key eSIMfx sends in each webhook's `token` header.
    pub webhook_token: Option<SecretString>,
}

/// eSIM Go v2.4; no URL means the in-process sandbox.
#[derive(Debug, Clone)]
pub struct EsimGoSettings {
    pub url: Option<String>,
    pub api_key: Option<SecretString>,
}

/// Truphone Connect v1: a static bearer token, or OAuth2 client credentials; no URL means the
/// in-process sandbox.
#[derive(Debug, Clone)]
pub struct TruphoneSettings {
    pub url: Option<String>,
    pub token: Option<SecretString>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
}

/// FMS: the partner code, and the secret each traveller's FMS password is derived from (the
/// previous one while rotating); no URL means the in-process sandbox.
#[derive(Debug, Clone)]
pub struct FmsSettings {
    pub url: Option<String>,
    pub partner_code: Option<String>,
    pub password_secret: Option<SecretString>,
    pub previous_password_secret: Option<SecretString>,
    pub operator_email: String,
}

/// Every provider Tern has an adapter for.
pub const ALL_PROVIDERS: [&str; 4] = ["esimfx", "esimgo", "truphone", "fms"];

pub const DEFAULT_DATABASE_URL: &str = "sqlite://var/tern.db?mode=rwc";

impl Settings {
    /// Reads the environment; the listen address comes from Leptos (`LEPTOS_SITE_ADDR`).
    pub fn from_env(leptos: &LeptosOptions) -> anyhow::Result<Settings> {
        Settings::from_lookup(&|name| std::env::var(name).ok(), leptos.site_addr)
    }

    /// Reads settings from `lookup` (the environment, or a map in tests) and checks them
    /// with [`Settings::check`].
    pub fn from_lookup(
        lookup: &dyn Fn(&str) -> Option<String>,
        listen: SocketAddr,
    ) -> anyhow::Result<Settings> {
        let vars = Vars(lookup);
        let environment = Environment::parse(
            vars.get("TERN_ENV")
                .map(|v| v.to_ascii_lowercase())
                .as_deref(),
        )
        .map_err(anyhow::Error::msg)?;
        let esimfx = EsimfxSettings {
            url: vars.get("TERN_ESIMFX_URL"),
            client_id: vars.get("TERN_ESIMFX_CLIENT_ID"),
            client_key: vars.secret("TERN_ESIMFX_CLIENT_KEY"),
            timeout: Duration::from_secs(vars.parse("TERN_ESIMFX_TIMEOUT_SECS", 20)?),
            webhook_token: vars.secret("TERN_ESIMFX_WEBHOOK_TOKEN"),
        };
        let enabled_providers: Vec<String> = match vars.get("TERN_PROVIDERS") {
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
        let sandbox_devices: bool = vars.parse("TERN_SANDBOX_DEVICES", true)?;
        let simulated = sandbox_devices && esimfx.url.is_none();
        let margin_percent = vars.parse("TERN_MARGIN_PERCENT", 30)?;
        if margin_percent > 500 {
            bail!("TERN_MARGIN_PERCENT must be between 0 and 500");
        }
        let sync_secs: u64 = vars.parse("TERN_CATALOGUE_SYNC_SECS", 3600)?;
        if sync_secs < 10 {
            bail!("TERN_CATALOGUE_SYNC_SECS must be at least 10");
        }
        let settings = Settings {
            environment,
            listen,
            public_url: vars
                .get("TERN_PUBLIC_URL")
                .map(|u| u.trim_end_matches('/').to_owned()),
            database_url: vars
                .get("DATABASE_URL")
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            esimfx,
            esimgo: EsimGoSettings {
                url: vars.get("TERN_ESIMGO_URL"),
                api_key: vars.secret("TERN_ESIMGO_API_KEY"),
            },
            truphone: TruphoneSettings {
                url: vars.get("TERN_TRUPHONE_URL"),
                token: vars.secret("TERN_TRUPHONE_TOKEN"),
                token_url: vars.get("TERN_TRUPHONE_TOKEN_URL"),
                client_id: vars.get("TERN_TRUPHONE_CLIENT_ID"),
                client_secret: vars.secret("TERN_TRUPHONE_CLIENT_SECRET"),
            },
            fms: FmsSettings {
                url: vars.get("TERN_FMS_URL"),
                partner_code: vars.get("TERN_FMS_PARTNER_CODE"),
                password_secret: vars.secret("TERN_FMS_PASSWORD_SECRET"),
                previous_password_secret: vars.secret("TERN_FMS_PREVIOUS_PASSWORD_SECRET"),
                operator_email: vars
                    .get("TERN_FMS_OPERATOR_EMAIL")
                    .unwrap_or_else(|| "fms-operator@tern.example".to_owned()),
            },
            enabled_providers,
            sandbox_urls: Vec::new(),
            provider_timeout: Duration::from_secs(vars.parse("TERN_PROVIDER_TIMEOUT_SECS", 20)?),
            margin_percent,
            catalogue_sync_interval: Duration::from_secs(sync_secs),
            stripe: StripeSettings {
                secret_key: vars.secret("STRIPE_SECRET_KEY"),
                webhook_secret: vars.secret("STRIPE_WEBHOOK_SECRET"),
                api_base: vars.get("STRIPE_API_BASE"),
            },
            mail: MailSettings {
                smtp_url: vars.secret("SMTP_URL"),
                from: vars
                    .get("TERN_MAIL_FROM")
                    .unwrap_or_else(|| "Tern <orders@tern.example>".to_owned()),
                outbox_dir: vars
                    .get("TERN_OUTBOX_DIR")
                    .unwrap_or_else(|| "var/outbox".to_owned())
                    .into(),
            },
            jobs: JobSettings {
                retry_base: Duration::from_millis(vars.parse("TERN_JOB_RETRY_BASE_MS", 2000)?),
                max_attempts: vars.parse("TERN_JOB_MAX_ATTEMPTS", 8)?,
                lease: Duration::from_secs(vars.parse("TERN_JOB_LEASE_SECS", 120)?),
                pending_limit: Duration::from_secs(
                    60 * vars.parse("TERN_PROVIDER_PENDING_MINUTES", 30)?,
                ),
            },
            care: care_settings(&vars, simulated)?,
            sandbox_devices,
            admin: AdminBootstrap {
                email: vars.get("TERN_ADMIN_EMAIL"),
                // Read untrimmed: spaces may be part of a password.
                password: lookup("TERN_ADMIN_PASSWORD")
                    .filter(|v| !v.is_empty())
                    .map(SecretString::from),
            },
            limits: limit_settings(&vars)?,
        };
        settings.check()?;
        Ok(settings)
    }

    /// Every problem with these settings at once, so an operator fixes them in one go: missing
    /// credentials; in production anything fake or unsafe; locally a mix of real and sandbox
    /// services that could give away real eSIMs or take real money for none.
    pub fn check(&self) -> Result<(), ConfigError> {
        let mut problems = self.credential_problems();
        match self.environment {
            Environment::Production => problems.extend(self.production_problems()),
            Environment::Local => problems.extend(self.mixing_problems()),
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError {
                environment: self.environment,
                problems,
            })
        }
    }

    /// Whether `provider` runs as a sandbox: no URL (Tern starts one), or a sandbox started
    /// outside the application ([`Settings::sandbox_urls`]).
    pub fn is_sandbox(&self, provider: &str) -> bool {
        match self.provider_url(provider) {
            None => true,
            Some(url) => self.sandbox_urls.iter().any(|sandbox| sandbox == url),
        }
    }

    /// Development routes (`/dev/*`) are served only while every service is a sandbox: every
    /// enabled provider, Stripe, and email into the outbox. Then nothing real can be reached
    /// through them and no real traveller's email can be read.
    pub fn everything_is_a_sandbox(&self) -> bool {
        self.environment == Environment::Local
            && self.stripe.secret_key.is_none()
            && self.mail.smtp_url.is_none()
            && self.enabled_providers.iter().all(|p| self.is_sandbox(p))
    }

    fn provider_url(&self, provider: &str) -> Option<&str> {
        match provider {
            "esimfx" => self.esimfx.url.as_deref(),
            "esimgo" => self.esimgo.url.as_deref(),
            "truphone" => self.truphone.url.as_deref(),
            "fms" => self.fms.url.as_deref(),
            _ => None,
        }
    }

    /// What a provider needs besides its URL, as `(variable, set)`.
    fn provider_credentials(&self, provider: &str) -> Vec<(&'static str, bool)> {
        match provider {
            "esimfx" => vec![
                ("TERN_ESIMFX_CLIENT_ID", self.esimfx.client_id.is_some()),
                ("TERN_ESIMFX_CLIENT_KEY", self.esimfx.client_key.is_some()),
            ],
            "esimgo" => vec![("TERN_ESIMGO_API_KEY", self.esimgo.api_key.is_some())],
            "truphone" => {
                let t = &self.truphone;
                let client_credentials =
                    t.token_url.is_some() && t.client_id.is_some() && t.client_secret.is_some();
                vec![(
                    "TERN_TRUPHONE_TOKEN (or TERN_TRUPHONE_TOKEN_URL, TERN_TRUPHONE_CLIENT_ID and TERN_TRUPHONE_CLIENT_SECRET)",
                    t.token.is_some() || client_credentials,
                )]
            }
            "fms" => vec![
                ("TERN_FMS_PARTNER_CODE", self.fms.partner_code.is_some()),
                (
                    "TERN_FMS_PASSWORD_SECRET",
                    self.fms.password_secret.is_some(),
                ),
            ],
            _ => Vec::new(),
        }
    }

    /// A URL set without the credentials that go with it, in any environment.
    fn credential_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for provider in ALL_PROVIDERS {
            if self.provider_url(provider).is_none() {
                continue;
            }
            for (variable, set) in self.provider_credentials(provider) {
                if !set {
                    problems.push(format!(
                        "{} is set, so {variable} is needed too",
                        url_variable(provider)
                    ));
                }
            }
        }
        if self.stripe.secret_key.is_some() && self.stripe.webhook_secret.is_none() {
            problems.push(
                "STRIPE_SECRET_KEY is set, so STRIPE_WEBHOOK_SECRET is needed too (webhooks are verified)"
                    .to_owned(),
            );
        }
        if self.admin.email.is_some() && self.admin.password.is_none() {
            problems
                .push("TERN_ADMIN_EMAIL is set, so TERN_ADMIN_PASSWORD is needed too".to_owned());
        }
        problems
    }

    /// A live shop runs on real services only.
    fn production_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match &self.stripe.secret_key {
            None => problems.push(
                "STRIPE_SECRET_KEY is not set: a live shop takes payments with Stripe".to_owned(),
            ),
            Some(_) if !self.stripe.is_live() => problems.push(
                "STRIPE_SECRET_KEY is not a live key (sk_live_… or rk_live_…): with a test key the shop would take no money yet send real eSIMs"
                    .to_owned(),
            ),
            Some(_) => {}
        }
        if self.stripe.secret_key.is_none() && self.stripe.webhook_secret.is_none() {
            problems.push(
                "STRIPE_WEBHOOK_SECRET is not set: payment webhooks must be verified".to_owned(),
            );
        }
        for provider in &self.enabled_providers {
            if self.provider_url(provider).is_none() {
                let mut needed = vec![url_variable(provider)];
                needed.extend(
                    self.provider_credentials(provider)
                        .into_iter()
                        .filter(|(_, set)| !set)
                        .map(|(variable, _)| variable),
                );
                problems.push(format!(
                    "{provider} is in TERN_PROVIDERS but not configured: set {}",
                    needed.join(", ")
                ));
            }
        }
        if !self.sandbox_urls.is_empty() {
            problems.push("provider sandboxes are configured: production uses none".to_owned());
        }
        if self.mail.smtp_url.is_none() {
            problems.push(
                "SMTP_URL is not set: travellers would never get their eSIMs or sign-in links"
                    .to_owned(),
            );
        }
        match &self.public_url {
            None => problems.push(
                "TERN_PUBLIC_URL is not set: links in email and payment returns need the shop's https:// address"
                    .to_owned(),
            ),
            Some(url) if !url.starts_with("https://") => problems.push(format!(
                "TERN_PUBLIC_URL={url} is not https://: sign-in links and sessions must not travel in clear"
            )),
            Some(_) => {}
        }
        problems
    }

    /// Locally, sandbox and real services may mix only where no money can be lost.
    fn mixing_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let sandbox_stripe = self.stripe.secret_key.is_none();
        for provider in &self.enabled_providers {
            let variable = url_variable(provider);
            if sandbox_stripe && !self.is_sandbox(provider) {
                problems.push(format!(
                    "{variable} points at a real provider but STRIPE_SECRET_KEY is not set: the sandbox Stripe takes no money, so real eSIMs would be given away. Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (a test key is fine), or unset {variable}"
                ));
            }
            if self.stripe.is_live() && self.is_sandbox(provider) {
                problems.push(format!(
                    "STRIPE_SECRET_KEY is a live key but {provider} is a sandbox ({variable} is not set): travellers would pay real money for eSIMs that do not exist. Use a test key, or configure {provider}"
                ));
            }
        }
        problems
    }
}

/// The variable that points Tern at a provider's real API.
fn url_variable(provider: &str) -> &'static str {
    match provider {
        "esimfx" => "TERN_ESIMFX_URL",
        "esimgo" => "TERN_ESIMGO_URL",
        "truphone" => "TERN_TRUPHONE_URL",
        _ => "TERN_FMS_URL",
    }
}

/// Settings Tern refuses to start with, every problem named.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.render())]
pub struct ConfigError {
    pub environment: Environment,
    pub problems: Vec<String>,
}

impl ConfigError {
    fn render(&self) -> String {
        let heading = match self.environment {
            Environment::Production => "Tern refuses to start in production (TERN_ENV=production):",
            Environment::Local => "Tern refuses to start with this configuration:",
        };
        let mut text = heading.to_owned();
        for problem in &self.problems {
            text.push_str("\n  - ");
            text.push_str(problem);
        }
        text
    }
}

/// `simulated`: the sandbox's simulated phones use data 60 times faster than real ones, so the
/// figures are refreshed far more often than real usage needs.
fn care_settings(vars: &Vars, simulated: bool) -> anyhow::Result<CareSettings> {
    let (refresh_default, stale_default) = if simulated { (30, 15) } else { (900, 300) };
    let alert_percent: u8 = vars.parse("TERN_USAGE_ALERT_PERCENT", 80)?;
    if !(1..=100).contains(&alert_percent) {
        bail!("TERN_USAGE_ALERT_PERCENT must be between 1 and 100");
    }
    let refresh_secs: u64 = vars.parse("TERN_USAGE_REFRESH_SECS", refresh_default)?;
    if refresh_secs < 5 {
        bail!("TERN_USAGE_REFRESH_SECS must be at least 5");
    }
    Ok(CareSettings {
        refresh_every: Duration::from_secs(refresh_secs),
        stale_after: Duration::from_secs(vars.parse("TERN_USAGE_STALE_SECS", stale_default)?),
        alert_percent,
        esim_fee_minor: vars.parse("TERN_ESIM_FEE_CENTS", 100)?,
    })
}

fn limit_settings(vars: &Vars) -> anyhow::Result<LimitSettings> {
    let defaults = LimitSettings::default();
    let trusted_proxies = match vars.get("TERN_TRUSTED_PROXIES") {
        Some(list) => TrustedProxies::parse(&list).context("TERN_TRUSTED_PROXIES is not valid")?,
        None => defaults.trusted_proxies,
    };
    let rates = RateSettings {
        checkouts_per_minute: vars.parse(
            "TERN_CHECKOUTS_PER_MINUTE",
            defaults.rates.checkouts_per_minute,
        )?,
        sign_ins_per_minute: vars.parse(
            "TERN_SIGN_INS_PER_MINUTE",
            defaults.rates.sign_ins_per_minute,
        )?,
        admin_sign_ins_per_minute: vars.parse(
            "TERN_ADMIN_SIGN_INS_PER_MINUTE",
            defaults.rates.admin_sign_ins_per_minute,
        )?,
    };
    let seconds = |name, default: Duration| -> anyhow::Result<Duration> {
        let seconds: u64 = vars.parse(name, default.as_secs())?;
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

/// Variables by name, trimmed, empty ones read as unset.
struct Vars<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Vars<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn secret(&self, name: &str) -> Option<SecretString> {
        self.get(name).map(SecretString::from)
    }

    fn parse<T: std::str::FromStr>(&self, name: &str, default: T) -> anyhow::Result<T>
    where
        T::Err: std::error::Error + Send + Sync + 'static,
    {
        match self.get(name) {
            Some(value) => value
                .parse()
                .with_context(|| format!("{name}={value} is not valid")),
            None => Ok(default),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(
            &move |name| map.get(name).cloned(),
            "127.0.0.1:0".parse().unwrap(),
        )
    }

    fn refusal(vars: &[(&str, &str)]) -> String {
        match read(vars) {
            Ok(settings) => panic!("accepted: {settings:?}"),
            Err(error) => format!("{error:#}"),
        }
    }

    /// A live shop with every service real.
    const PRODUCTION: &[(&str, &str)] = &[
        ("TERN_ENV", "production"),
        ("TERN_PUBLIC_URL", "https://shop.example"),
        ("SMTP_URL", "smtps://user:hunter2@smtp.example.com"),
        ("STRIPE_SECRET_KEY", "sk_live_abc"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_live"),
        ("TERN_PROVIDERS", "esimgo,truphone"),
        ("TERN_ESIMGO_URL", "https://api.esim-go.com/v2.4"),
        ("TERN_ESIMGO_API_KEY", "go-key"),
        (
            "TERN_TRUPHONE_URL",
            "https://services.truphone.com/connect-api",
        ),
        ("TERN_TRUPHONE_TOKEN", "tru-token"),
    ];

    fn production_with(
        changes: &[(&'static str, &'static str)],
    ) -> Vec<(&'static str, &'static str)> {
        let mut vars: Vec<_> = PRODUCTION
            .iter()
            .filter(|(name, _)| !changes.iter().any(|(changed, _)| changed == name))
            .copied()
            .collect();
        vars.extend(changes.iter().filter(|(_, value)| !value.is_empty()));
        vars
    }

    #[test]
    fn local_with_nothing_set_is_all_sandboxes() {
        let settings = read(&[]).unwrap();
        assert_eq!(settings.environment, Environment::Local);
        assert!(settings.everything_is_a_sandbox());
    }

    #[test]
    fn an_unknown_environment_is_refused() {
        let message = refusal(&[("TERN_ENV", "staging")]);
        assert!(message.contains("TERN_ENV=staging"), "{message}");
        assert!(message.contains("local") && message.contains("production"));
    }

    #[test]
    fn production_with_nothing_set_names_every_missing_setting_at_once() {
        let message = refusal(&[("TERN_ENV", "production")]);
        for needed in [
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "TERN_ESIMFX_URL",
            "TERN_ESIMFX_CLIENT_ID",
            "TERN_ESIMFX_CLIENT_KEY",
            "TERN_ESIMGO_URL",
            "TERN_ESIMGO_API_KEY",
            "TERN_TRUPHONE_URL",
            "TERN_TRUPHONE_TOKEN",
            "TERN_FMS_URL",
            "TERN_FMS_PARTNER_CODE",
            "TERN_FMS_PASSWORD_SECRET",
            "SMTP_URL",
            "TERN_PUBLIC_URL",
        ] {
            assert!(message.contains(needed), "{needed} not named in: {message}");
        }
    }

    #[test]
    fn production_accepts_every_service_real() {
        let settings = read(PRODUCTION).unwrap();
        assert_eq!(settings.environment, Environment::Production);
        assert!(!settings.everything_is_a_sandbox());
        assert!(!settings.is_sandbox("esimgo") && !settings.is_sandbox("truphone"));
    }

    #[test]
    fn production_refuses_a_stripe_test_key() {
        let message = refusal(&production_with(&[("STRIPE_SECRET_KEY", "sk_test_abc")]));
        assert!(message.contains("not a live key"), "{message}");
        assert!(message.contains("send real eSIMs"), "{message}");
    }

    #[test]
    fn production_refuses_a_public_url_without_https() {
        let message = refusal(&production_with(&[(
            "TERN_PUBLIC_URL",
            "http://shop.example",
        )]));
        assert!(
            message.contains("TERN_PUBLIC_URL=http://shop.example"),
            "{message}"
        );
        let message = refusal(&production_with(&[("TERN_PUBLIC_URL", "")]));
        assert!(message.contains("TERN_PUBLIC_URL is not set"), "{message}");
    }

    #[test]
    fn production_refuses_an_enabled_provider_without_credentials() {
        let message = refusal(&production_with(&[("TERN_TRUPHONE_TOKEN", "")]));
        assert!(message.contains("TERN_TRUPHONE_TOKEN"), "{message}");
        let message = refusal(&production_with(&[("TERN_PROVIDERS", "esimgo,fms")]));
        assert!(message.contains("fms is in TERN_PROVIDERS"), "{message}");
        assert!(message.contains("TERN_FMS_URL"), "{message}");
    }

    #[test]
    fn production_refuses_email_to_the_outbox() {
        let message = refusal(&production_with(&[("SMTP_URL", "")]));
        assert!(message.contains("SMTP_URL is not set"), "{message}");
    }

    #[test]
    fn local_refuses_a_real_provider_with_the_sandbox_stripe() {
        let message = refusal(&[
            ("TERN_ESIMGO_URL", "https://api.esim-go.com/v2.4"),
            ("TERN_ESIMGO_API_KEY", "go-key"),
        ]);
        assert!(
            message.contains("TERN_ESIMGO_URL points at a real provider"),
            "{message}"
        );
        assert!(
            message.contains("STRIPE_SECRET_KEY is not set"),
            "{message}"
        );
    }

    #[test]
    fn local_refuses_a_live_stripe_key_with_a_sandbox_provider() {
        let message = refusal(&[
            ("STRIPE_SECRET_KEY", "sk_live_abc"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_live"),
        ]);
        assert!(
            message.contains("STRIPE_SECRET_KEY is a live key"),
            "{message}"
        );
        for sandbox in ALL_PROVIDERS {
            assert!(
                message.contains(&format!("but {sandbox} is a sandbox")),
                "{message}"
            );
        }
    }

    #[test]
    fn local_allows_a_real_provider_with_a_stripe_test_key() {
        let settings = read(&[
            ("TERN_PROVIDERS", "esimgo"),
            ("TERN_ESIMGO_URL", "https://api.esim-go.com/v2.4"),
            ("TERN_ESIMGO_API_KEY", "go-key"),
            ("STRIPE_SECRET_KEY", "sk_test_abc"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_test"),
        ])
        .unwrap();
        assert!(!settings.everything_is_a_sandbox());
    }

    #[test]
    fn development_routes_need_every_service_to_be_a_sandbox() {
        assert!(!read(&[("SMTP_URL", "smtp://localhost:25")])
            .unwrap()
            .everything_is_a_sandbox());
        // A provider Tern does not sell from does not count.
        let settings = read(&[
            ("TERN_PROVIDERS", "esimfx"),
            ("TERN_ESIMGO_URL", "https://api.esim-go.com/v2.4"),
            ("TERN_ESIMGO_API_KEY", "go-key"),
        ])
        .unwrap();
        assert!(settings.everything_is_a_sandbox());
    }

    #[test]
    fn a_provider_url_without_credentials_is_refused_in_any_environment() {
        let message = refusal(&[
            ("TERN_ESIMFX_URL", "https://api.esimfx.example"),
            ("STRIPE_SECRET_KEY", "sk_test_abc"),
        ]);
        assert!(
            message.contains("TERN_ESIMFX_CLIENT_ID is needed"),
            "{message}"
        );
        assert!(
            message.contains("TERN_ESIMFX_CLIENT_KEY is needed"),
            "{message}"
        );
        assert!(
            message.contains("STRIPE_WEBHOOK_SECRET is needed"),
            "{message}"
        );
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let settings = read(&[
            ("TERN_PROVIDERS", "esimgo,truphone"),
            ("TERN_ESIMGO_URL", "https://api.esim-go.com/v2.4"),
            ("TERN_ESIMGO_API_KEY", "secret-go-key"),
            (
                "TERN_TRUPHONE_URL",
                "https://services.truphone.com/connect-api",
            ),
            ("TERN_TRUPHONE_TOKEN", "secret-tru-token"),
            ("STRIPE_SECRET_KEY", "sk_test_secretkey"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_secretsigning"),
            ("SMTP_URL", "smtps://user:secret-smtp@smtp.example.com"),
            ("TERN_ADMIN_EMAIL", "owner@example.com"),
            ("TERN_ADMIN_PASSWORD", "secret admin password"),
        ])
        .unwrap();
        let debug = format!("{settings:?}");
        for secret in [
            "secret-go-key",
            "secret-tru-token",
            "sk_test_secretkey",
            "whsec_secretsigning",
            "secret-smtp",
            "secret admin password",
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("owner@example.com"));
    }
}
