//! One adapter per enabled provider: the real service when its URL and credentials are set,
//! otherwise an in-process sandbox that speaks the same HTTP API, reached over HTTP all the same.

use crate::config::{ExposeSecret, SecretString, Settings};
use anyhow::Context;
use providers::esimfx::{EsimfxClient, EsimfxConfig};
use providers::esimgo::{EsimGoClient, EsimGoConfig};
use providers::fms::{FmsClient, FmsConfig};
use providers::truphone::{TruphoneAuth, TruphoneClient, TruphoneConfig};
use providers::EsimProvider;
use sandbox::esimfx::{AutoDevice, EsimfxSandbox, EsimfxSandboxConfig, RunningSandbox};
use sandbox::esimgo::{EsimGoSandbox, EsimGoSandboxConfig, RunningEsimGoSandbox};
use sandbox::fms::{FmsSandbox, FmsSandboxConfig, RunningFmsSandbox};
use sandbox::stripe::RunningStripeSandbox;
use sandbox::truphone::{RunningTruphoneSandbox, TruphoneSandbox, TruphoneSandboxConfig};
use std::sync::Arc;

/// The in-process sandboxes started for providers and payments without real credentials.
#[derive(Default)]
pub struct Sandboxes {
    pub esimfx: Option<RunningSandbox>,
    pub esimgo: Option<RunningEsimGoSandbox>,
    pub truphone: Option<RunningTruphoneSandbox>,
    pub fms: Option<RunningFmsSandbox>,
    pub stripe: Option<RunningStripeSandbox>,
}

/// Simulated phones use data this fast (per sandbox hour) on a clock 60 times faster than the
/// wall clock: a 1 GB package lasts about seven minutes.
const SIMULATED_TRAFFIC_PER_HOUR: u64 = 150 * 1024 * 1024;
const SIMULATED_CLOCK_SPEED: u32 = 60;

/// Every enabled provider, in `TERN_PROVIDERS` order.
pub async fn providers(
    settings: &Settings,
    sandboxes: &mut Sandboxes,
) -> anyhow::Result<Vec<Arc<dyn EsimProvider>>> {
    let mut built: Vec<Arc<dyn EsimProvider>> = Vec::new();
    for id in &settings.enabled_providers {
        let provider: Arc<dyn EsimProvider> = match id.as_str() {
            "esimfx" => esimfx(settings, sandboxes).await?,
            "esimgo" => esimgo(settings, sandboxes).await?,
            "truphone" => truphone(settings, sandboxes).await?,
            "fms" => fms(settings, sandboxes).await?,
            other => anyhow::bail!("no adapter for provider {other}"),
        };
        built.push(provider);
    }
    Ok(built)
}

async fn esimfx(
    settings: &Settings,
    sandboxes: &mut Sandboxes,
) -> anyhow::Result<Arc<dyn EsimProvider>> {
    let config = match &settings.esimfx.url {
        Some(url) => EsimfxConfig {
            base_url: url.clone(),
            client_id: settings.esimfx.client_id.clone().unwrap_or_default(),
            client_key: exposed(&settings.esimfx.client_key),
            timeout: settings.esimfx.timeout,
        },
        None => {
            let mut sandbox_config = EsimfxSandboxConfig::default();
            if settings.sandbox_devices {
                sandbox_config.clock_speed = SIMULATED_CLOCK_SPEED;
                sandbox_config.traffic_bytes_per_hour = SIMULATED_TRAFFIC_PER_HOUR;
                sandbox_config.auto_device = Some(AutoDevice {
                    install_after_secs: 10 * 60,
                    connect_after_secs: 20 * 60,
                });
            }
            let running = EsimfxSandbox::spawn(sandbox_config.clone())
                .await
                .context("Failed to start the eSIMfx sandbox")?;
            announce("eSIMfx", &running.base_url, "TERN_ESIMFX_URL");
            let config = EsimfxConfig {
                base_url: running.base_url.clone(),
                client_id: sandbox_config.client_id,
                client_key: sandbox_config.client_key,
                timeout: settings.esimfx.timeout,
            };
            sandboxes.esimfx = Some(running);
            config
        }
    };
    Ok(Arc::new(
        EsimfxClient::new(config).context("Failed to create the eSIMfx client")?,
    ))
}

async fn esimgo(
    settings: &Settings,
    sandboxes: &mut Sandboxes,
) -> anyhow::Result<Arc<dyn EsimProvider>> {
    let config = match &settings.esimgo.url {
        Some(url) => EsimGoConfig {
            base_url: url.clone(),
            api_key: exposed(&settings.esimgo.api_key),
            timeout: settings.provider_timeout,
        },
        None => {
            let mut sandbox_config = EsimGoSandboxConfig::default();
            if settings.sandbox_devices {
                sandbox_config.clock_speed = SIMULATED_CLOCK_SPEED;
                sandbox_config.traffic_bytes_per_hour = SIMULATED_TRAFFIC_PER_HOUR;
            }
            let running = EsimGoSandbox::spawn(sandbox_config.clone())
                .await
                .context("Failed to start the eSIM Go sandbox")?;
            announce("eSIM Go", &running.base_url, "TERN_ESIMGO_URL");
            let config = EsimGoConfig {
                base_url: running.api_base(),
                api_key: sandbox_config.api_key,
                timeout: settings.provider_timeout,
            };
            sandboxes.esimgo = Some(running);
            config
        }
    };
    Ok(Arc::new(
        EsimGoClient::new(config).context("Failed to create the eSIM Go client")?,
    ))
}

async fn truphone(
    settings: &Settings,
    sandboxes: &mut Sandboxes,
) -> anyhow::Result<Arc<dyn EsimProvider>> {
    let real = &settings.truphone;
    let config = match &real.url {
        Some(url) => TruphoneConfig {
            base_url: url.clone(),
            auth: match (&real.token_url, &real.client_id, &real.client_secret) {
                (Some(token_url), Some(client_id), Some(client_secret)) => {
                    TruphoneAuth::ClientCredentials {
                        token_url: token_url.clone(),
                        client_id: client_id.clone(),
                        client_secret: client_secret.expose_secret().to_owned(),
                    }
                }
                _ => TruphoneAuth::Token(exposed(&real.token)),
            },
            timeout: settings.provider_timeout,
            ..TruphoneConfig::default()
        },
        None => {
            let mut sandbox_config = TruphoneSandboxConfig::default();
            if settings.sandbox_devices {
                sandbox_config.clock_speed = SIMULATED_CLOCK_SPEED;
                sandbox_config.traffic_bytes_per_hour = SIMULATED_TRAFFIC_PER_HOUR;
            }
            let running = TruphoneSandbox::spawn(sandbox_config.clone())
                .await
                .context("Failed to start the Truphone sandbox")?;
            announce("Truphone", &running.base_url, "TERN_TRUPHONE_URL");
            let config = TruphoneConfig {
                base_url: running.api_base(),
                auth: TruphoneAuth::ClientCredentials {
                    token_url: running.token_url(),
                    client_id: sandbox_config.client_id,
                    client_secret: sandbox_config.client_secret,
                },
                timeout: settings.provider_timeout,
                ..TruphoneConfig::default()
            };
            sandboxes.truphone = Some(running);
            config
        }
    };
    Ok(Arc::new(
        TruphoneClient::new(config).context("Failed to create the Truphone client")?,
    ))
}

async fn fms(
    settings: &Settings,
    sandboxes: &mut Sandboxes,
) -> anyhow::Result<Arc<dyn EsimProvider>> {
    // FMS names countries by mobile country code; Tern's reference data maps each to ISO.
    let mcc_countries = store::reference::mcc_countries()?;
    let real = &settings.fms;
    let config = match &real.url {
        Some(url) => FmsConfig {
            base_url: url.clone(),
            partner_code: real.partner_code.clone().unwrap_or_default(),
            password_secret: exposed(&real.password_secret),
            previous_password_secret: real
                .previous_password_secret
                .as_ref()
                .map(|secret| secret.expose_secret().to_owned()),
            operator_email: real.operator_email.clone(),
            mcc_countries,
            timeout: settings.provider_timeout,
        },
        None => {
            let mut sandbox_config = FmsSandboxConfig::default();
            if settings.sandbox_devices {
                sandbox_config.clock_speed = SIMULATED_CLOCK_SPEED;
                sandbox_config.traffic_bytes_per_hour = SIMULATED_TRAFFIC_PER_HOUR;
            }
            let running = FmsSandbox::spawn(sandbox_config.clone())
                .await
                .context("Failed to start the FMS sandbox")?;
            announce("FMS", &running.base_url, "TERN_FMS_URL");
            let config = FmsConfig {
                base_url: running.api_base(),
                partner_code: sandbox_config.partner_code,
                // Sandbox users live only as long as the sandbox, so a fresh secret each run.
                password_secret: real
                    .password_secret
                    .as_ref()
                    .map(|secret| secret.expose_secret().to_owned())
                    .unwrap_or_else(store::ids::new_secret),
                previous_password_secret: None,
                operator_email: real.operator_email.clone(),
                mcc_countries,
                timeout: settings.provider_timeout,
            };
            sandboxes.fms = Some(running);
            config
        }
    };
    Ok(Arc::new(
        FmsClient::new(config).context("Failed to create the FMS client")?,
    ))
}

/// A secret handed to a client; [`Settings::check`] has made sure it is set.
fn exposed(secret: &Option<SecretString>) -> String {
    secret
        .as_ref()
        .map(|secret| secret.expose_secret().to_owned())
        .unwrap_or_default()
}

fn announce(name: &str, url: &str, variable: &str) {
    tracing::info!("{name} sandbox at {url} (set {variable} to use the real service)");
}
