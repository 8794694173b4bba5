//! Catalogue reads for the shop's pages.

mod get_country_page;
mod get_home;
mod get_plan;
mod get_region_page;

pub use get_country_page::*;
pub use get_home::*;
pub use get_plan::*;
pub use get_region_page::*;
