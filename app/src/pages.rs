//! One module per page, grouped by area.

pub mod admin;
pub mod catalogue;
pub mod home;
pub mod my_esims;
pub mod not_found_page;
pub mod orders;
