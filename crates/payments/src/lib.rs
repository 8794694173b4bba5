//! Tern's payments: the [`PaymentGateway`] trait, its results as data, and the Stripe
//! implementation on async-stripe, pointed at Stripe or at the sandbox by base URL.

// The Stripe-shaped JSON fixtures in the tests nest deeper than `json!` allows by default.
#![cfg_attr(test, recursion_limit = "256")]

mod error;
mod gateway;
pub mod stripe;

pub use error::PaymentError;
pub use gateway::{
    CheckoutRequest, CheckoutSession, CheckoutStatus, PaymentEvent, PaymentGateway, PaymentOutcome,
    RefundOutcome, VerifiedEvent,
};
pub use stripe::{StripeConfig, StripeGateway};
