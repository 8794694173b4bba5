//! Following an order.

pub mod order_page;
