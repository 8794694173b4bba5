//! The Linksfield FMS APP API v1.1 (seed 000 and `shared/providers/fms.md`): a white-label
//! eSIM QR store where every traveller is an FMS user, the profile is pre-ordered when checkout
//! starts, and FMS assigns it (asynchronously) once told of the payment Tern took itself.
//! Top-ups are not offered: their endpoints have undocumented bodies.

mod assumed;
mod care;
mod catalogue;
mod client;
mod codes;
mod mapping;
mod memory;
mod ordering;
mod session;
mod time;
mod wire;

pub use client::{FmsClient, FmsConfig};

use crate::{
    Capabilities, EsimProvider, EsimStatusReport, OrderRequest, PackageReport, Page, PageCursor,
    Product, ProductRef, ProviderError, ProviderId, ProvisionOutcome, Reservation,
};
use async_trait::async_trait;
use domain::Iccid;

/// Stored with every plan and order FMS serves.
pub const PROVIDER_ID: ProviderId = ProviderId("fms");

/// Pre-order before payment, complete later, and read usage and the QR again; no top-ups
/// (undocumented), no termination or balance (none exists), no outbound webhooks.
const CAPABILITIES: Capabilities = Capabilities {
    top_up: false,
    usage: true,
    terminate: false,
    qr_reissue: true,
    webhooks: false,
    async_completion: true,
    reserve_before_payment: true,
    balance: false,
};

#[async_trait]
impl EsimProvider for FmsClient {
    fn id(&self) -> ProviderId {
        PROVIDER_ID
    }

    /// Every package in one page; any cursor is refused, as FMS has no second page.
    #[tracing::instrument(skip(self), fields(provider = "fms"))]
    async fn list_products(
        &self,
        cursor: Option<PageCursor>,
    ) -> Result<Page<Product>, ProviderError> {
        if let Some(cursor) = cursor {
            return Err(ProviderError::Validation {
                message: format!("FMS lists everything in one page, not from {cursor:?}"),
            });
        }
        self.catalogue().await
    }

    #[tracing::instrument(skip(self), fields(provider = "fms"))]
    async fn get_product(&self, product: &ProductRef) -> Result<Product, ProviderError> {
        let raw = self.detail(product).await?;
        mapping::product(raw, &self.config.mcc_countries)
            .map_err(|message| ProviderError::MalformedResponse { message })
    }

    /// Needs the pre-order from [`EsimProvider::reserve`] in `provider_order_id` and the
    /// payment; tells FMS of the payment once and answers Pending until FMS assigns the eSIM.
    #[tracing::instrument(skip(self), fields(provider = "fms"))]
    async fn place_order(&self, request: &OrderRequest) -> Result<ProvisionOutcome, ProviderError> {
        let Some(order_id) = request.provider_order_id.as_deref() else {
            return Err(ProviderError::Validation {
                message: "FMS orders start with a pre-order (reserve) at checkout".into(),
            });
        };
        if request.payment.is_none() {
            return Err(ProviderError::Validation {
                message: "FMS must be told of the traveller's payment".into(),
            });
        }
        self.drive(request, order_id).await
    }

    #[tracing::instrument(skip(self), fields(provider = "fms"))]
    async fn order_status(
        &self,
        request: &OrderRequest,
        provider_order_id: &str,
    ) -> Result<ProvisionOutcome, ProviderError> {
        self.drive(request, provider_order_id).await
    }

    /// A pre-order is not idempotent: each call holds another profile, so Tern calls this once
    /// per checkout.
    #[tracing::instrument(skip(self), fields(provider = "fms"))]
    async fn reserve(&self, request: &OrderRequest) -> Result<Option<Reservation>, ProviderError> {
        self.pre_order(request).await.map(Some)
    }

    #[tracing::instrument(skip(self), fields(provider = "fms"))]
    async fn release(
        &self,
        request: &OrderRequest,
        provider_order_id: &str,
    ) -> Result<(), ProviderError> {
        self.release_pre_order(request, provider_order_id).await
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    #[tracing::instrument(skip(self), fields(provider = "fms"))]
    async fn esim_status(&self, iccid: &Iccid) -> Result<EsimStatusReport, ProviderError> {
        self.esim_report(iccid).await
    }

    #[tracing::instrument(skip(self), fields(provider = "fms"))]
    async fn esim_packages(&self, iccid: &Iccid) -> Result<Vec<PackageReport>, ProviderError> {
        self.esim_package_list(iccid).await
    }

    #[tracing::instrument(skip(self), fields(provider = "fms"))]
    async fn package(&self, provider_order_id: &str) -> Result<PackageReport, ProviderError> {
        self.package_report(provider_order_id).await
    }
}
