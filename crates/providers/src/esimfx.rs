//! The eSIMfx reseller API (seed 004): catalogue through the v2 product API, synchronous
//! ordering, and eSIM care (status and QR re-issue, packages with usage, top-ups, termination);
//! its webhooks are parsed by [`webhook`].

mod client;
mod mapping;
pub mod webhook;
mod wire;

pub use client::{EsimfxClient, EsimfxConfig};

use crate::{
    Capabilities, EsimProvider, EsimStatusReport, OrderKind, OrderRequest, PackageReport, Page,
    PageCursor, Product, ProductRef, ProviderError, ProviderId, ProvisionOutcome, TerminateOutcome,
};
use async_trait::async_trait;
use domain::Iccid;

/// Stored with every plan and order eSIMfx serves.
pub const PROVIDER_ID: ProviderId = ProviderId("esimfx");

/// eSIMfx's page size limit; larger pages mean fewer round trips during a sync.
const PAGE_SIZE: u32 = 50;

/// What eSIMfx offers besides selling: everything but asynchronous completion (orders are
/// synchronous).
const CAPABILITIES: Capabilities = Capabilities {
    top_up: true,
    usage: true,
    terminate: true,
    qr_reissue: true,
    webhooks: true,
    async_completion: false,
    reserve_before_payment: false,
    balance: false,
};

/// eSIMfx answers 404 for any unknown id; name the thing that was looked up.
fn not_found_as(what: &'static str) -> impl Fn(ProviderError) -> ProviderError {
    move |error| match error {
        ProviderError::NotFound { .. } => ProviderError::NotFound { what },
        other => other,
    }
}

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
            Some(other) => {
                return Err(ProviderError::Validation {
                    message: format!("eSIMfx pages by key, not {other:?}"),
                })
            }
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

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    /// Flow G: `get_esim_status` also re-issues the install QR.
    #[tracing::instrument(skip(self), fields(provider = "esimfx"))]
    async fn esim_status(&self, iccid: &Iccid) -> Result<EsimStatusReport, ProviderError> {
        let raw: wire::Esim = self
            .get(
                "/order/api/v1/get_esim_status",
                &[("iccid", iccid.as_str())],
            )
            .await
            .map_err(not_found_as("eSIM"))?;
        mapping::esim_status(raw, iccid)
    }

    /// Flow H: every order ever attached to the eSIM, in eSIMfx's order.
    #[tracing::instrument(skip(self), fields(provider = "esimfx"))]
    async fn esim_packages(&self, iccid: &Iccid) -> Result<Vec<PackageReport>, ProviderError> {
        let data: wire::EsimOrders = self
            .get(
                "/order/api/v1/get_esim_orders",
                &[("iccid", iccid.as_str())],
            )
            .await
            .map_err(not_found_as("eSIM"))?;
        data.orders
            .into_iter()
            .map(|order| mapping::package(order, Some(iccid)))
            .collect()
    }

    #[tracing::instrument(skip(self), fields(provider = "esimfx"))]
    async fn package(&self, provider_order_id: &str) -> Result<PackageReport, ProviderError> {
        let raw: wire::OrderDetail = self
            .get(
                "/order/api/v1/get_order",
                &[("order_id", provider_order_id)],
            )
            .await
            .map_err(not_found_as("order"))?;
        let report = mapping::package(raw, None)?;
        if report.provider_order_id != provider_order_id {
            return Err(ProviderError::MalformedResponse {
                message: format!(
                    "asked for order {provider_order_id}, got {}",
                    report.provider_order_id
                ),
            });
        }
        Ok(report)
    }

    /// Products with the eSIM's `imsi_profile` in its area; entries that do not map are
    /// logged and left out, so one odd product cannot hide the others.
    #[tracing::instrument(skip(self), fields(provider = "esimfx"))]
    async fn available_topups(&self, iccid: &Iccid) -> Result<Vec<Product>, ProviderError> {
        let data: wire::ProductsData = self
            .get(
                "/product/api/v1/get_available_topups",
                &[("iccid", iccid.as_str())],
            )
            .await
            .map_err(not_found_as("eSIM"))?;
        let mut products = Vec::with_capacity(data.products.len());
        for raw in data.products {
            match mapping::topup_product(raw) {
                Ok(product) => products.push(product),
                Err(reason) => tracing::warn!(%reason, "eSIMfx top-up product left out"),
            }
        }
        Ok(products)
    }

    /// Code 4222 (already TERMINATED or EXPIRED) is [`ProviderError::NotAllowed`].
    #[tracing::instrument(skip(self), fields(provider = "esimfx"))]
    async fn terminate_package(
        &self,
        provider_order_id: &str,
    ) -> Result<TerminateOutcome, ProviderError> {
        let data: wire::TerminateData = self
            .post(
                "/order/api/v1/terminate_subscription",
                &wire::OrderIdRequest {
                    order_id: provider_order_id,
                },
            )
            .await
            .map_err(not_found_as("order"))?;
        mapping::terminated(data, provider_order_id)
    }
}
