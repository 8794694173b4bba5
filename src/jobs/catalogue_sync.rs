//! Keeps the catalogue fresh: one sync at start, then one every interval.

use providers::EsimProvider;
use std::sync::Arc;
use std::time::Duration;
use store::{Db, PricingPolicy};
use tokio::sync::watch;

/// Runs forever; `first_done` flips to true once the first sync has finished, whatever its outcome.
pub async fn run(
    db: Db,
    providers: Vec<Arc<dyn EsimProvider>>,
    pricing: PricingPolicy,
    interval: Duration,
    first_done: watch::Sender<bool>,
) {
    loop {
        // Providers are synced side by side: one slow catalogue must not hold up the others.
        let mut syncs = tokio::task::JoinSet::new();
        for provider in &providers {
            let (db, provider) = (db.clone(), provider.clone());
            syncs.spawn(async move {
                // Failures are logged and recorded by the sync itself; the last good catalogue stays.
                let _ = store::catalogue::sync_provider(&db, provider.as_ref(), pricing).await;
            });
        }
        while syncs.join_next().await.is_some() {}
        first_done.send_replace(true);
        tokio::time::sleep(interval).await;
    }
}
