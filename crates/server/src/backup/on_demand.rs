//! "Back up now" from the admin console: the same backup as `fastfaktura backup now`,
//! started without holding the request. The run row is written (as running) before
//! the request returns, so the panel shows it at once; the backup itself runs on a
//! spawned task that takes the schedule's advisory lock, so it never overlaps the
//! daily run of any instance. A press while a backup is running starts nothing.

use std::sync::Arc;

use sqlx::PgPool;

use super::{BackupError, Backups, boxed_send, schedule};
use crate::{clock::Clock, db::backup_runs};

/// What pressing the button did.
#[derive(Debug, PartialEq, Eq)]
pub enum Started {
    /// A new run with this id, now running in the background.
    Run(i64),
    /// A backup is running already; nothing new was started.
    AlreadyRunning,
}

/// Opens the configured target and keys (a clear error when they are not set up) and
/// records a running run in the caller's transaction, so whoever asked can record that
/// they did in the same transaction. Then [`launch`] runs it, after the commit.
pub async fn reserve(
    settings: &crate::config::BackupSettings,
    signing: crate::crypto::DerivedKey,
    conn: &mut sqlx::PgConnection,
    trigger: &str,
    now: time::OffsetDateTime,
) -> Result<(Backups, Started), BackupError> {
    let backups = Backups::open(settings, signing)?;
    let run = backup_runs::start_unless_running(conn, "backup", trigger, now, now - schedule::STALE_AFTER)
        .await
        .map_err(|e| BackupError::Database(format!("cannot record the backup run: {e}")))?;
    Ok((backups, run.map_or(Started::AlreadyRunning, Started::Run)))
}

/// Spawns the backup of a committed [`reserve`] (nothing when one was running already).
pub fn launch(
    backups: Backups,
    started: &Started,
    pool: &PgPool,
    database_url: String,
    trigger: &str,
    clock: Arc<dyn Clock>,
) {
    let Started::Run(run) = *started else { return };
    let (pool, trigger) = (pool.clone(), trigger.to_owned());
    tokio::spawn(boxed_send(async move {
        if let Err(e) = run_locked(&backups, &pool, &database_url, run, &trigger, clock.as_ref()).await {
            tracing::error!(error = %e, run, "the backup started from the console failed");
        }
    }));
}

/// Runs backup `run` under the schedule's lock, or finishes it as failed when another
/// instance's scheduled backup holds the lock.
async fn run_locked(
    backups: &Backups,
    pool: &PgPool,
    database_url: &str,
    run: i64,
    trigger: &str,
    clock: &dyn Clock,
) -> Result<(), BackupError> {
    let db_err = |e: sqlx::Error| BackupError::Database(format!("backup now: {e}"));
    let mut lock_conn = pool.acquire().await.map_err(db_err)?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(schedule::LOCK_KEY)
        .fetch_one(&mut *lock_conn)
        .await
        .map_err(db_err)?;
    if !locked {
        let detail = "the scheduled backup is running on another instance; press again when it has finished";
        backup_runs::finish(pool, run, false, None, None, None, Some(detail), clock.now()).await.map_err(db_err)?;
        return Ok(());
    }
    let result = boxed_send(backups.back_up_as(pool, database_url, run, trigger, clock)).await;
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)").bind(schedule::LOCK_KEY).execute(&mut *lock_conn).await;
    result.map(|_| ())
}
