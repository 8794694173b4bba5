//! In-process servers that speak each provider's HTTP API, for development and tests.

mod calendar;
mod clock;
pub mod esimfx;
pub mod esimgo;
pub mod faults;
pub mod fms;
mod ids;
mod local_server;
pub mod stripe;
pub mod truphone;

pub use local_server::Running;
