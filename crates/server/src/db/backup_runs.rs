//! `backup_runs`: one row per backup or verify run, written as it starts and
//! finished when it ends. The schedule reads it to decide whether a run is due, and
//! the admin console (issue 6) will read [`newest_good_backup`] for the RPO warning.

use sqlx::PgExecutor;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct BackupRun {
    pub id: i64,
    pub kind: String,
    pub trigger: String,
    pub status: String,
    pub backup_id: Option<String>,
    pub started_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
    pub size_bytes: Option<i64>,
    pub detail: Option<String>,
}

pub async fn start(
    db: impl PgExecutor<'_>,
    kind: &str,
    trigger: &str,
    now: OffsetDateTime,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO backup_runs (kind, trigger, started_at) VALUES ($1, $2, $3) RETURNING id",
        kind,
        trigger,
        now
    )
    .fetch_one(db)
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn finish(
    db: impl PgExecutor<'_>,
    id: i64,
    succeeded: bool,
    backup_id: Option<&str>,
    size_bytes: Option<i64>,
    sha256: Option<&str>,
    detail: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let status = if succeeded { "succeeded" } else { "failed" };
    sqlx::query!(
        "UPDATE backup_runs SET status = $2, backup_id = $3, size_bytes = $4, sha256 = $5, detail = $6, finished_at = $7
         WHERE id = $1",
        id,
        status,
        backup_id,
        size_bytes,
        sha256,
        detail,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The newest run of `kind` started at or after `since`, whatever its status.
pub async fn last_since(
    db: impl PgExecutor<'_>,
    kind: &str,
    since: OffsetDateTime,
) -> Result<Option<BackupRun>, sqlx::Error> {
    sqlx::query_as!(
        BackupRun,
        "SELECT id, kind, trigger, status, backup_id, started_at, finished_at, size_bytes, detail
         FROM backup_runs WHERE kind = $1 AND started_at >= $2
         ORDER BY started_at DESC, id DESC LIMIT 1",
        kind,
        since
    )
    .fetch_optional(db)
    .await
}

/// The newest successful backup: what the console's "last good backup" shows.
pub async fn newest_good_backup(db: impl PgExecutor<'_>) -> Result<Option<BackupRun>, sqlx::Error> {
    sqlx::query_as!(
        BackupRun,
        "SELECT id, kind, trigger, status, backup_id, started_at, finished_at, size_bytes, detail
         FROM backup_runs WHERE kind = 'backup' AND status = 'succeeded'
         ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT 1"
    )
    .fetch_optional(db)
    .await
}

/// The newest successful run of `kind` (the weekly verify reads it).
pub async fn newest_succeeded(db: impl PgExecutor<'_>, kind: &str) -> Result<Option<BackupRun>, sqlx::Error> {
    sqlx::query_as!(
        BackupRun,
        "SELECT id, kind, trigger, status, backup_id, started_at, finished_at, size_bytes, detail
         FROM backup_runs WHERE kind = $1 AND status = 'succeeded'
         ORDER BY started_at DESC, id DESC LIMIT 1",
        kind
    )
    .fetch_optional(db)
    .await
}

/// The recent runs, newest first.
pub async fn recent(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<BackupRun>, sqlx::Error> {
    sqlx::query_as!(
        BackupRun,
        "SELECT id, kind, trigger, status, backup_id, started_at, finished_at, size_bytes, detail
         FROM backup_runs ORDER BY started_at DESC, id DESC LIMIT $1",
        limit
    )
    .fetch_all(db)
    .await
}

/// The advisory lock key that serialises "is a backup running? if not, start one"
/// ("FFBKSTRT"); held only for that transaction.
const START_LOCK_KEY: i64 = 0x4646_424b_5354_5254;

/// Writes a running `kind` run unless one started after `stale_before` is still
/// running; returns the new run's id, or `None` with the running one left alone. The
/// transaction-scoped advisory lock makes two presses at once (on any instances)
/// start one run.
pub async fn start_unless_running(
    conn: &mut sqlx::PgConnection,
    kind: &str,
    trigger: &str,
    now: OffsetDateTime,
    stale_before: OffsetDateTime,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", START_LOCK_KEY).execute(&mut *conn).await?;
    let running = sqlx::query_scalar!(
        "SELECT id FROM backup_runs WHERE kind = $1 AND status = 'running' AND started_at > $2 LIMIT 1",
        kind,
        stale_before
    )
    .fetch_optional(&mut *conn)
    .await?;
    if running.is_some() {
        return Ok(None);
    }
    start(&mut *conn, kind, trigger, now).await.map(Some)
}
