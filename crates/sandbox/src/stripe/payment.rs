//! Paying a checkout session: card attempts, 3-D Secure, delayed methods, expiry and refunds,
//! each raising the events Stripe raises.

use std::collections::BTreeMap;

use axum::http::StatusCode;

use super::cards::{self, Behaviour, Card};
use super::objects::{
    CardSummary, Charge, IntentStatus, PaymentError, PaymentIntent, Refund, SessionStatus,
};
use super::state::World;
use super::wire::{self, ApiError};

/// What a payment attempt led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// Paid; send the buyer to `redirect` (the success URL).
    Paid { redirect: String },
    /// Refused; the session stays open for another card.
    Declined { message: String },
    /// The card needs the 3-D Secure step before it is charged.
    NeedsAuthentication,
    /// A delayed method was accepted; the money has not arrived yet.
    Pending,
}

/// Why a session cannot take the action asked of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    NotFound,
    /// The session is complete or expired.
    Closed(SessionStatus),
    /// There is no payment waiting for authentication.
    NoAuthentication,
    /// There is no delayed payment waiting to settle.
    NotPending,
}

impl Refusal {
    pub(crate) fn message(&self, session_id: &str) -> String {
        match self {
            Refusal::NotFound => format!("No such checkout.session: '{session_id}'"),
            Refusal::Closed(status) => {
                format!("Checkout session {session_id} is {}.", status.as_str())
            }
            Refusal::NoAuthentication => {
                format!("Checkout session {session_id} has no payment awaiting authentication.")
            }
            Refusal::NotPending => {
                format!("Checkout session {session_id} has no delayed payment to settle.")
            }
        }
    }

    pub(crate) fn into_api_error(self, session_id: &str) -> ApiError {
        let error = ApiError::invalid(self.message(session_id));
        match self {
            Refusal::NotFound => error.status(StatusCode::NOT_FOUND).code("resource_missing"),
            _ => error,
        }
    }
}

/// Parameters of `POST /v1/refunds` that passed syntax checks.
#[derive(Debug, Clone, Default)]
pub(crate) struct RefundRequest {
    pub(crate) payment_intent: Option<String>,
    pub(crate) charge: Option<String>,
    pub(crate) amount: Option<i64>,
    pub(crate) currency: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
}

impl World {
    /// The open session's PaymentIntent, created on the first attempt.
    fn intent_for(&mut self, session_id: &str, now: i64) -> Result<String, Refusal> {
        let session = self.sessions.get(session_id).ok_or(Refusal::NotFound)?;
        if session.status != SessionStatus::Open {
            return Err(Refusal::Closed(session.status));
        }
        if let Some(id) = &session.payment_intent {
            return Ok(id.clone());
        }
        let id = self.ids.next("pi_");
        let intent = PaymentIntent {
            id: id.clone(),
            created: now,
            amount: session.amount_total(),
            currency: session.currency.clone(),
            status: IntentStatus::RequiresPaymentMethod,
            metadata: session.payment_intent_metadata.clone(),
            receipt_email: session.customer_email.clone(),
            payment_method: None,
            latest_charge: None,
            last_payment_error: None,
            pending_card: None,
        };
        self.intents.insert(id.clone(), intent);
        if let Some(session) = self.sessions.get_mut(session_id) {
            session.payment_intent = Some(id.clone());
        }
        Ok(id)
    }

    fn intent_mut(&mut self, id: &str) -> &mut PaymentIntent {
        self.intents
            .get_mut(id)
            .expect("a session's PaymentIntent is never removed")
    }

    /// One card attempt on an open session.
    pub(crate) fn pay(
        &mut self,
        session_id: &str,
        card: &Card,
        now: i64,
    ) -> Result<Attempt, Refusal> {
        let intent_id = self.intent_for(session_id, now)?;
        let payment_method = self.ids.next("pm_");
        let intent = self.intent_mut(&intent_id);
        intent.payment_method = Some(payment_method);
        match cards::behaviour(&card.number) {
            Behaviour::Approve => Ok(self.succeed(session_id, &intent_id, card.summary(), now)),
            Behaviour::Authenticate => {
                intent.status = IntentStatus::RequiresAction;
                intent.last_payment_error = None;
                intent.pending_card = Some(card.summary());
                Ok(Attempt::NeedsAuthentication)
            }
            Behaviour::Decline {
                code,
                decline_code,
                message,
            } => {
                intent.status = IntentStatus::RequiresPaymentMethod;
                intent.last_payment_error = Some(PaymentError {
                    code,
                    decline_code,
                    message: message.to_owned(),
                });
                Ok(Attempt::Declined {
                    message: message.to_owned(),
                })
            }
        }
    }

    /// Whether the session's payment is waiting for 3-D Secure.
    pub(crate) fn awaiting_authentication(&self, session_id: &str) -> bool {
        self.sessions
            .get(session_id)
            .filter(|s| s.status == SessionStatus::Open)
            .and_then(|s| s.payment_intent.as_ref())
            .and_then(|id| self.intents.get(id))
            .is_some_and(|pi| pi.status == IntentStatus::RequiresAction)
    }

    /// The buyer completes (or fails) the 3-D Secure step.
    pub(crate) fn authenticate(
        &mut self,
        session_id: &str,
        complete: bool,
        now: i64,
    ) -> Result<Attempt, Refusal> {
        if !self.awaiting_authentication(session_id) {
            return match self.sessions.get(session_id) {
                None => Err(Refusal::NotFound),
                Some(s) if s.status != SessionStatus::Open => Err(Refusal::Closed(s.status)),
                Some(_) => Err(Refusal::NoAuthentication),
            };
        }
        let intent_id = self.intent_for(session_id, now)?;
        let intent = self.intent_mut(&intent_id);
        let card = intent
            .pending_card
            .take()
            .expect("requires_action always keeps its card");
        if complete {
            return Ok(self.succeed(session_id, &intent_id, card, now));
        }
        intent.status = IntentStatus::RequiresPaymentMethod;
        intent.last_payment_error = Some(PaymentError {
            code: "payment_intent_authentication_failure",
            decline_code: None,
            message: cards::AUTHENTICATION_FAILED.to_owned(),
        });
        Ok(Attempt::Declined {
            message: cards::AUTHENTICATION_FAILED.to_owned(),
        })
    }

    /// Charges the card: PaymentIntent succeeded, session complete and paid, event raised.
    fn succeed(
        &mut self,
        session_id: &str,
        intent_id: &str,
        card: CardSummary,
        now: i64,
    ) -> Attempt {
        let charge_id = self.ids.next("ch_");
        let intent = self.intent_mut(intent_id);
        intent.status = IntentStatus::Succeeded;
        intent.last_payment_error = None;
        intent.latest_charge = Some(charge_id.clone());
        let charge = Charge {
            id: charge_id.clone(),
            created: now,
            amount: intent.amount,
            amount_refunded: 0,
            currency: intent.currency.clone(),
            payment_intent: intent.id.clone(),
            payment_method: intent.payment_method.clone().unwrap_or_default(),
            metadata: intent.metadata.clone(),
            receipt_email: intent.receipt_email.clone(),
            card,
        };
        let name = charge.card.name.clone();
        self.charges.insert(charge_id, charge);
        let session = self
            .sessions
            .get_mut(session_id)
            .expect("the session was just looked up");
        let was_complete = session.status == SessionStatus::Complete;
        session.status = SessionStatus::Complete;
        session.paid = true;
        session.customer_name = Some(name);
        let redirect = session.success_redirect();
        let event = if was_complete {
            "checkout.session.async_payment_succeeded"
        } else {
            "checkout.session.completed"
        };
        self.raise_session(event, session_id, now);
        Attempt::Paid { redirect }
    }

    /// A delayed method (like a bank debit): the session completes unpaid, the money later.
    pub(crate) fn pay_later(
        &mut self,
        session_id: &str,
        name: &str,
        now: i64,
    ) -> Result<Attempt, Refusal> {
        let intent_id = self.intent_for(session_id, now)?;
        let payment_method = self.ids.next("pm_");
        let intent = self.intent_mut(&intent_id);
        intent.payment_method = Some(payment_method);
        intent.status = IntentStatus::Processing;
        intent.last_payment_error = None;
        let session = self
            .sessions
            .get_mut(session_id)
            .expect("the session was just looked up");
        session.status = SessionStatus::Complete;
        session.customer_name = Some(name.to_owned());
        self.raise_session("checkout.session.completed", session_id, now);
        Ok(Attempt::Pending)
    }

    /// The delayed payment arrives (`succeed`) or fails.
    pub(crate) fn settle(
        &mut self,
        session_id: &str,
        succeed: bool,
        now: i64,
    ) -> Result<Attempt, Refusal> {
        let session = self.sessions.get(session_id).ok_or(Refusal::NotFound)?;
        let intent_id = session
            .payment_intent
            .clone()
            .filter(|id| {
                self.intents
                    .get(id)
                    .is_some_and(|pi| pi.status == IntentStatus::Processing)
            })
            .ok_or(Refusal::NotPending)?;
        if succeed {
            let card = CardSummary {
                brand: "unknown",
                last4: "0000".to_owned(),
                exp_month: 12,
                exp_year: 2099,
                name: session.customer_name.clone().unwrap_or_default(),
            };
            return Ok(self.succeed(session_id, &intent_id, card, now));
        }
        let intent = self.intent_mut(&intent_id);
        intent.status = IntentStatus::RequiresPaymentMethod;
        intent.last_payment_error = Some(PaymentError {
            code: "payment_method_provider_decline",
            decline_code: None,
            message: "The payment was declined by the bank.".to_owned(),
        });
        self.raise_session("checkout.session.async_payment_failed", session_id, now);
        Ok(Attempt::Declined {
            message: "The payment was declined by the bank.".to_owned(),
        })
    }

    /// Expires an open session, as `POST /v1/checkout/sessions/{id}/expire` does.
    pub(crate) fn expire(&mut self, session_id: &str, now: i64) -> Result<(), Refusal> {
        let session = self.sessions.get_mut(session_id).ok_or(Refusal::NotFound)?;
        if session.status != SessionStatus::Open {
            return Err(Refusal::Closed(session.status));
        }
        session.status = SessionStatus::Expired;
        self.raise_session("checkout.session.expired", session_id, now);
        Ok(())
    }

    /// Refunds part or all of a succeeded payment at once, raising `charge.refunded`.
    pub(crate) fn refund(&mut self, request: RefundRequest, now: i64) -> Result<String, ApiError> {
        let charge_id = match (&request.payment_intent, &request.charge) {
            (Some(pi), None) => {
                let intent = self
                    .intents
                    .get(pi)
                    .ok_or_else(|| ApiError::missing("payment_intent", pi, "payment_intent"))?;
                match (&intent.latest_charge, intent.status) {
                    (Some(charge), IntentStatus::Succeeded) => charge.clone(),
                    _ => {
                        return Err(ApiError::invalid(format!(
                            "This PaymentIntent ({pi}) does not have a successful charge to refund."
                        ))
                        .param("payment_intent"))
                    }
                }
            }
            (None, Some(charge)) => {
                if !self.charges.contains_key(charge) {
                    return Err(ApiError::missing("charge", charge, "charge"));
                }
                charge.clone()
            }
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "You can only specify one of these parameters: charge, payment_intent.",
                ))
            }
            (None, None) => {
                return Err(ApiError::invalid(
                    "One of the following params should be provided for this request: \
                     payment_intent or charge.",
                ))
            }
        };
        let charge = self
            .charges
            .get_mut(&charge_id)
            .expect("charges are never removed");
        if let Some(currency) = &request.currency {
            if *currency != charge.currency {
                return Err(ApiError::invalid(format!(
                    "The refund currency ({currency}) must match the charge currency ({}).",
                    charge.currency
                ))
                .param("currency"));
            }
        }
        let remaining = charge.amount - charge.amount_refunded;
        if remaining == 0 {
            return Err(ApiError::invalid(format!(
                "Charge {charge_id} has already been refunded."
            ))
            .code("charge_already_refunded"));
        }
        let amount = request.amount.unwrap_or(remaining);
        if amount <= 0 {
            return Err(ApiError::invalid(
                "Invalid positive integer: the refund amount must be at least 1.",
            )
            .param("amount"));
        }
        if amount > remaining {
            return Err(ApiError::invalid(format!(
                "Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})"
            ))
            .param("amount"));
        }
        charge.amount_refunded += amount;
        let refund_id = self.ids.next("re_");
        let refund = Refund {
            id: refund_id.clone(),
            created: now,
            amount,
            currency: charge.currency.clone(),
            charge: charge_id.clone(),
            payment_intent: charge.payment_intent.clone(),
            reason: request.reason,
            metadata: request.metadata,
        };
        let snapshot = wire::charge(charge);
        self.refunds.insert(refund_id.clone(), refund);
        self.raise("charge.refunded", snapshot, now);
        Ok(refund_id)
    }
}
