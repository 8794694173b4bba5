//! Enforces the retention rules of `store::retention`: one purge at start, then one every hour.

use std::time::Duration;
use store::Db;

const EVERY: Duration = Duration::from_secs(3600);

pub async fn run(db: Db) {
    loop {
        match store::retention::purge(&db, store::clock::now_millis()).await {
            Ok(purged) => tracing::info!(
                sign_in_links = purged.sign_in_links,
                sessions = purged.sessions,
                email_bodies = purged.email_bodies,
                "old sign-in links, sessions and email bodies purged"
            ),
            Err(error) => tracing::error!(?error, "retention purge failed"),
        }
        tokio::time::sleep(EVERY).await;
    }
}
