//! Buying a plan and following the order.

mod get_order;
mod start_checkout;

pub use get_order::*;
pub use start_checkout::*;
