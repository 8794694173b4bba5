//! Reusable pieces of the shop's pages.

pub mod buy_form;
pub mod copy_button;
pub mod destination_search;
pub mod json_ld;
pub mod layout;
pub mod load_error;
pub mod page_meta;
pub mod plan_card;
pub mod sort_links;
pub mod status;
