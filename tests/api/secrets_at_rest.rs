//! The secrets in links (sign-in links, order links) are sent but never kept readable: the
//! database holds only their hashes, and each email's stored copy loses them once it is sent.

use crate::support::spawn_app;
use sqlx::Row;

const PLAN: &str = "esimfx_10G_7D_JP";

/// Every `token=` value in the messages the outbox mailer wrote.
fn secrets_sent(outbox: &std::path::Path) -> Vec<String> {
    let mut secrets = Vec::new();
    for entry in std::fs::read_dir(outbox).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "txt") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (_, rest) in text
                .match_indices("token=")
                .map(|(at, _)| text.split_at(at + 6))
            {
                let secret: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                secrets.push(secret);
            }
        }
    }
    secrets
}

#[tokio::test]
async fn no_link_secret_is_stored_readable() {
    let app = spawn_app().await;
    let (order, _) = app.buy_esim(PLAN, "sarah@example.com").await;
    let delivery = app.email_of_order(&order, "esim_delivery").await;
    app.email_of_order(&order, "order_confirmation").await;
    app.request_sign_in_link("sarah@example.com").await;

    // What the database keeps of each sent email says where a link was, and nothing more.
    let mut bodies = String::new();
    for row in
        sqlx::query("SELECT text_body || html_body AS v FROM emails WHERE sent_at IS NOT NULL")
            .fetch_all(app.db.pool())
            .await
            .unwrap()
    {
        bodies.push_str(&row.get::<String, _>("v"));
    }
    let links = bodies.matches("token=").count();
    assert!(
        links >= 6,
        "three emails, each with a link in both bodies: {bodies}"
    );
    assert_eq!(
        bodies.matches("token=removed-after-sending").count(),
        links,
        "{bodies}"
    );

    let secrets = secrets_sent(&app.outbox);
    assert_eq!(
        secrets.len(),
        3,
        "confirmation, delivery and sign-in links: {secrets:?}"
    );
    assert!(
        secrets.iter().all(|secret| secret.len() == 64),
        "{secrets:?}"
    );
    let mut stored = String::new();
    for sql in [
        "SELECT subject || text_body || html_body AS v FROM emails",
        "SELECT access_token AS v FROM orders",
        "SELECT token_hash AS v FROM order_links",
        "SELECT token_hash AS v FROM sign_in_links",
        "SELECT token_hash AS v FROM sessions",
    ] {
        for row in sqlx::query(sql).fetch_all(app.db.pool()).await.unwrap() {
            stored.push_str(&row.get::<String, _>("v"));
            stored.push('\n');
        }
    }
    for secret in &secrets {
        assert!(!stored.contains(secret.as_str()), "{secret} is stored");
    }

    // The order link in the email still opens the order: its hash is what is compared.
    let link = app.local_link(&delivery);
    let (status, page) = app
        .get_html(link.strip_prefix(&app.base_url).unwrap())
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Your eSIM is ready"));
}

#[tokio::test]
async fn order_links_from_before_hashing_keep_working() {
    let app = spawn_app().await;
    let (order, _) = app.buy_esim(PLAN, "sarah@example.com").await;
    // As the migration leaves a link that the orders table used to keep in plain text.
    let secret = store::ids::new_secret();
    sqlx::query("INSERT INTO order_links (token_hash, order_id, created_at) VALUES ($1, $2, 0)")
        .bind(format!("plain:{secret}"))
        .bind(&order)
        .execute(app.db.pool())
        .await
        .unwrap();
    app.db.migrate().await.unwrap();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM order_links WHERE token_hash LIKE 'plain:%'")
            .await,
        0
    );
    let (status, page) = app
        .get_html(&format!("/order/{order}?token={secret}"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Your eSIM is ready"));
}
