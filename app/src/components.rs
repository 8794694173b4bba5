//! Reusable pieces of the shop's pages.

pub mod account;
pub mod admin_layout;
pub mod buy_form;
pub mod clock;
pub mod copy_button;
pub mod destination_search;
pub mod install_guide;
pub mod json_ld;
pub mod layout;
pub mod load_error;
pub mod page_meta;
pub mod plan_card;
pub mod secret_address;
pub mod sort_links;
pub mod state_badge;
pub mod status;
pub mod usage_meter;
