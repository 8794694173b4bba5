//! The admin panel's server functions. Every one but `sign_in_admin` starts with
//! `crate::admin_auth::require_admin(role)`, so anonymous visitors and travellers get an error
//! (401) and a role too low for the function gets another (403).

mod change_own_password;
mod create_support_admin;
mod get_admin_profile;
mod get_catalogue;
mod get_catalogue_country;
mod get_customer;
mod get_dashboard;
mod get_order;
mod get_prices;
mod get_routing;
mod list_admins;
mod list_audit_log;
mod list_customers;
mod list_orders;
mod new_action_id;
mod refund_order;
mod remove_margin;
mod remove_routing_rule;
mod resend_esim_email;
mod reset_admin_password;
mod resolve_order;
mod retry_order;
mod revoke_admin_sessions;
mod save_routing_rule;
mod set_admin_enabled;
mod set_country_enabled;
mod set_featured;
mod set_margin;
mod set_plan_enabled;
mod sign_in_admin;
mod sign_out_admin;
mod take_new_password;

pub use change_own_password::*;
pub use create_support_admin::*;
pub use get_admin_profile::*;
pub use get_catalogue::*;
pub use get_catalogue_country::*;
pub use get_customer::*;
pub use get_dashboard::*;
pub use get_order::*;
pub use get_prices::*;
pub use get_routing::*;
pub use list_admins::*;
pub use list_audit_log::*;
pub use list_customers::*;
pub use list_orders::*;
pub use new_action_id::*;
pub use refund_order::*;
pub use remove_margin::*;
pub use remove_routing_rule::*;
pub use resend_esim_email::*;
pub use reset_admin_password::*;
pub use resolve_order::*;
pub use retry_order::*;
pub use revoke_admin_sessions::*;
pub use save_routing_rule::*;
pub use set_admin_enabled::*;
pub use set_country_enabled::*;
pub use set_featured::*;
pub use set_margin::*;
pub use set_plan_enabled::*;
pub use sign_in_admin::*;
pub use sign_out_admin::*;
pub use take_new_password::*;

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

/// An order action's error for the browser: its own words, or nothing internal.
#[cfg(feature = "ssr")]
fn order_action_error(error: store::admin::order_actions::OrderActionError) -> ServerFnError {
    use store::admin::order_actions::OrderActionError;
    match error {
        OrderActionError::Unexpected(error) => crate::state::internal(error),
        expected => ServerFnError::new(expected.to_string()),
    }
}

/// Answers an order action's plain form post: the order with `?done=<action>`, or its
/// confirmation again with the error.
#[cfg(feature = "ssr")]
fn answer_order_action(
    result: Result<String, ServerFnError>,
    server_fn_path: &str,
    order_id: &str,
    action: store::admin::order_actions::OrderAction,
) -> Result<String, ServerFnError> {
    let order = crate::links::admin_order_href(order_id);
    crate::form_post::answer_plain_post(
        result,
        server_fn_path,
        &format!("{order}?confirm={}", action.as_str()),
        |_| format!("{order}?done={}", action.as_str()),
    )
}

/// A catalogue change's error for the browser: its own words, or nothing internal.
#[cfg(feature = "ssr")]
fn catalogue_error(error: store::admin::catalogue::CatalogueError) -> ServerFnError {
    use store::admin::catalogue::CatalogueError;
    match error {
        CatalogueError::Unexpected(error) => crate::state::internal(error),
        expected => ServerFnError::new(expected.to_string()),
    }
}

/// A margin's error for the browser: its own words, or nothing internal.
#[cfg(feature = "ssr")]
fn prices_error(error: store::admin::prices::PricesError) -> ServerFnError {
    use store::admin::prices::PricesError;
    match error {
        PricesError::Unexpected(error) => crate::state::internal(error),
        expected => ServerFnError::new(expected.to_string()),
    }
}

/// The margin scope a form names; global when it names none.
#[cfg(feature = "ssr")]
fn margin_scope(
    kind: Option<&str>,
    value: Option<&str>,
) -> Result<domain::pricing::MarginScope, ServerFnError> {
    match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(domain::pricing::MarginScope::Global),
        Some(kind) => domain::pricing::MarginScope::from_parts(kind, value.unwrap_or_default())
            .ok_or_else(|| {
                ServerFnError::new(store::admin::prices::PricesError::UnknownScope.to_string())
            }),
    }
}

/// A change to a staff account's error for the browser: its own words, or nothing internal.
#[cfg(feature = "ssr")]
fn staff_error(error: store::admin::staff::StaffError) -> ServerFnError {
    use store::admin::staff::StaffError;
    match error {
        StaffError::Unexpected(error) => crate::state::internal(error),
        expected => ServerFnError::new(expected.to_string()),
    }
}

/// Answers a team page form's plain post: `/admin/team?done=<done>&who=<admin id>`, or the team
/// page again with the error.
#[cfg(feature = "ssr")]
fn answer_team_change<T>(
    result: Result<T, ServerFnError>,
    server_fn_path: &str,
    done: &str,
    admin_id: &str,
) -> Result<T, ServerFnError> {
    let who = crate::links::query_value(admin_id.trim());
    crate::form_post::answer_plain_post(result, server_fn_path, "/admin/team", |_| {
        format!("/admin/team?done={done}&who={who}")
    })
}
