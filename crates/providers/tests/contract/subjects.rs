//! The providers under contract: each adapter pointed at a fresh sandbox of its provider, plus
//! the sandbox's shared control API (faults, tokens, counters) reached over HTTP.

use providers::esimfx::{EsimfxClient, EsimfxConfig};
use providers::esimgo::{EsimGoClient, EsimGoConfig};
use providers::fms::{FmsClient, FmsConfig};
use providers::truphone::{TruphoneAuth, TruphoneClient, TruphoneConfig};
use providers::EsimProvider;
use serde_json::Value;
use std::any::Any;
use std::time::Duration;

pub struct Subject {
    pub name: &'static str,
    pub client: Box<dyn EsimProvider>,
    /// Where the sandbox's `/_sandbox/` control API is.
    control: String,
    /// The `/_sandbox/stats` field counting new eSIMs.
    esims_field: &'static str,
    /// Keeps the sandbox serving for as long as the subject lives.
    _sandbox: Box<dyn Any + Send>,
}

impl Subject {
    /// Arms faults through `POST /_sandbox/faults`.
    pub async fn faults(&self, plan: Value) {
        self.post("faults", plan).await;
    }

    pub async fn expire_tokens(&self) {
        self.post("tokens/expire", Value::Null).await;
    }

    pub async fn esims_issued(&self) -> u64 {
        let stats: Value = reqwest::get(format!("{}/_sandbox/stats", self.control))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        stats[self.esims_field]
            .as_u64()
            .unwrap_or_else(|| panic!("{}: no {} in {stats}", self.name, self.esims_field))
    }

    async fn post(&self, path: &str, body: Value) {
        let request = reqwest::Client::new().post(format!("{}/_sandbox/{path}", self.control));
        let request = match body {
            Value::Null => request,
            body => request.json(&body),
        };
        let response = request.send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{}: {path}: {}",
            self.name,
            response.status()
        );
    }
}

/// Every provider, each with its own sandbox; `timeout` is the adapters' request timeout.
pub async fn all_subjects(timeout: Duration) -> Vec<Subject> {
    vec![
        esimfx(timeout).await,
        esimgo(timeout).await,
        truphone(timeout).await,
        fms(timeout).await,
    ]
}

async fn esimfx(timeout: Duration) -> Subject {
    use sandbox::esimfx::{
        EsimfxSandbox, EsimfxSandboxConfig, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_KEY,
    };
    let running = EsimfxSandbox::spawn(EsimfxSandboxConfig::default())
        .await
        .unwrap();
    let client = EsimfxClient::new(EsimfxConfig {
        base_url: running.base_url.clone(),
        client_id: SANDBOX_CLIENT_ID.into(),
        client_key: SANDBOX_CLIENT_KEY.into(),
        timeout,
    })
    .unwrap();
    Subject {
        name: "esimfx",
        client: Box::new(client),
        control: running.base_url.clone(),
        esims_field: "esims",
        _sandbox: Box::new(running),
    }
}

async fn esimgo(timeout: Duration) -> Subject {
    use sandbox::esimgo::{EsimGoSandbox, EsimGoSandboxConfig};
    let config = EsimGoSandboxConfig::default();
    let running = EsimGoSandbox::spawn(config.clone()).await.unwrap();
    let client = EsimGoClient::new(EsimGoConfig {
        base_url: running.api_base(),
        api_key: config.api_key,
        timeout,
    })
    .unwrap();
    Subject {
        name: "esimgo",
        client: Box::new(client),
        control: running.base_url.clone(),
        esims_field: "esims_issued",
        _sandbox: Box::new(running),
    }
}

async fn truphone(timeout: Duration) -> Subject {
    use sandbox::truphone::{TruphoneSandbox, TruphoneSandboxConfig};
    let config = TruphoneSandboxConfig::default();
    let running = TruphoneSandbox::spawn(config.clone()).await.unwrap();
    let client = TruphoneClient::new(TruphoneConfig {
        base_url: running.api_base(),
        auth: TruphoneAuth::ClientCredentials {
            token_url: running.token_url(),
            client_id: config.client_id,
            client_secret: config.client_secret,
        },
        timeout,
        ..TruphoneConfig::default()
    })
    .unwrap();
    Subject {
        name: "truphone",
        client: Box::new(client),
        control: running.base_url.clone(),
        esims_field: "esims_issued",
        _sandbox: Box::new(running),
    }
}

async fn fms(timeout: Duration) -> Subject {
    use sandbox::fms::{FmsSandbox, FmsSandboxConfig};
    let config = FmsSandboxConfig::default();
    let running = FmsSandbox::spawn(config.clone()).await.unwrap();
    let client = FmsClient::new(FmsConfig {
        base_url: running.api_base(),
        partner_code: config.partner_code,
        password_secret: "contract-secret".into(),
        previous_password_secret: None,
        operator_email: "operator@tern.example".into(),
        mcc_countries: sandbox::fms::mcc_countries(),
        timeout,
    })
    .unwrap();
    Subject {
        name: "fms",
        client: Box::new(client),
        control: running.base_url.clone(),
        esims_field: "esims_issued",
        _sandbox: Box::new(running),
    }
}
