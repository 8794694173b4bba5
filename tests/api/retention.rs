//! Retention: used or expired sign-in links and expired sessions go one day later, email bodies
//! after 30 days; a purge runs at start and every hour.

use crate::support::{spawn_app, TestApp};
use store::retention::{purge, Purged, PURGED_BODY};

const DAY: i64 = 86_400_000;

async fn count(app: &TestApp, table: &str, email: &str) -> i64 {
    let column = if table == "emails" {
        "recipient"
    } else {
        "email"
    };
    app.scalar(&format!(
        "SELECT COUNT(*) FROM {table} WHERE {column} = '{email}'"
    ))
    .await
}

async fn sessions_of(app: &TestApp, email: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = '{email}'"
    ))
    .await
}

/// Moves everything `email` left behind `days` into the past.
async fn age(app: &TestApp, email: &str, days: i64) {
    let by = days * DAY;
    for sql in [
        format!("UPDATE sign_in_links SET created_at = created_at - {by}, expires_at = expires_at - {by}, used_at = used_at - {by} WHERE email = '{email}'"),
        format!("UPDATE sessions SET created_at = created_at - {by}, expires_at = expires_at - {by} WHERE account_id IN (SELECT id FROM accounts WHERE email = '{email}')"),
        format!("UPDATE emails SET created_at = created_at - {by}, sent_at = sent_at - {by} WHERE recipient = '{email}'"),
    ] {
        sqlx::query(&sql).execute(app.db.pool()).await.unwrap();
    }
}

async fn email_body(app: &TestApp, email: &str) -> String {
    use sqlx::Row;
    sqlx::query("SELECT text_body FROM emails WHERE recipient = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("text_body")
}

#[tokio::test]
async fn old_links_sessions_and_email_bodies_are_purged_and_recent_ones_kept() {
    let app = spawn_app().await;
    // Signed in 32 days ago: the link was used then, the session (30 days) ended two days ago.
    app.sign_in("old@example.com").await;
    age(&app, "old@example.com", 32).await;
    // An unused link that expired two days ago.
    app.request_sign_in_link("lapsed@example.com").await;
    age(&app, "lapsed@example.com", 2).await;
    // Signed in a few hours ago, and a link that expired just now: both kept.
    let recent = app.sign_in("recent@example.com").await;
    app.request_sign_in_link("waiting@example.com").await;
    sqlx::query("UPDATE sign_in_links SET expires_at = $1 WHERE email = 'waiting@example.com'")
        .bind(store::clock::now_millis() - 1)
        .execute(app.db.pool())
        .await
        .unwrap();

    let purged = purge(&app.db, store::clock::now_millis()).await.unwrap();
    assert_eq!(
        purged,
        Purged {
            sign_in_links: 2,
            sessions: 1,
            email_bodies: 1,
        }
    );
    assert_eq!(count(&app, "sign_in_links", "old@example.com").await, 0);
    assert_eq!(count(&app, "sign_in_links", "lapsed@example.com").await, 0);
    assert_eq!(count(&app, "sign_in_links", "recent@example.com").await, 1);
    assert_eq!(count(&app, "sign_in_links", "waiting@example.com").await, 1);
    assert_eq!(sessions_of(&app, "old@example.com").await, 0);
    assert_eq!(sessions_of(&app, "recent@example.com").await, 1);
    // The email stays listed (who, when, what about); only its body goes.
    assert_eq!(count(&app, "emails", "old@example.com").await, 1);
    assert_eq!(email_body(&app, "old@example.com").await, PURGED_BODY);
    assert!(email_body(&app, "recent@example.com")
        .await
        .contains("Sign in to Tern"));
    let (status, body) = app.server_fn(Some(&recent), "my_esim/signed_in", &[]).await;
    assert_eq!(status, 200);
    assert!(body.contains("recent@example.com"), "{body}");

    // Nothing is left to purge.
    let again = purge(&app.db, store::clock::now_millis()).await.unwrap();
    assert_eq!(again, Purged::default());
}

#[tokio::test]
async fn the_purge_runs_when_the_shop_starts() {
    let mut app = spawn_app().await;
    app.sign_in("old@example.com").await;
    age(&app, "old@example.com", 32).await;
    app.crash_and_restart().await;
    app.wait_until("the purge at start", 10, || async {
        (count(&app, "sign_in_links", "old@example.com").await == 0
            && sessions_of(&app, "old@example.com").await == 0)
            .then_some(())
    })
    .await;
    assert_eq!(email_body(&app, "old@example.com").await, PURGED_BODY);
}
