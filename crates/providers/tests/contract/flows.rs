//! Buying through any adapter the way Tern's fulfilment does: reserve first where the provider
//! wants it, place the order with the payment, then poll until the eSIM is there.

use super::subjects::Subject;
use domain::{CountryCode, Currency, Money};
use providers::{
    OrderKind, OrderRequest, PaymentProof, ProductRef, ProvisionOutcome, ProvisionedEsim,
};
use std::time::{Duration, Instant};

/// How long an asynchronous provider may take in the sandbox.
const COMPLETION_DEADLINE: Duration = Duration::from_secs(30);

/// A single-country plan of `country` from the subject's catalogue.
pub async fn product_for(subject: &Subject, country: &str) -> ProductRef {
    let country = CountryCode::parse(country).unwrap();
    let mut cursor = None;
    loop {
        let page = subject.client.list_products(cursor.take()).await.unwrap();
        if let Some(product) = page
            .items
            .iter()
            .find(|p| p.coverage == [country] && p.data.bytes().is_some())
        {
            return product.product.clone();
        }
        cursor = page.next;
        assert!(cursor.is_some(), "{}: no plan for {country}", subject.name);
    }
}

pub fn new_esim_request(subject: &Subject, key: &str, product: &ProductRef) -> OrderRequest {
    OrderRequest {
        idempotency_key: format!("{key}-{}", subject.name),
        product: product.clone(),
        kind: OrderKind::NewEsim,
        customer_email: format!("{key}@travellers.example"),
        country: CountryCode::parse("JP").ok(),
        first_attempt_at: now_millis() - 1_000,
        // Zero: no price check; the contract is about ordering, not pricing.
        wholesale: Money::new(0, Currency::USD),
        provider_order_id: None,
        payment: Some(PaymentProof {
            reference: format!("pi_{key}"),
            paid_at: now_millis() / 1000,
        }),
    }
}

pub struct Completed {
    pub esim: ProvisionedEsim,
    /// The request as placed: with the reservation, as Tern keeps it on the order.
    pub request: OrderRequest,
    pub first_answer_pending: bool,
    pub polls: u32,
}

/// Reserves where needed, places the order, and polls until it is ready.
pub async fn complete_order(subject: &Subject, mut request: OrderRequest) -> Completed {
    let client = &subject.client;
    if client.capabilities().reserve_before_payment && request.provider_order_id.is_none() {
        let held = client
            .reserve(&request)
            .await
            .unwrap_or_else(|e| panic!("{}: reserve: {e}", subject.name));
        request.provider_order_id = held.map(|r| r.provider_order_id);
    }
    let mut outcome = client
        .place_order(&request)
        .await
        .unwrap_or_else(|e| panic!("{}: place_order: {e}", subject.name));
    let first_answer_pending = matches!(outcome, ProvisionOutcome::Pending { .. });
    let (started, mut polls) = (Instant::now(), 0);
    loop {
        match outcome {
            ProvisionOutcome::Ready(esim) => {
                return Completed {
                    esim,
                    request,
                    first_answer_pending,
                    polls,
                }
            }
            ProvisionOutcome::Pending {
                provider_order_id,
                poll_after,
                ..
            } => {
                assert!(
                    started.elapsed() < COMPLETION_DEADLINE,
                    "{}: still pending after {COMPLETION_DEADLINE:?}",
                    subject.name
                );
                // Polling as fulfilment does, at the provider's pace (capped to keep tests quick).
                tokio::time::sleep(poll_after.min(Duration::from_millis(500))).await;
                polls += 1;
                outcome = client
                    .order_status(&request, &provider_order_id)
                    .await
                    .unwrap_or_else(|e| panic!("{}: order_status: {e}", subject.name));
            }
        }
    }
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
