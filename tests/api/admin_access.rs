//! Every admin page and every admin server function, found from the app itself rather than
//! listed by hand, refuses anonymous visitors and travellers: a page added later is covered
//! without anyone remembering to add it here.

use crate::admin::{app_with_owner, SIGN_IN_REQUIRED};
use crate::support::route_parameter;

/// Values for every field any admin server function takes, so each one gets past reading its
/// form and its guard is what answers. A new function with a new field fails the test until the
/// field is added here.
const EVERY_FIELD: &[(&str, &str)] = &[
    ("action", "retried_fulfilment"),
    ("action_id", "act_test"),
    ("admin_id", "adm_test"),
    ("code", "JP"),
    ("country", "JP"),
    ("current_password", "a long enough password"),
    ("email", "someone@example.com"),
    ("enabled", "false"),
    ("from", "2026-01-01"),
    ("margin", "50"),
    ("name", "Someone"),
    ("new_password", "another long enough password"),
    ("next", "/admin"),
    ("note", "a note"),
    ("offer", ""),
    ("order_id", "ord_test"),
    ("page", "1"),
    ("password", "a long enough password"),
    ("plan_id", "pln_test"),
    ("position", "1"),
    ("provider", "esimfx"),
    ("providers", "esimfx"),
    ("q", "someone"),
    ("query", "someone"),
    ("reason", "a reason"),
    ("scope", "global"),
    ("status", "paid"),
    ("strategy", "cheapest"),
    ("to", "2026-12-31"),
    ("value", ""),
];

/// A value for each route parameter.
fn fill(path: &str) -> String {
    path.split('/')
        .map(|segment| match route_parameter(segment) {
            Some("id") => "ord_test".to_owned(),
            Some("code") => "JP".to_owned(),
            Some("email") => "someone%40example.com".to_owned(),
            Some(other) => format!("test-{other}"),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_admin_page_and_server_function_refuses_visitors_and_travellers() {
    let app = app_with_owner().await;
    let traveller = app.sign_in("traveller@example.com").await;
    let pages: Vec<String> = tern::routes::page_paths()
        .into_iter()
        .filter(|path| path.starts_with("/admin") && path != "/admin/sign-in")
        .collect();
    assert!(pages.len() >= 10, "the admin pages were found: {pages:?}");
    let mut functions: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with("/api/admin/") && *path != "/api/admin/sign_in_admin")
        .collect();
    functions.sort_unstable();
    assert!(
        functions.len() >= 20,
        "the admin functions were found: {functions:?}"
    );
    let before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    for cookie in ["", traveller.as_str()] {
        for page in &pages {
            let (status, body) = app.get_as(cookie, &fill(page)).await;
            assert_eq!(status, 401, "{page} as {cookie:?}");
            assert!(body.contains("Sign in to the admin panel"), "{page}");
        }
        for path in &functions {
            let name = path.trim_start_matches("/api/");
            let (status, body) = app.server_fn(Some(cookie), name, EVERY_FIELD).await;
            assert_eq!(status, 401, "{name} as {cookie:?}: {body}");
            assert!(body.contains(SIGN_IN_REQUIRED), "{name}: {body}");
        }
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log").await,
        before,
        "nothing was done"
    );
}
