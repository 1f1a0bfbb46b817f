//! The shared figures the metrics read at scrape time (`app::metrics`): the job
//! queue by kind and the audit log's unsealed events. Both use partial indexes
//! (`jobs_runnable`, `audit_events_unsealed`), so a scrape stays cheap however
//! many jobs have finished and events were sealed.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// Jobs pending or running of one kind, and how long the oldest has waited since it
/// was queued (the database's clock, which stamped `created_at`).
#[derive(Debug)]
pub struct QueuedJobs {
    pub kind: String,
    pub queued: i64,
    pub oldest_seconds: f64,
}

pub async fn queued_jobs(db: impl PgExecutor<'_>) -> Result<Vec<QueuedJobs>, sqlx::Error> {
    sqlx::query_as!(
        QueuedJobs,
        r#"SELECT kind, count(*) AS "queued!",
                  EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS "oldest_seconds!"
           FROM jobs WHERE status IN ('pending', 'running')
           GROUP BY kind"#
    )
    .fetch_all(db)
    .await
}

/// Audit events not sealed yet, and when the oldest of them happened.
#[derive(Debug)]
pub struct Unsealed {
    pub count: i64,
    pub oldest_at: Option<OffsetDateTime>,
}

pub async fn unsealed_audit_events(db: impl PgExecutor<'_>) -> Result<Unsealed, sqlx::Error> {
    sqlx::query_as!(
        Unsealed,
        r#"SELECT count(*) AS "count!", min(at) AS oldest_at FROM audit_events WHERE hash IS NULL"#
    )
    .fetch_one(db)
    .await
}
