//! The home page.

pub mod home_page;
