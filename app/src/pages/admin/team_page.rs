//! `/admin/team`: every staff account; for an owner, each account's actions (disable or enable,
//! end its sessions, set a new password, typed or generated and shown once) and the form adding
//! a support account (support admins see it too, and are refused); for everyone, changing their
//! own password. The account forms are plain posts that come back here with the outcome
//! (`?done=…&who=<admin id>`), with or without JavaScript.

use crate::api::admin::{
    get_admin_profile, list_admins, take_new_password, ChangeOwnPassword, CreateSupportAdmin,
    ResetAdminPassword, RevokeAdminSessions, SetAdminEnabled,
};
use crate::api::my_esim::error_message;
use crate::components::admin_layout::{admin_time, AdminLayout, AdminRefusal, AdminTable};
use domain::admin::{AdminProfile, AdminRole, TeamMember};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TeamPage() -> impl IntoView {
    let create = ServerAction::<CreateSupportAdmin>::new();
    let team = Resource::new(
        move || create.version().get(),
        |_| async { Ok::<_, ServerFnError>((list_admins().await?, get_admin_profile().await?)) },
    );
    view! {
        <AdminLayout title="Team">
            <header class="page-header">
                <h1>"Team"</h1>
                <p class="lede">"Owners run the shop; support staff see orders and help travellers."</p>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match team.await {
                        Ok((members, me)) => view! {
                            <Outcome members=members.clone() me=me.clone()/>
                            <TeamList members me=me.clone()/>
                            <NewSupportForm create/>
                            <OwnPasswordForm/>
                        }.into_any(),
                        Err(error) => view! { <AdminRefusal error next="/admin/team"/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

/// What `?done=` reports after a change to `who`'s account, and any refusal of the account forms.
#[component]
fn Outcome(members: Vec<TeamMember>, me: AdminProfile) -> impl IntoView {
    // Created here so a plain form post's error (carried in the address) reaches the page.
    let enable = ServerAction::<SetAdminEnabled>::new();
    let revoke = ServerAction::<RevokeAdminSessions>::new();
    let reset = ServerAction::<ResetAdminPassword>::new();
    let change = ServerAction::<ChangeOwnPassword>::new();
    let error = move || {
        enable
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
            .or_else(|| reset.value().get().and_then(Result::err))
            .or_else(|| change.value().get().and_then(Result::err))
    };
    let query = use_query_map();
    let done = query.read_untracked().get("done").unwrap_or_default();
    let who = query.read_untracked().get("who").unwrap_or_default();
    let who = members
        .iter()
        .find(|member| member.id == who)
        .map(|member| format!("{} <{}>", member.name, member.email));
    let text = match (done.as_str(), who) {
        ("disabled", Some(who)) => Some(format!(
            "{who} is disabled: their sessions have ended and they cannot sign in."
        )),
        ("enabled", Some(who)) => Some(format!("{who} can sign in again.")),
        ("revoked_sessions", Some(who)) => Some(format!(
            "Every session of {who} has ended: they must sign in again."
        )),
        ("reset_password", Some(who)) => Some(format!(
            "{who} has a new password; their sessions have ended."
        )),
        ("changed_password", _) => {
            Some("Your password is changed. Your other sessions have ended.".to_owned())
        }
        _ => None,
    };
    // Only an owner's browser ever holds a generated password, and only right after a reset.
    let generated = (me.role == AdminRole::Owner && done == "reset_password")
        .then(|| OnceResource::new(take_new_password()));
    view! {
        {text.map(|text| view! { <p class="notice notice-ok" role="status">{text}</p> })}
        {generated.map(|generated| view! {
            <Suspense>
                {move || Suspend::new(async move {
                    generated.await.ok().flatten().map(|password| view! {
                        <div class="notice notice-ok" data-testid="new-password">
                            <p>"New password: " <code class="secret">{password}</code></p>
                            <p class="muted">"It is shown only this once: share it with them privately."</p>
                        </div>
                    })
                })}
            </Suspense>
        })}
        {move || error().map(|error| view! {
            <p class="notice notice-error" role="alert">{error_message(&error)}</p>
        })}
    }
}

#[component]
fn TeamList(members: Vec<TeamMember>, me: AdminProfile) -> impl IntoView {
    let owner = me.role == AdminRole::Owner;
    let headings: &'static [&'static str] = if owner {
        &["Name", "Email", "Role", "Since", "Status", "Actions"]
    } else {
        &["Name", "Email", "Role", "Since", "Status"]
    };
    view! {
        <AdminTable headings>
            {members.into_iter().map(|member| {
                let you = member.id == me.id;
                view! {
                    <tr data-testid="team-member">
                        <td>{member.name.clone()} {you.then_some(" (you)")}</td>
                        <td>{member.email.clone()}</td>
                        <td>{member.role.label()}</td>
                        <td>{admin_time(Some(member.created_at))}</td>
                        <td data-testid="team-member-status">{if member.disabled { "Disabled" } else { "Active" }}</td>
                        {owner.then(|| view! { <td><MemberActions member/></td> })}
                    </tr>
                }
            }).collect_view()}
        </AdminTable>
    }
}

/// An owner's buttons for one account.
#[component]
fn MemberActions(member: TeamMember) -> impl IntoView {
    let (toggle, toggle_class) = if member.disabled {
        ("Enable", "button-quiet")
    } else {
        ("Disable", "button-quiet button-danger")
    };
    let password_id = format!("reset-{}", member.id);
    let hint_id = format!("reset-hint-{}", member.id);
    view! {
        <div class="team-actions">
            <form method="post" action=SetAdminEnabled::PATH>
                <input type="hidden" name="admin_id" value=member.id.clone()/>
                <input type="hidden" name="enabled" value=member.disabled.to_string()/>
                <button type="submit" class=toggle_class aria-label=format!("{toggle} {}", member.name)>{toggle}</button>
            </form>
            <form method="post" action=RevokeAdminSessions::PATH>
                <input type="hidden" name="admin_id" value=member.id.clone()/>
                <button type="submit" class="button-quiet" aria-label=format!("End every session of {}", member.name)>
                    "End sessions"
                </button>
            </form>
            <details>
                <summary>"Reset password"</summary>
                <form method="post" action=ResetAdminPassword::PATH class="form-card">
                    <input type="hidden" name="admin_id" value=member.id.clone()/>
                    <label for=password_id.clone()>{format!("New password for {}", member.name)}</label>
                    <input
                        id=password_id
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        minlength="12"
                        aria-describedby=hint_id.clone()
                    />
                    <p id=hint_id class="muted">"At least 12 characters, or leave it empty to generate one, shown once. Their sessions end."</p>
                    <button type="submit">{format!("Set a new password for {}", member.name)}</button>
                </form>
            </details>
        </div>
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

/// Every admin's own password: the current one, then the new one.
#[component]
fn OwnPasswordForm() -> impl IntoView {
    view! {
        <section class="section" aria-labelledby="own-password">
            <h2 id="own-password">"Change your password"</h2>
            <form method="post" action=ChangeOwnPassword::PATH class="form-card">
                <label for="current-password">"Current password"</label>
                <input id="current-password" name="current_password" type="password" autocomplete="current-password" required/>
                <label for="changed-password">"Your new password"</label>
                <input id="changed-password" name="new_password" type="password" autocomplete="new-password" minlength="12" required aria-describedby="changed-password-hint"/>
                <p id="changed-password-hint" class="muted">"At least 12 characters. Your other sessions end; this one stays."</p>
                <button type="submit">"Change your password"</button>
            </form>
        </section>
    }
}
