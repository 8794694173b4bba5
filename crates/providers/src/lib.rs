//! Tern's eSIM provider adapters: one trait, one module per provider, typed errors.

pub mod error;
pub mod esimfx;
pub mod ordering;
pub mod product;

pub use error::ProviderError;
pub use ordering::{OrderKind, OrderRequest, ProvisionOutcome, ProvisionedEsim};
pub use product::{NetworkInfo, Page, PageCursor, Product, ProductRef, ProviderId};

use async_trait::async_trait;

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
}
