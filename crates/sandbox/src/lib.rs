//! In-process servers that speak each provider's HTTP API, for development and tests.

pub mod esimfx;
pub mod faults;
mod local_server;
pub mod stripe;
