//! `/admin/team`: every staff account, and the form an owner uses to add a support account
//! (support admins see it too, and are refused). Without JavaScript the form comes back here
//! with the outcome, or with the error and what was typed.

use crate::api::admin::{list_admins, CreateSupportAdmin};
use crate::api::my_esim::error_message;
use crate::components::admin_layout::{admin_time, AdminLayout, AdminRefusal, AdminTable};
use domain::admin::TeamMember;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TeamPage() -> impl IntoView {
    let create = ServerAction::<CreateSupportAdmin>::new();
    let team = Resource::new(move || create.version().get(), |_| list_admins());
    view! {
        <AdminLayout title="Team">
            <header class="page-header">
                <h1>"Team"</h1>
                <p class="lede">"Owners run the shop; support staff see orders and help travellers."</p>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match team.await {
                        Ok(members) => view! {
                            <TeamList members/>
                            <NewSupportForm create/>
                        }.into_any(),
                        Err(error) => view! { <AdminRefusal error next="/admin/team"/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn TeamList(members: Vec<TeamMember>) -> impl IntoView {
    view! {
        <AdminTable headings=&["Name", "Email", "Role", "Since", "Status"]>
                    {members.into_iter().map(|member| view! {
                        <tr data-testid="team-member">
                            <td>{member.name}</td>
                            <td>{member.email}</td>
                            <td>{member.role.label()}</td>
                            <td>{admin_time(Some(member.created_at))}</td>
                            <td>{if member.disabled { "Disabled" } else { "Active" }}</td>
                        </tr>
                    }).collect_view()}
        </AdminTable>
    }
}

#[component]
fn NewSupportForm(create: ServerAction<CreateSupportAdmin>) -> impl IntoView {
    let query = use_query_map();
    let read = move |key: &str| query.read_untracked().get(key).filter(|v| !v.is_empty());
    let (typed_email, typed_name) = (
        read("email").unwrap_or_default(),
        read("name").unwrap_or_default(),
    );
    let created_without_js = read("created");
    let created = move || match create.value().get() {
        Some(Ok(member)) => Some(member.email),
        Some(Err(_)) => None,
        None => created_without_js.clone(),
    };
    let error = move || create.value().get().and_then(Result::err);
    let pending = create.pending();
    view! {
        <section class="section" aria-labelledby="new-support">
            <h2 id="new-support">"Add a support account"</h2>
            {move || created().map(|email| view! {
                <p class="notice notice-ok" role="status">{format!("Support account created for {email}.")}</p>
            })}
            <div class="form-card">
                <ActionForm action=create>
                    <label for="new-email">"Email"</label>
                    <input id="new-email" name="email" type="email" autocomplete="off" required value=typed_email/>
                    <label for="new-name">"Name"</label>
                    <input id="new-name" name="name" type="text" autocomplete="off" required value=typed_name/>
                    <label for="new-password">"Password"</label>
                    <input id="new-password" name="password" type="password" autocomplete="new-password" minlength="12" required aria-describedby="new-password-hint"/>
                    <p id="new-password-hint" class="muted">"At least 12 characters. Share it with them privately."</p>
                    {move || error().map(|error| view! {
                        <p class="field-error" role="alert">{error_message(&error)}</p>
                    })}
                    <button type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { "Creating…" } else { "Create support account" }}
                    </button>
                </ActionForm>
            </div>
        </section>
    }
}
