//! Ordering an eSIM (or a top-up) from a provider, and what comes back.

use crate::ProductRef;
use domain::{ActivationCode, CountryCode, Iccid, Money};
use std::time::Duration;

/// A new eSIM, or more data on one the traveller already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderKind {
    NewEsim,
    TopUp { iccid: Iccid },
}

/// One order to place upstream.
///
/// The same request may be sent again (after a timeout, a crash or a pending answer): adapters
/// whose provider has no idempotency key of its own look for the order they already placed
/// since `first_attempt_at` before placing another, so one key never yields two eSIMs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    /// Derived from Tern's order, so a retry can never buy a second eSIM.
    pub idempotency_key: String,
    pub product: ProductRef,
    pub kind: OrderKind,
    /// The traveller's email: Truphone files the eSIM under it, FMS registers the traveller.
    pub customer_email: String,
    /// Where the traveller will use the eSIM (Truphone's `countryCode`).
    pub country: Option<CountryCode>,
    /// Unix milliseconds of Tern's first attempt at this order.
    pub first_attempt_at: i64,
    /// What Tern expects to pay the provider for it, in the provider's currency.
    pub wholesale: Money,
    /// The provider's id for this order when one is already known: a reservation made by
    /// [`crate::EsimProvider::reserve`], or an order answered [`ProvisionOutcome::Pending`].
    pub provider_order_id: Option<String>,
    /// The traveller's confirmed payment, for providers that must be told of it (FMS).
    pub payment: Option<PaymentProof>,
}

/// A payment Tern has confirmed server-side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentProof {
    /// The payment's id at Tern's payment processor (a Stripe PaymentIntent id).
    pub reference: String,
    /// Unix seconds.
    pub paid_at: i64,
}

/// Stock held for an order before it is paid (an FMS pre-order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub provider_order_id: String,
    /// Unix milliseconds: the provider releases the stock if not told of a payment by then.
    pub pay_by: Option<i64>,
}

/// The eSIM a completed order delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionedEsim {
    pub provider_order_id: String,
    pub iccid: Iccid,
    /// `None` for top-ups, which add data to an eSIM that is already installed.
    pub activation: Option<ActivationCode>,
}

/// What placing an order led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProvisionOutcome {
    Ready(ProvisionedEsim),
    /// Accepted; ask again with [`crate::EsimProvider::order_status`] after `poll_after`.
    Pending {
        provider_order_id: String,
        poll_after: Duration,
        /// The provider's own word for where the order is ("ACCEPTED", "FULFILLING").
        status: String,
    },
}
