//! Ordering an eSIM (or a top-up) from a provider, and what comes back.

use crate::ProductRef;
use domain::{ActivationCode, Iccid};
use std::time::Duration;

/// A new eSIM, or more data on one the traveller already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderKind {
    NewEsim,
    TopUp { iccid: Iccid },
}

/// One order to place upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    /// Derived from Tern's order, so a retry can never buy a second eSIM.
    pub idempotency_key: String,
    pub product: ProductRef,
    pub kind: OrderKind,
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
    /// Accepted; ask again after `poll_after`.
    Pending {
        provider_order_id: String,
        poll_after: Duration,
    },
}
