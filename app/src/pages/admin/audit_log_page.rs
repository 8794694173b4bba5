//! `/admin/audit?admin=…&action=…&page=…`: the audit log, newest first, filtered by admin and
//! action (a plain GET form, so it works without JavaScript), 50 lines a page.

use crate::api::admin::{list_audit_log, AuditLogView};
use crate::components::admin_layout::{admin_time, AdminLayout, AdminRefusal, AdminTable};
use crate::links::query_value;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let query = query.read();
        let read = |key: &str| query.get(key).filter(|value| !value.is_empty());
        (
            read("admin"),
            read("action"),
            read("page").and_then(|page| page.parse::<u32>().ok()),
        )
    };
    let log = Resource::new(filter, |(admin, action, page)| {
        list_audit_log(admin, action, page)
    });
    view! {
        <AdminLayout title="Audit log">
            <header class="page-header">
                <h1>"Audit log"</h1>
                <p class="lede">"Every sign-in, sign-out and change made in the admin panel."</p>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (admin, action, _) = filter();
                    match log.await {
                        Ok(view) => view! { <AuditLog view admin action/> }.into_any(),
                        Err(error) => view! { <AdminRefusal error next="/admin/audit"/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminLayout>
    }
}

#[component]
fn AuditLog(view: AuditLogView, admin: Option<String>, action: Option<String>) -> impl IntoView {
    let AuditLogView {
        page,
        admins,
        actions,
    } = view;
    let link = {
        let (admin, action) = (admin.clone(), action.clone());
        move |to: u32| {
            let mut href = format!("/admin/audit?page={to}");
            if let Some(admin) = &admin {
                href.push_str(&format!("&admin={}", query_value(admin)));
            }
            if let Some(action) = &action {
                href.push_str(&format!("&action={}", query_value(action)));
            }
            href
        }
    };
    let previous = (page.page > 1).then(|| link(page.page - 1));
    let next = page.has_next.then(|| link(page.page + 1));
    view! {
        <form class="admin-filter" method="get" action="/admin/audit">
            <label for="audit-admin">"Admin"</label>
            <select id="audit-admin" name="admin">
                <option value="">"Everyone"</option>
                {admins.into_iter().map(|(id, name)| {
                    let selected = admin.as_deref() == Some(id.as_str());
                    view! { <option value=id selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            <label for="audit-action">"Action"</label>
            <select id="audit-action" name="action">
                <option value="">"Every action"</option>
                {actions.into_iter().map(|name| {
                    let selected = action.as_deref() == Some(name.as_str());
                    let value = name.clone();
                    view! { <option value=value selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            <button type="submit">"Filter"</button>
        </form>
        {if page.entries.is_empty() {
            view! { <p class="muted">"Nothing in the log matches."</p> }.into_any()
        } else {
            view! {
                <AdminTable headings=&["When", "Admin", "Action", "Subject", "Detail"]>
                            {page.entries.into_iter().map(|entry| view! {
                                <tr data-testid="audit-line">
                                    <td>{admin_time(Some(entry.at))}</td>
                                    <td>{entry.admin_name}</td>
                                    <td>{entry.action}</td>
                                    <td><code>{entry.subject}</code></td>
                                    <td>{entry.detail}</td>
                                </tr>
                            }).collect_view()}
                </AdminTable>
            }.into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {previous.map(|href| view! { <a href=href rel="prev">"Newer"</a> })}
            <span>{format!("Page {}", page.page)}</span>
            {next.map(|href| view! { <a href=href rel="next">"Older"</a> })}
        </nav>
    }
}
