//! Tern's database (SQLite or PostgreSQL through sqlx) and the use cases that read and write it.

pub mod catalogue;
pub mod db;
pub mod pricing;
pub mod reference;
mod clock;

pub use db::{Backend, Db};
pub use pricing::PricingPolicy;
