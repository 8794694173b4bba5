//! Which parts of each page run in the browser: only the islands, named in the server's HTML. A
//! traveller's pages carry only the shop's islands, and the admin panel none at all, so none of
//! its code is in the WebAssembly a traveller downloads.

use crate::admin::{admin_cookie, app_with_owner, OWNER_EMAIL, OWNER_PASSWORD};
use crate::support::spawn_app;
use std::collections::BTreeSet;

/// The islands a page asks the browser to wake, by name.
fn islands(html: &str) -> BTreeSet<String> {
    html.split("<leptos-island")
        .skip(1)
        .filter_map(|tag| {
            let name = tag.split("data-component=\"").nth(1)?.split('"').next()?;
            // `_island_DestinationSearch_6397…`: the component's name between a prefix and a hash.
            let name = name.trim_start_matches("_island_");
            let name = match name.rsplit_once('_') {
                Some((name, hash)) if hash.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => name,
            };
            Some(name.to_owned())
        })
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|name| (*name).to_owned()).collect()
}

#[tokio::test]
async fn shopper_pages_wake_only_their_interactive_parts() {
    let app = spawn_app().await;
    let (_, home) = app.get_html("/").await;
    assert_eq!(islands(&home), names(&["DestinationSearch"]));
    // Its data travels with it, so search works as soon as the island wakes.
    assert!(home.contains("Japan"), "the search index is on the page");

    let (_, country) = app.get_html("/esim/japan").await;
    assert_eq!(
        islands(&country),
        BTreeSet::new(),
        "a country page is server HTML"
    );

    let plan = country
        .split("href=\"/plan/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("Japan lists a plan");
    let (_, plan_page) = app.get_html(&format!("/plan/{plan}")).await;
    assert_eq!(islands(&plan_page), names(&["BuyFormIsland"]));

    let (_, sign_in) = app.get_html("/sign-in").await;
    assert_eq!(islands(&sign_in), names(&["SignInForm"]));
}

#[tokio::test]
async fn the_admin_panel_is_server_html_with_no_island() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let pages: Vec<String> = tern::routes::page_paths()
        .into_iter()
        .filter(|path| path.starts_with("/admin") && !path.contains(':') && !path.contains('{'))
        .collect();
    assert!(pages.len() >= 8, "the admin pages were found: {pages:?}");
    for page in &pages {
        let (status, html) = app.get_as(&owner, page).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            html.contains("data-testid=\"admin-name\"") || page == "/admin/sign-in",
            "{page} is the signed-in page"
        );
        assert_eq!(islands(&html), BTreeSet::new(), "{page} wakes no island");
    }
}
