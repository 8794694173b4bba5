//! Tern's requests turned into async-stripe's parameter structs.

use std::collections::HashMap;

use ::stripe::{
    CheckoutSessionMode, CreateCheckoutSession, CreateCheckoutSessionLineItems,
    CreateCheckoutSessionLineItemsPriceData, CreateCheckoutSessionLineItemsPriceDataProductData,
    CreateCheckoutSessionPaymentIntentData, CreateRefund, PaymentIntentId,
};
use domain::Money;

use crate::{CheckoutRequest, PaymentError};

/// The metadata key that carries Tern's order id on sessions and PaymentIntents.
pub(crate) const ORDER_ID_KEY: &str = "order_id";

/// Stripe's lower-case currency for a domain currency.
pub(crate) fn currency(money: &Money) -> Result<::stripe::Currency, PaymentError> {
    money
        .currency
        .as_str()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| PaymentError::Rejected {
            message: format!("Stripe does not support the currency {}", money.currency),
        })
}

/// `POST /v1/checkout/sessions` in payment mode with one priced line item.
pub(crate) fn checkout(
    request: &CheckoutRequest,
) -> Result<CreateCheckoutSession<'_>, PaymentError> {
    if request.amount.minor <= 0 {
        return Err(PaymentError::Rejected {
            message: format!("a checkout needs a positive amount, not {}", request.amount),
        });
    }
    let metadata = HashMap::from([(ORDER_ID_KEY.to_owned(), request.order_id.clone())]);
    let mut params = CreateCheckoutSession::new();
    params.mode = Some(CheckoutSessionMode::Payment);
    params.line_items = Some(vec![CreateCheckoutSessionLineItems {
        quantity: Some(1),
        price_data: Some(CreateCheckoutSessionLineItemsPriceData {
            currency: currency(&request.amount)?,
            unit_amount: Some(request.amount.minor),
            product_data: Some(CreateCheckoutSessionLineItemsPriceDataProductData {
                name: request.line_item_name.clone(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }]);
    params.customer_email = Some(&request.customer_email);
    params.client_reference_id = Some(&request.order_id);
    params.metadata = Some(metadata.clone());
    // The PaymentIntent (and so its charge and refunds) carries the order id too.
    params.payment_intent_data = Some(CreateCheckoutSessionPaymentIntentData {
        metadata: Some(metadata),
        ..Default::default()
    });
    params.success_url = Some(&request.success_url);
    params.cancel_url = Some(&request.cancel_url);
    Ok(params)
}

/// `POST /v1/refunds` for a PaymentIntent; `None` refunds whatever is left.
pub(crate) fn refund(
    payment_intent: PaymentIntentId,
    amount: Option<Money>,
) -> Result<CreateRefund<'static>, PaymentError> {
    let mut params = CreateRefund::new();
    params.payment_intent = Some(payment_intent);
    if let Some(amount) = amount {
        if amount.minor <= 0 {
            return Err(PaymentError::Rejected {
                message: format!("a refund needs a positive amount, not {amount}"),
            });
        }
        params.amount = Some(amount.minor);
        params.currency = Some(currency(&amount)?);
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Currency;

    fn request() -> CheckoutRequest {
        CheckoutRequest {
            order_id: "ord_1".into(),
            idempotency_key: "checkout-ord_1".into(),
            customer_email: "ada@example.com".into(),
            line_item_name: "Japan 10 GB · 7 days eSIM".into(),
            amount: Money::new(1599, Currency::USD),
            success_url: "https://tern.test/orders/ord_1?session={CHECKOUT_SESSION_ID}".into(),
            cancel_url: "https://tern.test/plans/jp-10gb".into(),
        }
    }

    #[test]
    fn checkout_params_encode_like_stripe_expects() {
        let request = request();
        let params = checkout(&request).unwrap();
        let encoded = serde_json::to_value(&params).unwrap();
        assert_eq!(encoded["mode"], "payment");
        assert_eq!(encoded["line_items"][0]["price_data"]["currency"], "usd");
        assert_eq!(encoded["line_items"][0]["price_data"]["unit_amount"], 1599);
        assert_eq!(encoded["line_items"][0]["quantity"], 1);
        assert_eq!(encoded["metadata"]["order_id"], "ord_1");
        assert_eq!(encoded["client_reference_id"], "ord_1");
        assert_eq!(
            encoded["payment_intent_data"]["metadata"]["order_id"],
            "ord_1"
        );
    }

    #[test]
    fn rejects_amounts_stripe_would_refuse() {
        let mut request = request();
        request.amount = Money::new(0, Currency::USD);
        assert!(matches!(
            checkout(&request),
            Err(PaymentError::Rejected { .. })
        ));
        request.amount = Money::new(100, Currency::parse("XYZ").unwrap());
        assert!(matches!(
            checkout(&request),
            Err(PaymentError::Rejected { .. })
        ));
    }
}
