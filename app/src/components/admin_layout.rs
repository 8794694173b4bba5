//! The frame of every admin page: its own header (never the traveller's) with the panel's nav,
//! the signed-in admin's name and role and a sign-out button; pages are noindex. Also what an
//! admin page shows instead of its content when the visitor may not see it.

use crate::api::admin::{
    get_admin_profile, is_admin_forbidden, is_admin_sign_in_required, SignOutAdmin,
};
use crate::api::my_esim::error_message;
use crate::pages::admin::admin_sign_in_page::AdminSignInForm;
use domain::admin::AdminProfile;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_location;

/// The admin panel's pages, in nav order: (path, label).
pub const ADMIN_NAV: [(&str, &str); 8] = [
    ("/admin", "Dashboard"),
    ("/admin/orders", "Orders"),
    ("/admin/customers", "Customers"),
    ("/admin/catalogue", "Catalogue"),
    ("/admin/prices", "Prices"),
    ("/admin/routing", "Routing"),
    ("/admin/audit", "Audit log"),
    ("/admin/team", "Team"),
];

/// Wraps an admin page. `title` names the page in the browser tab; `public` (the sign-in page)
/// leaves out everything that needs a signed-in admin.
#[component]
pub fn AdminLayout(
    #[prop(into)] title: String,
    #[prop(optional)] public: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=format!("{title} · Tern admin")/>
        <Meta name="robots" content="noindex, nofollow"/>
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header admin-header">
            <a class="brand" href="/admin" aria-label="Tern admin home">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Tern admin"
            </a>
            {(!public).then(|| view! { <AdminNav/> })}
        </header>
        <main id="main" class="admin-main">{children()}</main>
    }
}

/// The nav, who is signed in and the sign-out button; nothing for a visitor who is not an admin.
#[component]
fn AdminNav() -> impl IntoView {
    let profile = OnceResource::new(get_admin_profile());
    let path = use_location().pathname;
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                profile.await.ok().map(|admin| view! {
                    <nav aria-label="Admin">
                        {ADMIN_NAV.into_iter().map(|(href, label)| view! {
                            <a
                                href=href
                                aria-current=move || (path.get() == href).then_some("page")
                            >{label}</a>
                        }).collect_view()}
                    </nav>
                    <SignedInAdmin admin/>
                })
            })}
        </Suspense>
    }
}

#[component]
fn SignedInAdmin(admin: AdminProfile) -> impl IntoView {
    // A plain form post: the server answers it by showing the sign-in page.
    let sign_out = ServerAction::<SignOutAdmin>::new();
    view! {
        <div class="admin-who">
            <span data-testid="admin-name">{admin.name}</span>
            <span class="badge admin-role">{admin.role.label()}</span>
            <ActionForm action=sign_out attr:class="sign-out">
                <button type="submit" class="link-button">"Sign out"</button>
            </ActionForm>
        </div>
    }
}

/// Shown instead of an admin page's content when its server function refused: the sign-in form
/// for a visitor who is not signed in as an admin, a plain refusal for a role too low.
#[component]
pub fn AdminRefusal(
    error: ServerFnError,
    /// The page to come back to once signed in.
    #[prop(into)]
    next: String,
) -> impl IntoView {
    if is_admin_sign_in_required(&error) {
        view! {
            <section class="notice sign-in-panel" aria-labelledby="admin-sign-in-needed">
                <h2 id="admin-sign-in-needed">"Sign in to the admin panel"</h2>
                <AdminSignInForm next/>
            </section>
        }
        .into_any()
    } else if is_admin_forbidden(&error) {
        view! {
            <p class="notice notice-error" role="alert">{error_message(&error)}</p>
        }
        .into_any()
    } else {
        view! {
            <div class="notice notice-error" role="alert">
                <h2>"We couldn't load this page"</h2>
                <p>{error_message(&error)}</p>
            </div>
        }
        .into_any()
    }
}

/// `t` as "23 Nov 2026, 14:05 UTC", or "never".
pub fn admin_time(at: Option<i64>) -> String {
    at.map(crate::components::clock::utc_date_time)
        .unwrap_or_else(|| "never".to_owned())
}

/// A table of the admin panel: column headings, then the rows given as children, scrolling
/// sideways on a phone.
#[component]
pub fn AdminTable(headings: &'static [&'static str], children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="admin-table">
                <thead>
                    <tr>
                        {headings.iter().map(|heading| view! { <th scope="col">{*heading}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// The paging links under a list: "Newer", "Page 2 of 5 · 113 orders", "Older". `href` gives
/// the address of a page of the same search.
#[component]
pub fn AdminPager(
    page: u32,
    page_count: i64,
    total: i64,
    has_next: bool,
    /// What the list counts, as (one, many): ("order", "orders").
    noun: (&'static str, &'static str),
    href: impl Fn(u32) -> String,
) -> impl IntoView {
    let previous = (page > 1).then(|| href(page - 1));
    let next = has_next.then(|| href(page + 1));
    let counted = if total == 1 { noun.0 } else { noun.1 };
    view! {
        <nav class="pager" aria-label="Pages">
            {previous.map(|href| view! { <a href=href rel="prev">"Newer"</a> })}
            <span>{format!("Page {page} of {page_count} · {total} {counted}")}</span>
            {next.map(|href| view! { <a href=href rel="next">"Older"</a> })}
        </nav>
    }
}
