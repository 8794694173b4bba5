//! Browsing the catalogue: countries, regions, plans.

pub mod country_page;
pub mod plan_page;
pub mod region_page;
