//! Background jobs that run for the life of the server.

pub mod catalogue_sync;
pub mod retention;
pub mod usage_sync;
pub mod worker;
