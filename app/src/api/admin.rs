//! The admin panel's server functions. Every one but `sign_in_admin` starts with
//! `crate::admin_auth::require_admin(role)`, so anonymous visitors and travellers get an error
//! (401) and a role too low for the function gets another (403).

mod create_support_admin;
mod get_admin_profile;
mod get_dashboard;
mod get_order;
mod list_admins;
mod list_audit_log;
mod list_orders;
mod sign_in_admin;
mod sign_out_admin;

pub use create_support_admin::*;
pub use get_admin_profile::*;
pub use get_dashboard::*;
pub use get_order::*;
pub use list_admins::*;
pub use list_audit_log::*;
pub use list_orders::*;
pub use sign_in_admin::*;
pub use sign_out_admin::*;

use leptos::prelude::ServerFnError;

/// What every admin function answers someone not signed in to the admin panel (travellers included).
pub const ADMIN_SIGN_IN_REQUIRED: &str = "Please sign in to the admin panel.";
/// What an admin whose role does not allow the function is told.
pub const ADMIN_FORBIDDEN: &str = "Only an owner can do this.";

/// Whether the error asks to sign in to the admin panel.
pub fn is_admin_sign_in_required(error: &ServerFnError) -> bool {
    matches!(error, ServerFnError::ServerError(message) if message == ADMIN_SIGN_IN_REQUIRED)
}

/// Whether the error says the admin's role does not allow this.
pub fn is_admin_forbidden(error: &ServerFnError) -> bool {
    matches!(error, ServerFnError::ServerError(message) if message == ADMIN_FORBIDDEN)
}
