//! Tern's database (SQLite or PostgreSQL through sqlx) and the use cases that read and write it.

pub mod accounts;
pub mod admin;
pub mod catalogue;
pub mod clock;
pub mod db;
pub mod esims;
pub mod ids;
pub mod jobs;
pub mod mail;
pub mod orders;
pub mod pricing;
pub mod qr;
pub mod reference;
pub mod retention;
pub mod routing;

pub use db::{Backend, Db};
pub use pricing::PricingPolicy;
