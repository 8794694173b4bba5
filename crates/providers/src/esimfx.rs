//! The eSIMfx reseller API (seed 004): catalogue through the v2 product API, synchronous ordering.

mod client;
mod mapping;
mod wire;

pub use client::{EsimfxClient, EsimfxConfig};

use crate::{
    EsimProvider, OrderKind, OrderRequest, Page, PageCursor, Product, ProductRef, ProviderError,
    ProviderId, ProvisionOutcome,
};
use async_trait::async_trait;

/// Stored with every plan and order eSIMfx serves.
pub const PROVIDER_ID: ProviderId = ProviderId("esimfx");

/// eSIMfx's page size limit; larger pages mean fewer round trips during a sync.
const PAGE_SIZE: u32 = 50;

#[async_trait]
impl EsimProvider for EsimfxClient {
    fn id(&self) -> ProviderId {
        PROVIDER_ID
    }

    #[tracing::instrument(skip(self), fields(provider = "esimfx"))]
    async fn list_products(
        &self,
        cursor: Option<PageCursor>,
    ) -> Result<Page<Product>, ProviderError> {
        let page_start = match cursor {
            Some(PageCursor::Opaque(value)) => value,
            None => serde_json::json!({}),
        };
        let request = wire::GetProductsRequest {
            page_start,
            page_size: PAGE_SIZE,
            countries: None,
            region: None,
        };
        let data: wire::ProductsData = self.post("/product/api/v2/get_products", &request).await?;
        let mut page = Page {
            items: Vec::with_capacity(data.products.len()),
            next: None,
            rejected: Vec::new(),
        };
        for raw in data.products {
            match mapping::product(raw) {
                Ok(product) => page.items.push(product),
                Err(reason) => page.rejected.push(reason),
            }
        }
        page.next = mapping::next_cursor(data.last_evaluated_key)?;
        Ok(page)
    }

    #[tracing::instrument(skip(self), fields(provider = "esimfx"))]
    async fn get_product(&self, product: &ProductRef) -> Result<Product, ProviderError> {
        let raw: wire::Product = self
            .get("/product/api/v1/get_product", &[("id", product.0.as_str())])
            .await?;
        mapping::product(raw).map_err(|message| ProviderError::MalformedResponse { message })
    }

    #[tracing::instrument(skip(self), fields(provider = "esimfx"))]
    async fn place_order(&self, request: &OrderRequest) -> Result<ProvisionOutcome, ProviderError> {
        let body = match &request.kind {
            OrderKind::NewEsim => wire::CreateOrderRequest {
                operation_type: "NEW",
                iccid: None,
                product: wire::ProductId {
                    id: &request.product.0,
                },
            },
            OrderKind::TopUp { iccid } => wire::CreateOrderRequest {
                operation_type: "TOPUP",
                iccid: Some(iccid.as_str()),
                product: wire::ProductId {
                    id: &request.product.0,
                },
            },
        };
        let order: wire::OrderData = self
            .post_idempotent(
                "/order/api/v1/create_order",
                &body,
                &request.idempotency_key,
            )
            .await?;
        mapping::provisioned(order, &request.kind).map(ProvisionOutcome::Ready)
    }
}
