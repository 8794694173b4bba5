//! Sign-in links: opening one only asks to confirm, so a mail scanner that fetches it, or a
//! traveller opening a link someone else requested, signs nobody in; the confirmation (a post
//! from the shop's own page) uses it once.

use crate::support::{session_cookie, spawn_app, TestApp};

/// The link as a path on the test server.
fn path_of<'a>(app: &TestApp, link: &'a str) -> &'a str {
    link.strip_prefix(&app.base_url)
        .expect("a link to the test server")
}

fn token_of(link: &str) -> &str {
    link.split_once("token=").expect("a token").1
}

async fn signed_in_as(app: &TestApp, cookie: &str) -> bool {
    let (status, body) = app.server_fn(Some(cookie), "my_esim/signed_in", &[]).await;
    assert_eq!(status, 200, "{body}");
    body != "null"
}

#[tokio::test]
async fn opening_a_link_signs_nobody_in_and_leaves_it_usable() {
    let app = spawn_app().await;
    let link = app.request_sign_in_link("amira@example.com").await;

    // A scanner, or the traveller, opens the link twice: a page that asks, nothing more.
    for _ in 0..2 {
        let response = app.get(path_of(&app, &link)).await;
        assert_eq!(response.status(), 200);
        assert!(
            response.headers().get("set-cookie").is_none(),
            "opening the link opens no session"
        );
        assert_eq!(response.headers()["referrer-policy"], "no-referrer");
        assert_eq!(response.headers()["cache-control"], "no-store");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("Sign in as")
                && page.contains("a…@example.com")
                && page.contains("Yes, sign me in"),
            "{page}"
        );
        assert!(
            !page.contains("amira@example.com"),
            "the address is partly hidden"
        );
        // The secret is in the form only, never in an address the page points to.
        let token = token_of(&link);
        assert_eq!(page.matches(token).count(), 1, "{page}");
        assert!(
            page.contains(&format!("name=\"token\" value=\"{token}\"")),
            "{page}"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sessions").await,
        0,
        "no session was opened"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sign_in_links WHERE used_at IS NOT NULL")
            .await,
        0,
        "the link is unused"
    );

    // Confirming signs in once.
    let confirmed = app.confirm_sign_in(&link).await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(confirmed.headers()["location"], "/my-esims");
    let cookie = session_cookie(&confirmed).expect("a session");
    assert!(signed_in_as(&app, &cookie).await);

    // A second confirmation is refused, and the link now says it is used.
    let again = app.confirm_sign_in(&link).await;
    assert_eq!(again.status(), 303);
    assert_eq!(again.headers()["location"], "/sign-in?expired=1");
    assert!(again.headers().get("set-cookie").is_none());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 1);
    let (status, page) = app.get_html(path_of(&app, &link)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("This sign-in link has expired or was already used.")
            && page.contains("href=\"/sign-in\"")
            && !page.contains("Yes, sign me in"),
        "{page}"
    );
}

#[tokio::test]
async fn an_unknown_link_explains_itself() {
    let app = spawn_app().await;
    let (status, page) = app.get_html("/auth/verify?token=not-a-real-token").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("This sign-in link has expired or was already used."),
        "{page}"
    );
    let response = app
        .http
        .post(format!("{}/auth/verify", app.base_url))
        .form(&[("token", "not-a-real-token")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/sign-in?expired=1");
}

#[tokio::test]
async fn a_confirmation_posted_from_another_site_is_refused() {
    let app = spawn_app().await;
    let link = app.request_sign_in_link("attacker@example.com").await;
    // A page elsewhere submitting its author's own link, to sign the visitor into that account.
    let forged = [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ];
    for (name, value) in forged {
        let response = app
            .http
            .post(format!("{}/auth/verify", app.base_url))
            .header(name, value)
            .form(&[("token", token_of(&link))])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{name}: {value}");
        assert!(response.headers().get("set-cookie").is_none());
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);
    // The shop's own page still works with the same link.
    let response = app.confirm_sign_in(&link).await;
    assert!(session_cookie(&response).is_some());
}
