//! The Stripe gateway on async-stripe: hosted Checkout in payment mode, refunds, and signed
//! webhooks. `api_base` points it at the sandbox; `None` means `https://api.stripe.com/`.
//!
//! The external crate is also called `stripe`, so it is always written `::stripe` here.

mod errors;
mod mapping;
mod params;
mod webhook;

use std::fmt;
use std::future::Future;
use std::time::Duration;

use ::stripe::{CheckoutSessionId, Client, PaymentIntentId, RequestStrategy, StripeError};
use async_trait::async_trait;
use domain::Money;

use crate::{
    CheckoutRequest, CheckoutSession, CheckoutStatus, PaymentError, PaymentGateway, RefundOutcome,
    VerifiedEvent,
};

/// Stripe's API when `api_base` is `None`.
const STRIPE_API_BASE: &str = "https://api.stripe.com/";
/// How long one API call may take before it counts as [`PaymentError::Timeout`].
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Keys and endpoint for [`StripeGateway`].
#[derive(Clone, PartialEq, Eq)]
pub struct StripeConfig {
    /// `sk_test_…` or `sk_live_…` (or a restricted `rk_…` key).
    pub secret_key: String,
    /// The endpoint's signing secret, `whsec_…`.
    pub webhook_secret: String,
    /// e.g. `http://127.0.0.1:PORT/` for the sandbox; `None` = `https://api.stripe.com/`.
    /// Any path is ignored: async-stripe always calls `/v1/…` at the root.
    pub api_base: Option<String>,
}

impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("secret_key", &redact(&self.secret_key))
            .field("webhook_secret", &redact(&self.webhook_secret))
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// Keeps a key's kind (`sk_test_`, `whsec_`) and hides the rest.
fn redact(secret: &str) -> String {
    let kind = ["sk_test_", "sk_live_", "rk_test_", "rk_live_", "whsec_"]
        .into_iter()
        .find(|prefix| secret.starts_with(prefix))
        .unwrap_or("");
    format!("{kind}***")
}

/// [`PaymentGateway`] backed by Stripe's API through async-stripe.
#[derive(Clone)]
pub struct StripeGateway {
    client: Client,
    webhook_secret: String,
    secret_kind: String,
    test_mode: bool,
    api_base: String,
    timeout: Duration,
}

impl fmt::Debug for StripeGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeGateway")
            .field("secret_key", &self.secret_kind)
            .field("webhook_secret", &"whsec_***")
            .field("api_base", &self.api_base)
            .field("test_mode", &self.test_mode)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl StripeGateway {
    /// Builds the gateway; no request is made until a method is called.
    ///
    /// # Panics
    ///
    /// If `api_base` is not a URL, or (async-stripe's rustls feature loads the platform's
    /// roots) if the machine has no CA certificates installed.
    pub fn new(config: StripeConfig) -> Self {
        let api_base = config
            .api_base
            .unwrap_or_else(|| STRIPE_API_BASE.to_owned());
        Self {
            client: Client::from_url(api_base.as_str(), config.secret_key.clone()),
            test_mode: config.secret_key.starts_with("sk_test_")
                || config.secret_key.starts_with("rk_test_"),
            secret_kind: redact(&config.secret_key),
            webhook_secret: config.webhook_secret,
            api_base,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Replaces the per-call timeout (30 s by default).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// A client that sends `Idempotency-Key: key` once; clones share one connection pool.
    fn idempotent(&self, key: &str) -> Client {
        self.client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(key.to_owned()))
    }

    /// Runs one API call under the timeout and sorts its failure.
    async fn call<T>(
        &self,
        what: &'static str,
        request: impl Future<Output = Result<T, StripeError>>,
    ) -> Result<T, PaymentError> {
        let result = match tokio::time::timeout(self.timeout, request).await {
            Ok(result) => result.map_err(errors::from_stripe),
            Err(_) => Err(PaymentError::Timeout),
        };
        if let Err(error) = &result {
            tracing::warn!(%error, what, "Stripe call failed");
        }
        result
    }
}

#[async_trait]
impl PaymentGateway for StripeGateway {
    #[tracing::instrument(skip_all, fields(order_id = %request.order_id))]
    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError> {
        let client = self.idempotent(&request.idempotency_key);
        let params = params::checkout(request)?;
        let session = self
            .call(
                "create checkout session",
                ::stripe::CheckoutSession::create(&client, params),
            )
            .await?;
        mapping::created_session(&session)
    }

    #[tracing::instrument(skip(self))]
    async fn checkout_status(&self, session_id: &str) -> Result<CheckoutStatus, PaymentError> {
        let id: CheckoutSessionId = session_id.parse().map_err(|_| PaymentError::NotFound)?;
        let session = self
            .call(
                "retrieve checkout session",
                ::stripe::CheckoutSession::retrieve(&self.client, &id, &[]),
            )
            .await?;
        mapping::checkout_status(&session)
    }

    #[tracing::instrument(skip(self, idempotency_key))]
    async fn refund(
        &self,
        payment_intent: &str,
        amount: Option<Money>,
        idempotency_key: &str,
    ) -> Result<RefundOutcome, PaymentError> {
        let id: PaymentIntentId = payment_intent.parse().map_err(|_| PaymentError::NotFound)?;
        let params = params::refund(id, amount)?;
        let client = self.idempotent(idempotency_key);
        let refund = self
            .call("create refund", ::stripe::Refund::create(&client, params))
            .await?;
        mapping::refund_outcome(&refund)
    }

    fn verify_webhook(
        &self,
        payload: &str,
        signature_header: &str,
    ) -> Result<VerifiedEvent, PaymentError> {
        webhook::verify(payload, signature_header, &self.webhook_secret)
    }

    fn is_test_mode(&self) -> bool {
        self.test_mode
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let config = StripeConfig {
            secret_key: "sk_test_supersecret".into(),
            webhook_secret: "whsec_supersecret".into(),
            api_base: Some("http://127.0.0.1:9/".into()),
        };
        let shown = format!("{config:?} {:?}", StripeGateway::new(config.clone()));
        assert!(!shown.contains("supersecret"), "{shown}");
        assert!(shown.contains("sk_test_***"), "{shown}");
    }

    #[test]
    fn test_mode_follows_the_key() {
        let gateway = |key: &str| {
            StripeGateway::new(StripeConfig {
                secret_key: key.into(),
                webhook_secret: "whsec_x".into(),
                api_base: None,
            })
        };
        assert!(gateway("sk_test_abc").is_test_mode());
        assert!(gateway("rk_test_abc").is_test_mode());
        assert!(!gateway("sk_live_abc").is_test_mode());
    }
}
