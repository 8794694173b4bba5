//! `create_support_admin`: an owner adds a support account (written to the audit log). Owner
//! only. Without JavaScript the browser comes back to `/admin/team` with the outcome, or with
//! the error and what was typed (never the password).

use domain::admin::TeamMember;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/create_support_admin")]
pub async fn create_support_admin(
    email: String,
    name: String,
    password: String,
) -> Result<TeamMember, ServerFnError> {
    use crate::links::query_value;
    use crate::state::internal;
    use leptos::server_fn::ServerFn;
    use store::admin::{audit, CreateAdminError};
    let created = async {
        let (owner, state) =
            crate::admin_auth::require_admin(domain::admin::AdminRole::Owner).await?;
        let admin = match store::admin::create_admin(
            &state.db,
            &email,
            &name,
            domain::admin::AdminRole::Support,
            &password,
        )
        .await
        {
            Ok(admin) => admin,
            Err(CreateAdminError::Unexpected(error)) => return Err(internal(error)),
            Err(expected) => return Err(ServerFnError::new(expected.to_string())),
        };
        let detail = format!("{} <{}> (support)", admin.name, admin.email);
        audit::record(&state.db, &owner, audit::CREATED_ADMIN, &admin.id, &detail)
            .await
            .map_err(internal)?;
        Ok(TeamMember {
            id: admin.id,
            email: admin.email,
            name: admin.name,
            role: admin.role,
            created_at: store::clock::now_millis(),
            disabled: false,
        })
    }
    .await;
    crate::form_post::answer_plain_post(
        created,
        CreateSupportAdmin::PATH,
        &format!(
            "/admin/team?email={}&name={}",
            query_value(email.trim()),
            query_value(name.trim())
        ),
        |member| format!("/admin/team?created={}", query_value(&member.email)),
    )
}
