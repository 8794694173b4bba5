//! Facts about the site itself.

mod get_site_info;

pub use get_site_info::*;
