//! Keeps travellers' usage figures fresh: refreshes every eSIM whose next refresh is due (the
//! schedule and its backoff live in the database, so they survive restarts), and wakes at once
//! when a provider webhook says something changed.

use providers::EsimProvider;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use store::esims::{CarePolicy, RefreshOutcome};
use store::Db;
use tokio::sync::Notify;

/// How often to look for due refreshes when nothing wakes the loop.
const POLL: Duration = Duration::from_secs(5);
/// eSIMs refreshed per round, so one slow provider cannot hold up a large backlog for long.
const BATCH: i64 = 25;

pub async fn run(
    db: Db,
    providers: Arc<HashMap<&'static str, Arc<dyn EsimProvider>>>,
    policy: CarePolicy,
    wake: Arc<Notify>,
    jobs: Arc<Notify>,
) {
    loop {
        match store::esims::due_for_refresh(&db, BATCH).await {
            Ok(due) => {
                for (iccid, provider_id) in due {
                    let Some(provider) = providers.get(provider_id.as_str()) else {
                        tracing::warn!(iccid, provider_id, "eSIM of an unconfigured provider");
                        continue;
                    };
                    match store::esims::refresh(&db, provider.as_ref(), &policy, &iccid).await {
                        // A refresh may have queued a low-data email.
                        Ok(RefreshOutcome::Fresh) => jobs.notify_one(),
                        Ok(_) => {}
                        Err(error) => tracing::error!(?error, iccid, "usage refresh failed"),
                    }
                }
            }
            Err(error) => tracing::error!(?error, "could not list eSIMs due a refresh"),
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}
