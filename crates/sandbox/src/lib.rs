//! In-process servers that speak each provider's HTTP API, for development and tests.

pub mod esimfx;
pub mod esimgo;
pub mod faults;
pub mod fms;
mod local_server;
pub mod stripe;
pub mod truphone;
