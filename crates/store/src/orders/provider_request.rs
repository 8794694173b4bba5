//! The request an order makes of its provider, built the same way at checkout and in fulfilment.

use super::record::OrderRecord;
use anyhow::anyhow;
use domain::{CountryCode, Iccid, Money};
use providers::{OrderKind, OrderRequest, PaymentProof, ProductRef};

/// The request for `order` as it stands; `payment` once the payment is confirmed.
pub fn provider_request(
    order: &OrderRecord,
    payment: Option<PaymentProof>,
) -> anyhow::Result<OrderRequest> {
    let kind = match &order.topup_iccid {
        Some(iccid) => OrderKind::TopUp {
            iccid: Iccid::parse(iccid).map_err(|e| anyhow!("stored ICCID: {e}"))?,
        },
        None => OrderKind::NewEsim,
    };
    Ok(OrderRequest {
        // One key per order and provider: a failover to another provider is a different order there.
        idempotency_key: match order.failed_providers.is_empty() {
            true => format!("tern-{}", order.id),
            false => format!("tern-{}-{}", order.id, order.provider),
        },
        product: ProductRef(order.provider_product_id.clone()),
        kind,
        customer_email: order.email.clone(),
        country: order
            .country_code
            .as_deref()
            .and_then(|code| CountryCode::parse(code).ok()),
        first_attempt_at: order.first_attempt_at.unwrap_or(order.updated_at),
        wholesale: Money::new(order.wholesale_minor, order.currency),
        provider_order_id: order.provider_order_id.clone(),
        payment,
    })
}
