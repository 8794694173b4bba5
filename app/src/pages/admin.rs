//! The admin panel: staff sign-in, the dashboard, the audit log and the team. Every page is
//! wrapped in `AdminLayout`, and shows `AdminRefusal` when its server function refuses.

pub mod admin_sign_in_page;
pub mod audit_log_page;
pub mod catalogue_country_page;
pub mod catalogue_page;
pub mod customer_page;
pub mod customers_page;
pub mod dashboard_page;
pub mod order_page;
pub mod orders_page;
pub mod prices_page;
pub mod routing_page;
pub mod team_page;
