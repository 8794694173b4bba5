//! Durable background jobs: a row per (kind, subject), claimed with a lease, retried with backoff.
//!
//! A worker that dies mid-job leaves its lease to expire, and the job is claimed again: every job
//! must therefore be safe to run twice (provider calls carry idempotency keys).

use crate::clock::now_millis;
use crate::{Backend, Db};
use anyhow::Context;
use sqlx::Row;
use std::time::Duration;

/// A job taken from the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: String,
    pub kind: String,
    pub subject: String,
    /// Including this one.
    pub attempts: u32,
}

/// Queues a job; a job of the same kind for the same subject is never queued twice.
pub async fn enqueue<'e, E>(
    executor: E,
    kind: &str,
    subject: &str,
    delay: Duration,
) -> anyhow::Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let now = now_millis();
    sqlx::query(
        "INSERT INTO jobs (id, kind, subject, state, attempts, run_at, created_at, updated_at)
         VALUES ($1, $2, $3, 'queued', 0, $4, $5, $5)
         ON CONFLICT (kind, subject) DO NOTHING",
    )
    .bind(crate::ids::new_id("job"))
    .bind(kind)
    .bind(subject)
    .bind(now + delay.as_millis() as i64)
    .bind(now)
    .execute(executor)
    .await
    .with_context(|| format!("Failed to enqueue {kind} for {subject}"))?;
    Ok(())
}

/// Queues the job again if it already ran to completion (an admin retry).
pub async fn requeue(db: &Db, kind: &str, subject: &str) -> anyhow::Result<()> {
    let now = now_millis();
    let updated = sqlx::query(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, locked_until = NULL, updated_at = $1
         WHERE kind = $2 AND subject = $3",
    )
    .bind(now)
    .bind(kind)
    .bind(subject)
    .execute(db.pool())
    .await
    .context("Failed to requeue a job")?;
    if updated.rows_affected() == 0 {
        enqueue(db.pool(), kind, subject, Duration::ZERO).await?;
    }
    Ok(())
}

/// Takes the next due job, if any, and leases it to the caller for `lease`.
pub async fn claim(db: &Db, lease: Duration) -> anyhow::Result<Option<ClaimedJob>> {
    let now = now_millis();
    // PostgreSQL: concurrent workers skip each other's rows. SQLite has one writer, so no locking clause.
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET locked_until = $1, attempts = attempts + 1, updated_at = $2
         WHERE id = (SELECT id FROM jobs
                     WHERE state = 'queued' AND run_at <= $2 AND (locked_until IS NULL OR locked_until < $2)
                     ORDER BY run_at LIMIT 1 {lock})
           AND (locked_until IS NULL OR locked_until < $2)
         RETURNING id, kind, subject, attempts"
    );
    let row = sqlx::query(&sql)
        .bind(now + lease.as_millis() as i64)
        .bind(now)
        .fetch_optional(db.pool())
        .await
        .context("Failed to claim a job")?;
    row.map(|row| {
        Ok(ClaimedJob {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            subject: row.try_get("subject")?,
            attempts: row.try_get::<i64, _>("attempts")? as u32,
        })
    })
    .transpose()
}

/// The job is finished for good.
pub async fn complete(db: &Db, job: &ClaimedJob) -> anyhow::Result<()> {
    finish(db, job, "done", None, 0).await
}

/// The job failed and should run again after `delay`.
pub async fn retry_later(
    db: &Db,
    job: &ClaimedJob,
    error: &str,
    delay: Duration,
) -> anyhow::Result<()> {
    finish(db, job, "queued", Some(error), delay.as_millis() as i64).await
}

/// The job failed and will not be retried; whatever it was for has been handled another way.
pub async fn give_up(db: &Db, job: &ClaimedJob, error: &str) -> anyhow::Result<()> {
    finish(db, job, "dead", Some(error), 0).await
}

async fn finish(
    db: &Db,
    job: &ClaimedJob,
    state: &str,
    error: Option<&str>,
    delay_ms: i64,
) -> anyhow::Result<()> {
    let now = now_millis();
    sqlx::query(
        "UPDATE jobs SET state = $1, last_error = COALESCE($2, last_error), run_at = $3, locked_until = NULL, updated_at = $4
         WHERE id = $5",
    )
    .bind(state)
    .bind(error)
    .bind(now + delay_ms)
    .bind(now)
    .bind(&job.id)
    .execute(db.pool())
    .await
    .with_context(|| format!("Failed to mark job {} {state}", job.id))?;
    Ok(())
}

/// Exponential backoff from `base`: base, 2×base, 4×base, … capped at 10 minutes.
pub fn backoff(base: Duration, attempts: u32) -> Duration {
    base.saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1).min(20)))
        .min(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_secs(2);
        assert_eq!(backoff(base, 1), Duration::from_secs(2));
        assert_eq!(backoff(base, 3), Duration::from_secs(8));
        assert_eq!(backoff(base, 30), Duration::from_secs(600));
    }
}
