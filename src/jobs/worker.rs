//! The job worker: claims due jobs one at a time; woken at once when new work is queued.

use std::sync::Arc;
use std::time::Duration;
use store::orders::FulfilmentContext;
use tokio::sync::Notify;

/// Jobs scheduled for later (retries) are noticed within this interval.
const POLL: Duration = Duration::from_millis(250);

pub async fn run(ctx: FulfilmentContext, lease: Duration, wake: Arc<Notify>) {
    loop {
        match store::jobs::claim(&ctx.db, lease).await {
            Ok(Some(job)) => {
                if let Err(error) = store::orders::run_job(&ctx, &job).await {
                    tracing::error!(?error, job = %job.kind, subject = %job.subject, "could not record a job's outcome");
                }
                continue;
            }
            Ok(None) => {}
            Err(error) => tracing::error!(?error, "could not claim a job"),
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}
