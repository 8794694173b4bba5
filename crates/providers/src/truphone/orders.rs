//! Placing an order without buying twice: Truphone has no idempotency key, so the order's
//! `device.id` carries Tern's key and a repeat first looks for the subscription filed under it
//! in the history; then validate, `POST /v1/order`, and poll `GET /v1/order/{id}`.

use super::client::{segment, Correlation, TruphoneClient};
use super::wire::{self, OrderBody, OrderInput};
use super::{assumed, mapping, validate};
use crate::time::{now_millis, rfc3339_seconds};
use crate::{OrderKind, OrderRequest, ProviderError, ProvisionOutcome, ProvisionedEsim};

/// The `input` of `POST /v1/order` for this request.
pub(crate) fn order_input(request: &OrderRequest, device_type: &str) -> OrderInput {
    let (operation_type, esim) = match &request.kind {
        OrderKind::NewEsim => ("NEW_ESIM", None),
        OrderKind::TopUp { iccid } => (
            "TOPUP",
            Some(wire::EsimRef {
                iccid: iccid.as_str().to_owned(),
            }),
        ),
    };
    OrderInput {
        operation_type: operation_type.to_owned(),
        country_code: request
            .country
            .as_ref()
            .map_or(assumed::FALLBACK_COUNTRY, |c| c.as_str())
            .to_owned(),
        customer: wire::Customer {
            email: request.customer_email.trim().to_owned(),
        },
        device: wire::Device {
            id: request.idempotency_key.clone(),
            kind: device_type.to_owned(),
            model: "unknown".to_owned(),
        },
        subscriptions: vec![wire::SubscriptionLine {
            id: request.product.0.clone(),
            activation_date: None,
            price: None,
            currency: None,
        }],
        esim,
    }
}

impl TruphoneClient {
    /// The order's outcome: straight to its status when Tern already has Truphone's order id;
    /// otherwise the order placed earlier for the same key, or a new one.
    pub(super) async fn place(
        &self,
        request: &OrderRequest,
    ) -> Result<ProvisionOutcome, ProviderError> {
        if let Some(id) = &request.provider_order_id {
            return self.poll(request, id).await;
        }
        let input = order_input(request, self.device_type());
        validate::order_input(&input, now_millis())?;
        if let Some(esim) = self.find_placed(request).await? {
            tracing::info!(
                key = %request.idempotency_key,
                order = %esim.provider_order_id,
                "Truphone already has this order; not buying again"
            );
            return Ok(ProvisionOutcome::Ready(esim));
        }
        let reply: wire::Order = self
            .post(
                "/v1/order",
                &OrderBody { input },
                Correlation::Order(&request.idempotency_key),
            )
            .await?;
        mapping::order_outcome(reply, None, &request.kind)
    }

    /// `GET /v1/order/{id}`.
    pub(super) async fn poll(
        &self,
        request: &OrderRequest,
        provider_order_id: &str,
    ) -> Result<ProvisionOutcome, ProviderError> {
        let reply: wire::Order = self
            .get(
                &format!("/v1/order/{}", segment(provider_order_id)),
                &[],
                Correlation::Order(&request.idempotency_key),
            )
            .await?;
        mapping::order_outcome(reply, Some(provider_order_id), &request.kind)
    }

    /// Searches the subscription history since (just before) the first attempt for one
    /// ordered with this idempotency key as its device id.
    async fn find_placed(
        &self,
        request: &OrderRequest,
    ) -> Result<Option<ProvisionedEsim>, ProviderError> {
        let lookback = i64::try_from(assumed::HISTORY_LOOKBACK.as_millis()).unwrap_or(0);
        let after = rfc3339_seconds(request.first_attempt_at.saturating_sub(lookback));
        let size = assumed::HISTORY_PAGE_SIZE.to_string();
        let key = request.idempotency_key.as_str();
        let correlation = Correlation::Order(key);
        let iccid = match &request.kind {
            OrderKind::TopUp { iccid } => Some(iccid.as_str()),
            OrderKind::NewEsim => None,
        };
        let mut page = 0u32;
        for _ in 0..assumed::HISTORY_MAX_PAGES {
            let page_text = page.to_string();
            let mut query = vec![
                ("email", request.customer_email.trim()),
                ("after", after.as_str()),
                ("product-id", request.product.0.as_str()),
                ("size", size.as_str()),
                (assumed::PAGE_PARAM, page_text.as_str()),
            ];
            if let Some(iccid) = iccid {
                query.push(("iccid", iccid));
            }
            let (subscriptions, next): (Vec<wire::Subscription>, _) = self
                .get_page("/v1/subscription", &query, correlation)
                .await?;
            if let Some(found) = subscriptions
                .iter()
                .find(|s| s.device_id.as_deref().map(str::trim) == Some(key))
            {
                let (provider_order_id, iccid) = mapping::placed(found, &request.kind)?;
                let activation = match request.kind {
                    OrderKind::TopUp { .. } => None,
                    OrderKind::NewEsim => {
                        let sim: wire::Sim = self
                            .get(
                                &format!("/v1/sim/{}", segment(iccid.as_str())),
                                &[],
                                correlation,
                            )
                            .await?;
                        Some(mapping::activation(&sim)?.ok_or_else(|| {
                            ProviderError::MalformedResponse {
                                message: format!("SIM {iccid} has no matchingId"),
                            }
                        })?)
                    }
                };
                return Ok(Some(ProvisionedEsim {
                    provider_order_id,
                    iccid,
                    activation,
                }));
            }
            match mapping::next_page(next.as_deref())? {
                None => return Ok(None),
                Some(next) if next <= page => {
                    return Err(ProviderError::MalformedResponse {
                        message: format!("the history's next page {next} does not follow {page}"),
                    })
                }
                Some(next) => page = next,
            }
        }
        // Buying again without having read the whole history could buy twice.
        Err(ProviderError::MalformedResponse {
            message: format!(
                "the subscription history did not end within {} pages",
                assumed::HISTORY_MAX_PAGES
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProductRef;
    use domain::{CountryCode, Currency, Iccid, Money};

    fn request(kind: OrderKind) -> OrderRequest {
        OrderRequest {
            idempotency_key: "tern-o1".into(),
            product: ProductRef("a3mX".into()),
            kind,
            customer_email: " traveller@example.com ".into(),
            country: None,
            first_attempt_at: 0,
            wholesale: Money::new(4200, Currency::USD),
            provider_order_id: None,
            payment: None,
        }
    }

    #[test]
    fn a_new_esim_order_is_filed_under_the_key() {
        let input = order_input(&request(OrderKind::NewEsim), "android");
        let body = serde_json::to_value(OrderBody { input }).unwrap();
        assert_eq!(
            body,
            serde_json::json!({ "input": {
                "operationType": "NEW_ESIM",
                "countryCode": "GB",
                "customer": { "email": "traveller@example.com" },
                "device": { "id": "tern-o1", "type": "android", "model": "unknown" },
                "subscriptions": [{ "id": "a3mX" }]
            }})
        );
    }

    #[test]
    fn a_top_up_names_the_esim_and_the_destination() {
        let iccid = Iccid::parse("8944474600000063847").unwrap();
        let mut topup = request(OrderKind::TopUp { iccid });
        topup.country = Some(CountryCode::parse("PT").unwrap());
        let input = order_input(&topup, "ios");
        assert_eq!(input.operation_type, "TOPUP");
        assert_eq!(input.country_code, "PT");
        assert_eq!(
            input.esim.map(|e| e.iccid).as_deref(),
            Some("8944474600000063847")
        );
    }
}
