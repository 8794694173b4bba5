//! `list_audit_log`: one page of the audit log, filtered by admin and action, with what the
//! filter offers.

use domain::admin::AuditPage;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A page of the log and the choices of its filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogView {
    pub page: AuditPage,
    /// (id, name) of every admin.
    pub admins: Vec<(String, String)>,
    pub actions: Vec<String>,
}

#[server(prefix = "/api", endpoint = "admin/list_audit_log")]
pub async fn list_audit_log(
    admin_id: Option<String>,
    action: Option<String>,
    page: Option<u32>,
) -> Result<AuditLogView, ServerFnError> {
    use crate::state::internal;
    use store::admin::audit;
    let (_, state) = crate::admin_auth::require_admin(domain::admin::AdminRole::Support).await?;
    let filter = audit::AuditFilter {
        admin_id: admin_id.filter(|id| !id.is_empty()),
        action: action.filter(|action| !action.is_empty()),
    };
    let page = audit::list(&state.db, &filter, page.unwrap_or(1))
        .await
        .map_err(internal)?;
    let admins = store::admin::list_admins(&state.db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|member| (member.id, member.name))
        .collect();
    let actions = audit::actions(&state.db).await.map_err(internal)?;
    Ok(AuditLogView {
        page,
        admins,
        actions,
    })
}
