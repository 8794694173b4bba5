//! Buying a plan and following the order.

mod get_order;
mod order_moment;
mod start_checkout;

pub use get_order::*;
pub use order_moment::*;
pub use start_checkout::*;
