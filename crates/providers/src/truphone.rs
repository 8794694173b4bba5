//! The Truphone (1GLOBAL) Connect API v1 (seed 002 and `shared/providers/truphone.md`): the
//! whole catalogue in one call, asynchronous orders (ACCEPTED → FULFILLING → COMPLETED)
//! that Tern polls, and eSIM care (profile state and install code, subscriptions with usage,
//! top-ups). There is no terminate call in v1, and notifications are not used.

mod assumed;
mod auth;
mod client;
mod error_code;
mod mapping;
mod orders;
mod validate;
mod wire;

pub use client::{
    TruphoneAuth, TruphoneClient, TruphoneConfig, DEFAULT_DEVICE_TYPE, PRODUCTION_BASE_URL,
};
pub use error_code::ErrorCode;

use crate::{
    Capabilities, EsimProvider, EsimStatusReport, OrderRequest, PackageReport, Page, PageCursor,
    Product, ProductRef, ProviderError, ProviderId, ProvisionOutcome,
};
use async_trait::async_trait;
use client::{segment, Correlation};
use domain::{Currency, Iccid};

/// Stored with every plan and order Truphone serves.
pub const PROVIDER_ID: ProviderId = ProviderId("truphone");

/// Tern buys in US dollars.
const CURRENCY: Currency = Currency::USD;

/// What Truphone offers besides selling: top-ups, usage and the install code again, with
/// orders completing asynchronously; no terminate in v1, no webhooks (Tern polls), no
/// balance call.
const CAPABILITIES: Capabilities = Capabilities {
    top_up: true,
    usage: true,
    terminate: false,
    qr_reissue: true,
    webhooks: false,
    async_completion: true,
    reserve_before_payment: false,
    balance: false,
};

impl TruphoneClient {
    async fn catalogue(&self) -> Result<Page<Product>, ProviderError> {
        let raw: Vec<wire::Product> = self
            .get(
                "/v1/products",
                &[("currency", CURRENCY.as_str())],
                Correlation::Other,
            )
            .await?;
        let mut page = Page {
            items: Vec::with_capacity(raw.len()),
            next: None,
            rejected: Vec::new(),
        };
        for product in raw {
            match mapping::product(product, CURRENCY) {
                Ok(product) => page.items.push(product),
                Err(reason) => page.rejected.push(reason),
            }
        }
        Ok(page)
    }

    async fn sim(&self, iccid: &Iccid) -> Result<wire::Sim, ProviderError> {
        self.get(
            &format!("/v1/sim/{}", segment(iccid.as_str())),
            &[],
            Correlation::Other,
        )
        .await
    }

    async fn subscriptions(&self, iccid: &Iccid) -> Result<Vec<wire::Subscription>, ProviderError> {
        self.get(
            &format!("/v1/sim/{}/subscriptions", segment(iccid.as_str())),
            &[],
            Correlation::Other,
        )
        .await
    }
}

#[async_trait]
impl EsimProvider for TruphoneClient {
    fn id(&self) -> ProviderId {
        PROVIDER_ID
    }

    /// The whole catalogue in one page (Truphone does not page it).
    #[tracing::instrument(skip(self), fields(provider = "truphone"))]
    async fn list_products(
        &self,
        cursor: Option<PageCursor>,
    ) -> Result<Page<Product>, ProviderError> {
        if let Some(cursor) = cursor {
            return Err(ProviderError::Validation {
                message: format!("Truphone's catalogue is one page; there is no {cursor:?}"),
            });
        }
        self.catalogue().await
    }

    #[tracing::instrument(skip(self), fields(provider = "truphone"))]
    async fn get_product(&self, product: &ProductRef) -> Result<Product, ProviderError> {
        let raw: wire::Product = self
            .get(
                &format!("/v1/products/{}", segment(&product.0)),
                &[("currency", CURRENCY.as_str())],
                Correlation::Other,
            )
            .await?;
        mapping::product(raw, CURRENCY)
            .map_err(|message| ProviderError::MalformedResponse { message })
    }

    #[tracing::instrument(skip(self), fields(provider = "truphone"))]
    async fn place_order(&self, request: &OrderRequest) -> Result<ProvisionOutcome, ProviderError> {
        self.place(request).await
    }

    #[tracing::instrument(skip(self), fields(provider = "truphone"))]
    async fn order_status(
        &self,
        request: &OrderRequest,
        provider_order_id: &str,
    ) -> Result<ProvisionOutcome, ProviderError> {
        self.poll(request, provider_order_id).await
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    /// The profile state (ACTIVE once a subscription runs) and the install code again.
    #[tracing::instrument(skip(self), fields(provider = "truphone"))]
    async fn esim_status(&self, iccid: &Iccid) -> Result<EsimStatusReport, ProviderError> {
        let sim = self.sim(iccid).await?;
        let subscriptions = self.subscriptions(iccid).await?;
        mapping::esim_status(sim, &subscriptions, iccid)
    }

    /// Every subscription on the eSIM, in Truphone's order, with usage.
    #[tracing::instrument(skip(self), fields(provider = "truphone"))]
    async fn esim_packages(&self, iccid: &Iccid) -> Result<Vec<PackageReport>, ProviderError> {
        self.subscriptions(iccid)
            .await?
            .into_iter()
            .map(|sub| mapping::package(sub, iccid))
            .collect()
    }

    /// Catalogue products that share a country with the eSIM's current plan (see
    /// `assumed::tops_up`); none when no plan of the eSIM is still in the catalogue.
    #[tracing::instrument(skip(self), fields(provider = "truphone"))]
    async fn available_topups(&self, iccid: &Iccid) -> Result<Vec<Product>, ProviderError> {
        let mut subscriptions = self.subscriptions(iccid).await?;
        subscriptions.sort_by_key(|s| s.created_date.as_deref().and_then(crate::time::unix_millis));
        let catalogue = self.catalogue().await?.items;
        let codes = |p: &Product| -> Vec<String> {
            p.coverage.iter().map(|c| c.as_str().to_owned()).collect()
        };
        let current = subscriptions
            .iter()
            .rev()
            .filter_map(|s| s.product.as_ref()?.id.as_deref())
            .find_map(|id| catalogue.iter().find(|p| p.product.0 == id.trim()));
        let Some(current) = current.map(codes) else {
            tracing::warn!(%iccid, "no plan of this Truphone eSIM is in the catalogue");
            return Ok(Vec::new());
        };
        Ok(catalogue
            .iter()
            .filter(|p| assumed::tops_up(&current, &codes(p)))
            .cloned()
            .collect())
    }
}
