//! Server functions, one per file, grouped by area. Each calls `store` and does nothing else.

pub mod admin;
pub mod catalogue;
pub mod my_esim;
pub mod orders;
pub mod site;
