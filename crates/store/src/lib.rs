//! Tern's database (SQLite or PostgreSQL through sqlx) and the use cases that read and write it.

pub mod catalogue;
mod clock;
pub mod db;
pub mod pricing;
pub mod reference;

pub use db::{Backend, Db};
pub use pricing::PricingPolicy;
