//! The daily backup and the periodic verify drill inside `serve`.
//!
//! Every instance ticks once a minute; a tick that finds work due takes a
//! PostgreSQL advisory lock (`pg_try_advisory_lock`) on its own connection, checks
//! again under the lock, and runs it. Other instances find the lock taken and skip,
//! and a crashed instance's lock goes with its connection. What is due is read from
//! `backup_runs`, so restarts neither skip nor repeat a day.

use std::{sync::Arc, time::Duration};

use age::x25519;
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::watch;

use super::{BackupError, Backups, boxed_send, keys};
use crate::config::BackupSettings;
use crate::{clock::Clock, db::backup_runs};

/// The advisory lock key ("FFBACKUP"); one holder across all instances.
pub(crate) const LOCK_KEY: i64 = 0x4646_4241_434b_5550;
const TICK: Duration = Duration::from_secs(60);
/// A failed scheduled backup is retried after this long (same day).
const RETRY_AFTER: time::Duration = time::Duration::hours(1);
/// A run still marked running after this long died with its instance.
pub(crate) const STALE_AFTER: time::Duration = time::Duration::hours(6);

pub struct Scheduler {
    pub backups: Backups,
    pub db: PgPool,
    pub database_url: String,
    pub clock: Arc<dyn Clock>,
    /// Only when `backup.verify_identity_file` is set (a drill host, not production).
    pub verify_identities: Option<Vec<x25519::Identity>>,
}

/// What one tick did.
#[derive(Debug, PartialEq, Eq)]
pub enum Tick {
    NothingDue,
    /// Another instance holds the lock.
    Busy,
    Ran {
        backup: Option<bool>,
        verify: Option<bool>,
    },
}

impl Scheduler {
    /// The scheduler `serve` runs, or `None` (logged) when backups are not set up.
    /// Never fails the start: a missing key is an operator task, not a crash.
    pub fn from_settings(
        settings: &BackupSettings,
        signing: crate::crypto::DerivedKey,
        db: PgPool,
        database_url: String,
        clock: Arc<dyn Clock>,
    ) -> Option<Self> {
        if !settings.has_target() {
            tracing::warn!(
                "backups are not configured: set backup.s3.* or backup.directory and backup.recipients_file (see docs/operations.md)"
            );
            return None;
        }
        let backups = match Backups::open(settings, signing) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "backups are not configured: no backup will be taken until this is fixed");
                return None;
            }
        };
        if !settings.schedule {
            tracing::info!("the backup schedule is off in this instance (backup.schedule = false)");
            return None;
        }
        let verify_identities = match &settings.verify_identity_file {
            Some(path) => match keys::load_identities(path) {
                Ok(ids) => Some(ids),
                Err(e) => {
                    tracing::error!(error = %e, "the scheduled verify drill is off");
                    None
                }
            },
            None => None,
        };
        tracing::info!(
            target = %super::store::describe(settings),
            daily_at = %settings.daily_at,
            verify = verify_identities.is_some(),
            "daily backups are scheduled (UTC)"
        );
        Some(Self { backups, db, database_url, clock, verify_identities })
    }

    /// Ticks until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            match boxed_send(self.tick()).await {
                Ok(Tick::Ran { backup, verify }) => tracing::debug!(?backup, ?verify, "backup schedule ran"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "backup schedule check failed; will retry"),
            }
            tokio::select! {
                _ = tokio::time::sleep(TICK) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }

    /// Runs whatever is due, if this instance gets the lock.
    pub async fn tick(&self) -> Result<Tick, BackupError> {
        let db_err = |e: sqlx::Error| BackupError::Database(format!("backup schedule: {e}"));
        let now = self.clock.now();
        if !self.backup_due(now).await.map_err(db_err)? && !self.verify_due(now).await.map_err(db_err)? {
            return Ok(Tick::NothingDue);
        }
        let mut lock_conn = self.db.acquire().await.map_err(db_err)?;
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LOCK_KEY)
            .fetch_one(&mut *lock_conn)
            .await
            .map_err(db_err)?;
        if !locked {
            return Ok(Tick::Busy);
        }
        let outcome = async {
            let mut ran = (None, None);
            if self.backup_due(now).await.map_err(db_err)? {
                let result =
                    boxed_send(self.backups.back_up(&self.db, &self.database_url, "schedule", self.clock.as_ref()))
                        .await;
                ran.0 = Some(result.is_ok());
            }
            if let Some(identities) = &self.verify_identities
                && self.verify_due(self.clock.now()).await.map_err(db_err)?
            {
                let result = boxed_send(self.backups.verify(
                    &self.db,
                    &self.database_url,
                    identities,
                    None,
                    "schedule",
                    self.clock.as_ref(),
                ))
                .await;
                ran.1 = Some(result.is_ok());
            }
            Ok::<_, BackupError>(Tick::Ran { backup: ran.0, verify: ran.1 })
        }
        .await;
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)").bind(LOCK_KEY).execute(&mut *lock_conn).await;
        outcome
    }

    async fn backup_due(&self, now: OffsetDateTime) -> Result<bool, sqlx::Error> {
        let slot = last_slot(now, self.backups.settings.daily_time().unwrap_or(time::Time::MIDNIGHT));
        Ok(match backup_runs::last_since(&self.db, "backup", slot).await? {
            None => true,
            Some(run) => match run.status.as_str() {
                "succeeded" => false,
                "running" => run.started_at < now - STALE_AFTER,
                _ => run.finished_at.unwrap_or(run.started_at) < now - RETRY_AFTER,
            },
        })
    }

    async fn verify_due(&self, now: OffsetDateTime) -> Result<bool, sqlx::Error> {
        if self.verify_identities.is_none() {
            return Ok(false);
        }
        let every = time::Duration::days(i64::from(self.backups.settings.verify_every_days.max(1)));
        let last_attempt = backup_runs::last_since(&self.db, "verify", now - every).await?;
        Ok(last_attempt.is_none_or(|run| run.status == "failed" && run.started_at < now - RETRY_AFTER)
            && backup_runs::newest_good_backup(&self.db).await?.is_some())
    }
}

/// The most recent daily slot at or before `now` (UTC).
pub fn last_slot(now: OffsetDateTime, at: time::Time) -> OffsetDateTime {
    let now = now.to_offset(time::UtcOffset::UTC);
    let today = now.replace_time(at);
    if today <= now { today } else { today - time::Duration::days(1) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, time};

    #[test]
    fn the_slot_is_today_after_the_hour_and_yesterday_before() {
        assert_eq!(last_slot(datetime!(2026-05-02 03:00 UTC), time!(03:00)), datetime!(2026-05-02 03:00 UTC));
        assert_eq!(last_slot(datetime!(2026-05-02 02:59 UTC), time!(03:00)), datetime!(2026-05-01 03:00 UTC));
        // 04:30 in UTC+2 is 02:30 UTC: before the slot, so yesterday's.
        assert_eq!(last_slot(datetime!(2026-05-02 04:30 +02:00), time!(03:00)), datetime!(2026-05-01 03:00 UTC));
    }
}
