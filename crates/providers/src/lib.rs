//! Tern's eSIM provider adapters: one trait, one module per provider, typed errors.

pub mod care;
pub mod error;
pub mod esimfx;
pub mod esimgo;
pub mod fms;
mod http;
pub mod ordering;
pub mod product;
mod time;
pub mod truphone;

pub use care::{Capabilities, EsimStatusReport, PackageReport, TerminateOutcome};
pub use error::ProviderError;
pub use ordering::{
    OrderKind, OrderRequest, PaymentProof, ProvisionOutcome, ProvisionedEsim, Reservation,
};
pub use product::{ByteConvention, NetworkInfo, Page, PageCursor, Product, ProductRef, ProviderId};

use async_trait::async_trait;
use domain::{Iccid, Money};

/// A wholesale eSIM supplier, reached over its own HTTP API.
#[async_trait]
pub trait EsimProvider: Send + Sync {
    /// Which provider this is; stored with every plan and order it serves.
    fn id(&self) -> ProviderId;

    /// One page of the provider's catalogue; `None` starts from the first page.
    async fn list_products(
        &self,
        cursor: Option<PageCursor>,
    ) -> Result<Page<Product>, ProviderError>;

    /// One product, fresh from the provider.
    async fn get_product(&self, product: &ProductRef) -> Result<Product, ProviderError>;

    /// Places an order; the idempotency key makes a repeat of the same request harmless.
    /// Only ever called once the traveller's payment is confirmed.
    async fn place_order(&self, request: &OrderRequest) -> Result<ProvisionOutcome, ProviderError>;

    /// Asks again about an order that [`EsimProvider::place_order`] answered
    /// [`ProvisionOutcome::Pending`]; `provider_order_id` is the id it gave.
    async fn order_status(
        &self,
        request: &OrderRequest,
        provider_order_id: &str,
    ) -> Result<ProvisionOutcome, ProviderError> {
        let _ = (request, provider_order_id);
        Err(ProviderError::Unsupported {
            what: "order status",
        })
    }

    /// Holds stock for an order when checkout starts, before payment (FMS pre-order); `None`
    /// when the provider needs nothing held. The reservation's id comes back in
    /// [`OrderRequest::provider_order_id`] when the order is placed.
    async fn reserve(&self, request: &OrderRequest) -> Result<Option<Reservation>, ProviderError> {
        let _ = request;
        Ok(None)
    }

    /// Lets a reservation go because its payment failed or never came (FMS is told the
    /// payment failed, which releases the profile).
    async fn release(
        &self,
        request: &OrderRequest,
        provider_order_id: &str,
    ) -> Result<(), ProviderError> {
        let _ = (request, provider_order_id);
        Ok(())
    }

    /// The reseller's prepaid balance with the provider, where its API tells.
    async fn balance(&self) -> Result<Money, ProviderError> {
        Err(ProviderError::Unsupported { what: "balance" })
    }

    /// Which of the optional methods below this provider really offers; the rest answer
    /// [`ProviderError::Unsupported`].
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    /// The eSIM's state and, where the provider re-issues it, its install QR.
    async fn esim_status(&self, iccid: &Iccid) -> Result<EsimStatusReport, ProviderError> {
        let _ = iccid;
        Err(ProviderError::Unsupported {
            what: "eSIM status",
        })
    }

    /// Every package ever bought for the eSIM, in the provider's order, with usage.
    async fn esim_packages(&self, iccid: &Iccid) -> Result<Vec<PackageReport>, ProviderError> {
        let _ = iccid;
        Err(ProviderError::Unsupported {
            what: "package listing",
        })
    }

    /// One package by the provider's order id.
    async fn package(&self, provider_order_id: &str) -> Result<PackageReport, ProviderError> {
        let _ = provider_order_id;
        Err(ProviderError::Unsupported {
            what: "package lookup",
        })
    }

    /// Products that can top up this eSIM right now.
    async fn available_topups(&self, iccid: &Iccid) -> Result<Vec<Product>, ProviderError> {
        let _ = iccid;
        Err(ProviderError::Unsupported { what: "top-ups" })
    }

    /// Ends a package early; whether the fee comes back depends on the provider's rules.
    async fn terminate_package(
        &self,
        provider_order_id: &str,
    ) -> Result<TerminateOutcome, ProviderError> {
        let _ = provider_order_id;
        Err(ProviderError::Unsupported {
            what: "package termination",
        })
    }
}
