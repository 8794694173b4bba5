//! The Tern server: configuration, start-up, routes, background jobs.

pub mod admin_setup;
pub mod config;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod provider_setup;
pub mod routes;
pub mod serve;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
