//! `get_admin_profile`: the signed-in admin, for the panel's header.

use domain::admin::AdminProfile;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/get_admin_profile")]
pub async fn get_admin_profile() -> Result<AdminProfile, ServerFnError> {
    let (admin, _) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    Ok(admin.profile())
}
