//! Buying through FMS (notes §3): a pre-order when checkout starts, one payment notification
//! once Tern holds the money, polling until the profile is assigned, a fresh pre-order when FMS
//! let the old one lapse, and telling FMS of a failed payment so the profile is released.

use super::client::{parse, CallError, FmsClient, Reply};
use super::codes::FmsCode;
use super::mapping::{self, PayStatus};
use super::{assumed, wire};
use crate::time;
use crate::{
    OrderKind, OrderRequest, PaymentProof, ProviderError, ProvisionOutcome, ProvisionedEsim,
    Reservation,
};
use domain::Money;
use std::time::Duration;

/// The doc polls `queryOrdStatus` about every 2 s.
const POLL_AFTER: Duration = Duration::from_secs(2);
/// Lapsed pre-orders replaced within one call before giving up (each lapse is FMS's doing).
const MAX_REORDERS: usize = 3;

/// The `status` words of [`ProvisionOutcome::Pending`].
pub(super) const PAYMENT_NOTIFIED: &str = "PAYMENT_NOTIFIED";
pub(super) const WAITING_FOR_PAYMENT_RESULT: &str = "WAITING_FOR_PAYMENT_RESULT";
pub(super) const REORDERED: &str = "REORDERED";

/// What FMS made of a success notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notified {
    Accepted,
    /// 6006: the payment window had passed; the profile is gone.
    Lapsed,
}

/// The webhook's answer: 6006 is a lapse the flow recovers from, every other code is typed
/// (3005 refused for good, 10009 and 2 and 1102 invalid, 10008 unknown, 9999/3004 retryable).
fn notification_outcome(result: Result<Reply, CallError>) -> Result<Notified, ProviderError> {
    match result {
        Ok(_) => Ok(Notified::Accepted),
        Err(error) if error.is(FmsCode::PreOrderTimeout) => Ok(Notified::Lapsed),
        Err(error) => Err(error.into()),
    }
}

fn new_esim_only(request: &OrderRequest) -> Result<(), ProviderError> {
    match request.kind {
        OrderKind::NewEsim => Ok(()),
        // selectTopUpList and topUpOrder have undocumented bodies.
        OrderKind::TopUp { .. } => Err(ProviderError::Unsupported { what: "top-ups" }),
    }
}

fn pending(provider_order_id: String, status: &str) -> ProvisionOutcome {
    ProvisionOutcome::Pending {
        provider_order_id,
        poll_after: POLL_AFTER,
        status: status.to_owned(),
    }
}

impl FmsClient {
    /// `preOrderPackage` for the traveller at today's price, refusing a price that moved away
    /// from what Tern expects.
    pub(super) async fn pre_order(
        &self,
        request: &OrderRequest,
    ) -> Result<Reservation, ProviderError> {
        new_esim_only(request)?;
        let offer = mapping::offer(self.detail(&request.product).await?)?;
        if request.wholesale.minor > 0 && request.wholesale != offer.price {
            return Err(ProviderError::Validation {
                message: format!(
                    "price changed: FMS asks {} for package {}, Tern expected {}",
                    offer.price, request.product.0, request.wholesale
                ),
            });
        }
        let body = wire::PreOrderRequest {
            currency: assumed::CURRENCY,
            currency_id: &offer.currency_id,
            device_type: wire::DEVICE_TYPE_ESIM,
            id: &offer.id,
            language_id: wire::LANGUAGE,
            money: mapping::money_number(offer.price)?,
            package_code: &offer.package_code,
            partner_code: &self.config.partner_code,
            period_num: offer.period,
        };
        let data = self
            .post_as(&request.customer_email, wire::PRE_ORDER_PATH, &body)
            .await?;
        let (reservation, money) =
            mapping::reservation(parse(data, "pre-order")?, time::now_millis())?;
        self.memory
            .pre_ordered(&reservation.provider_order_id, money.unwrap_or(offer.price));
        Ok(reservation)
    }

    /// Moves a pre-order on: ready once paid, the one success notification when FMS still
    /// waits for it, and a new pre-order (notified at once) when the old one failed, was
    /// cancelled or timed out while Tern holds a payment.
    pub(super) async fn drive(
        &self,
        request: &OrderRequest,
        order_id: &str,
    ) -> Result<ProvisionOutcome, ProviderError> {
        new_esim_only(request)?;
        let email = &request.customer_email;
        let _held = self.memory.hold(&request.idempotency_key).await;
        let mut current = self.memory.current(order_id);
        let mut reordered = current != order_id;
        let mut reorders = 0;
        loop {
            let lapse = match self.pay_status(email, &current).await? {
                PayStatus::Paid => {
                    let esim = self.paid_esim(email, &current).await?;
                    self.memory.settled(&current);
                    return Ok(ProvisionOutcome::Ready(esim));
                }
                PayStatus::Waiting => {
                    let payment = match &request.payment {
                        Some(payment) if !self.memory.was_notified(&current) => payment,
                        _ => return Ok(pending(current, WAITING_FOR_PAYMENT_RESULT)),
                    };
                    match self.notify_paid(request, &current, payment).await? {
                        Notified::Accepted => {
                            self.memory.notified(&current);
                            let status = if reordered {
                                REORDERED
                            } else {
                                PAYMENT_NOTIFIED
                            };
                            return Ok(pending(current, status));
                        }
                        Notified::Lapsed => "its payment window passed (code 6006)",
                    }
                }
                PayStatus::Failed => "its payment failed (orderPayStatus 2)",
                PayStatus::Cancelled => "it was cancelled (orderPayStatus 3)",
            };
            if request.payment.is_none() {
                return Err(ProviderError::NotAllowed {
                    message: format!("FMS pre-order {current} can no longer be paid: {lapse}"),
                });
            }
            if reorders == MAX_REORDERS {
                return Err(ProviderError::Unavailable {
                    status: None,
                    message: format!("FMS let {} pre-orders in a row lapse", reorders + 1),
                });
            }
            tracing::info!(lapsed = %current, "FMS pre-order lapsed: {lapse}; pre-ordering again");
            let fresh = self.pre_order(request).await?.provider_order_id;
            self.memory.replaced(&current, &fresh);
            self.memory.settled(&current);
            current = fresh;
            reordered = true;
            reorders += 1;
        }
    }

    /// Tells FMS the payment failed (or never came), which releases the profile. A pre-order
    /// that already lapsed needs nothing; one that is paid, or whose success FMS was told of,
    /// cannot be released.
    pub(super) async fn release_pre_order(
        &self,
        request: &OrderRequest,
        order_id: &str,
    ) -> Result<(), ProviderError> {
        let _held = self.memory.hold(&request.idempotency_key).await;
        let current = self.memory.current(order_id);
        match self.pay_status(&request.customer_email, &current).await {
            Ok(PayStatus::Waiting) if self.memory.was_notified(&current) => {
                return Err(ProviderError::NotAllowed {
                    message: format!("FMS was already told pre-order {current} is paid"),
                })
            }
            Ok(PayStatus::Waiting) => {}
            Ok(PayStatus::Paid) => {
                return Err(ProviderError::NotAllowed {
                    message: format!("FMS order {current} is paid and its eSIM assigned"),
                })
            }
            Ok(PayStatus::Failed | PayStatus::Cancelled) | Err(ProviderError::NotFound { .. }) => {
                self.memory.settled(&current);
                return Ok(());
            }
            Err(error) => return Err(error),
        }
        let amount = self.pay_amount(request, &current).await?;
        let paypal_id = match &request.payment {
            Some(payment) => payment.reference.as_str(),
            None => assumed::paypal_id_without_payment(&request.idempotency_key),
        };
        let body = wire::PaymentNotification {
            date_time: assumed::date_time(time::now_millis() / 1000),
            order_id: &current,
            partner_code: &self.config.partner_code,
            pay_amount: mapping::money_number(amount)?,
            pay_currency: assumed::CURRENCY,
            paypal_id,
            kind: wire::PAYMENT_FAILED,
        };
        match self.post_open(wire::WEBHOOK_PATH, &body).await {
            Ok(_) => {}
            // Released already: timed out, or unknown to FMS.
            Err(error)
                if error.is(FmsCode::PreOrderTimeout) || error.is(FmsCode::OrderNotFound) => {}
            Err(error) => return Err(error.into()),
        }
        self.memory.settled(&current);
        Ok(())
    }

    /// The success notification for the pre-order's money.
    async fn notify_paid(
        &self,
        request: &OrderRequest,
        order_id: &str,
        payment: &PaymentProof,
    ) -> Result<Notified, ProviderError> {
        let amount = self.pay_amount(request, order_id).await?;
        let body = wire::PaymentNotification {
            date_time: assumed::date_time(payment.paid_at),
            order_id,
            partner_code: &self.config.partner_code,
            pay_amount: mapping::money_number(amount)?,
            pay_currency: assumed::CURRENCY,
            paypal_id: &payment.reference,
            kind: wire::PAYMENT_SUCCEEDED,
        };
        notification_outcome(self.post_open(wire::WEBHOOK_PATH, &body).await)
    }

    /// The pre-order's money: remembered from the pre-order, else what Tern expected to pay
    /// (which the pre-order was checked against), else today's price.
    async fn pay_amount(
        &self,
        request: &OrderRequest,
        order_id: &str,
    ) -> Result<Money, ProviderError> {
        if let Some(money) = self.memory.money(order_id) {
            return Ok(money);
        }
        if request.wholesale.minor > 0 {
            return Ok(request.wholesale);
        }
        Ok(mapping::offer(self.detail(&request.product).await?)?.price)
    }

    async fn pay_status(&self, email: &str, order_id: &str) -> Result<PayStatus, ProviderError> {
        let data = self
            .post_as(
                email,
                wire::ORDER_STATUS_PATH,
                &wire::OrderIdRequest { order_id },
            )
            .await?;
        mapping::pay_status(parse(data, "order status")?, order_id)
    }

    async fn paid_esim(
        &self,
        email: &str,
        order_id: &str,
    ) -> Result<ProvisionedEsim, ProviderError> {
        let data = self
            .post_as(
                email,
                wire::ESIM_DETAIL_PATH,
                &wire::OrderIdRequest { order_id },
            )
            .await?;
        mapping::provisioned(parse(data, "eSIM detail")?, order_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(code: i64) -> Result<Notified, ProviderError> {
        let result = if code == 0 {
            Ok(Reply {
                header_token: None,
                data: serde_json::Value::Null,
            })
        } else {
            Err(CallError::Fms {
                code: FmsCode::from_code(code),
                message: "m".into(),
            })
        };
        notification_outcome(result)
    }

    #[test]
    fn every_webhook_code_has_its_meaning() {
        assert_eq!(answered(0), Ok(Notified::Accepted));
        assert_eq!(answered(6006), Ok(Notified::Lapsed));
        assert!(matches!(
            answered(3005),
            Err(ProviderError::Refused { ref code, .. }) if code == "3005"
        ));
        for invalid in [2, 1102, 10009] {
            assert!(
                matches!(answered(invalid), Err(ProviderError::Validation { .. })),
                "{invalid}"
            );
        }
        assert_eq!(
            answered(10008),
            Err(ProviderError::NotFound { what: "order" })
        );
        for retryable in [9999, 3004, 1234] {
            let error = answered(retryable).unwrap_err();
            assert!(error.is_retryable(), "{retryable}: {error:?}");
        }
    }

    #[test]
    fn top_ups_are_not_offered() {
        let request = OrderRequest {
            idempotency_key: "k".into(),
            product: crate::ProductRef("1".into()),
            kind: OrderKind::TopUp {
                iccid: domain::Iccid::parse("8985200000000000001").unwrap(),
            },
            customer_email: "a@example.com".into(),
            country: None,
            first_attempt_at: 0,
            wholesale: Money::new(0, domain::Currency::USD),
            provider_order_id: None,
            payment: None,
        };
        assert_eq!(
            new_esim_only(&request),
            Err(ProviderError::Unsupported { what: "top-ups" })
        );
    }
}
