//! Backups and continuity: encrypted off-site backups of the whole database, their
//! restore, the verify drill, the daily schedule and retention.
//!
//! The pipeline is `pg_dump -Fc` → age (X25519 recipients; the server holds only
//! public keys) → `object_store` multipart upload → manifest. Submodules:
//! `settings` (the `[backup]` section), `keys` (age keys), `store` (target, names,
//! manifest, listing), `pgtools` (finding and running pg_dump/pg_restore), `dump`
//! (taking a backup), `on_demand` ("Back up now" from the console), `restore` (restore and verify drill), `retention` (what to
//! keep) and `schedule` (the daily run inside `serve`). See docs/operations.md.

pub mod cli;
pub mod dump;
pub mod keys;
pub mod on_demand;
pub mod pgtools;
pub mod restore;
pub mod retention;
pub mod schedule;
pub mod store;

use std::{future::Future, pin::Pin, sync::Arc};

use age::x25519;
use object_store::{ObjectStore, ObjectStoreExt};
use sqlx::PgPool;

use crate::config::BackupSettings;
use crate::crypto::DerivedKey;
use crate::{clock::Clock, db::backup_runs};
use store::Manifest;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backups are not configured: {0}")]
    NotConfigured(String),
    #[error("{0}")]
    Keys(String),
    #[error("backup storage: {0}")]
    Store(String),
    #[error("{0}")]
    Tool(String),
    #[error("{0}")]
    Database(String),
    #[error("encryption failed: {0}")]
    Encrypt(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    NotEmpty(String),
    #[error("wrong identity: {0}")]
    WrongIdentity(String),
    #[error("{0}")]
    Damaged(String),
}

/// A configured backup target with the keys to encrypt to.
pub struct Backups {
    pub settings: BackupSettings,
    pub store: Arc<dyn ObjectStore>,
    pub prefix: String,
    /// Empty when opened only to list or restore.
    pub recipients: Vec<x25519::Recipient>,
    /// Signs the manifests written and checks the ones read.
    pub signing: DerivedKey,
}

impl Backups {
    /// For taking backups: a target and readable recipients are required.
    pub fn open(settings: &BackupSettings, signing: DerivedKey) -> Result<Self, BackupError> {
        let mut backups = Self::open_for_reading(settings, signing)?;
        let path = settings.recipients_file.as_ref().ok_or_else(|| {
            BackupError::NotConfigured(
                "no backup.recipients_file (FASTFAKTURA_BACKUP_RECIPIENTS_FILE): the age public key(s) to encrypt to"
                    .into(),
            )
        })?;
        backups.recipients = keys::load_recipients(path)?;
        Ok(backups)
    }

    /// For listing and restoring: a target only.
    pub fn open_for_reading(settings: &BackupSettings, signing: DerivedKey) -> Result<Self, BackupError> {
        if !settings.has_target() {
            return Err(BackupError::NotConfigured(
                "no target: set backup.s3.bucket (FASTFAKTURA_BACKUP_S3_BUCKET) or backup.directory".into(),
            ));
        }
        Ok(Self {
            settings: settings.clone(),
            store: store::open(settings)?,
            prefix: store::prefix(settings),
            recipients: Vec::new(),
            signing,
        })
    }

    pub fn with_store(mut self, store: Arc<dyn ObjectStore>) -> Self {
        self.store = store;
        self
    }

    /// Takes a backup, records the run, then applies retention (only after success).
    pub async fn back_up(
        &self,
        pool: &PgPool,
        database_url: &str,
        trigger: &str,
        clock: &dyn Clock,
    ) -> Result<Manifest, BackupError> {
        let run = backup_runs::start(pool, "backup", trigger, clock.now()).await.map_err(record_error)?;
        self.back_up_as(pool, database_url, run, trigger, clock).await
    }

    /// Takes a backup for the run row `run` (already written as running, e.g. by
    /// "Back up now" in the console) and finishes that row.
    pub async fn back_up_as(
        &self,
        pool: &PgPool,
        database_url: &str,
        run: i64,
        trigger: &str,
        clock: &dyn Clock,
    ) -> Result<Manifest, BackupError> {
        let record = record_error;
        let job = dump::BackupJob {
            store: self.store.clone(),
            prefix: &self.prefix,
            recipients: &self.recipients,
            part_size: self.settings.part_size_mib as usize * 1024 * 1024,
            trigger,
            signing: &self.signing,
        };
        let result = dump::run(pool, database_url, &job, clock).await;
        match &result {
            Ok(m) => {
                tracing::info!(backup_id = %m.id, size = m.size, trigger, "backup succeeded");
                backup_runs::finish(
                    pool,
                    run,
                    true,
                    Some(&m.id),
                    i64::try_from(m.size).ok(),
                    Some(&m.sha256),
                    None,
                    clock.now(),
                )
                .await
                .map_err(record)?;
                if let Err(e) = self.apply_retention(clock).await {
                    tracing::warn!(error = %e, "backup retention failed; will retry after the next backup");
                }
            }
            Err(e) => {
                tracing::error!(error = %e, trigger, "backup failed");
                let detail = e.to_string();
                backup_runs::finish(pool, run, false, None, None, None, Some(&detail), clock.now())
                    .await
                    .map_err(record)?;
            }
        }
        result
    }

    /// Deletes backups the policy no longer keeps, and dumps left without a manifest
    /// for more than a day (failed uploads). Returns how many backups went.
    pub async fn apply_retention(&self, clock: &dyn Clock) -> Result<usize, BackupError> {
        let listing = store::list(self.store.as_ref(), &self.prefix, &self.signing).await?;
        let policy = retention::Policy {
            daily: self.settings.keep_daily,
            weekly: self.settings.keep_weekly,
            monthly: self.settings.keep_monthly,
        };
        let all: Vec<(String, time::OffsetDateTime)> =
            listing.good.iter().map(|m| (m.id.clone(), m.started_at)).collect();
        let keep = retention::keep(&all, policy);
        let newest = listing.good.last().map(|m| m.started_at);
        let mut deleted = 0;
        for manifest in &listing.good {
            if !keep.contains(&manifest.id) && newest.is_some_and(|n| n > manifest.started_at) {
                store::delete(self.store.as_ref(), &self.prefix, manifest).await?;
                tracing::info!(backup_id = %manifest.id, "deleted an old backup (retention)");
                deleted += 1;
            }
        }
        let day_ago = (clock.now() - time::Duration::days(1)).unix_timestamp();
        for orphan in listing.orphans.iter().filter(|o| o.last_modified.timestamp() < day_ago) {
            let _ = self.store.delete(&orphan.location).await;
            tracing::info!(object = %orphan.location, "deleted a dump that never got its manifest");
        }
        Ok(deleted)
    }

    /// The verify drill on backup `id` (or the newest), recorded as a run.
    pub async fn verify(
        &self,
        pool: &PgPool,
        admin_url: &str,
        identities: &[x25519::Identity],
        id: Option<&str>,
        trigger: &str,
        clock: &dyn Clock,
    ) -> Result<restore::VerifyReport, BackupError> {
        let record = |e: sqlx::Error| BackupError::Database(format!("cannot record the verify run: {e}"));
        let run = backup_runs::start(pool, "verify", trigger, clock.now()).await.map_err(record)?;
        let result = match store::find(self.store.as_ref(), &self.prefix, &self.signing, id).await {
            Ok(manifest) => restore::verify(&self.store, &manifest, &self.signing, identities, admin_url).await,
            Err(e) => Err(e),
        };
        let (ok, backup_id, detail) = match &result {
            Ok(r) => {
                tracing::info!(backup_id = %r.manifest.id, tables = r.tables, rows = r.rows, seconds = r.seconds, "backup verified");
                (
                    true,
                    Some(r.manifest.id.clone()),
                    format!(
                        "{} tables, {} rows, restored in {:.1} s into {} (dropped)",
                        r.tables, r.rows, r.seconds, r.scratch_database
                    ),
                )
            }
            Err(e) => {
                tracing::error!(error = %e, "backup verification failed");
                (false, id.map(str::to_owned), e.to_string())
            }
        };
        backup_runs::finish(pool, run, ok, backup_id.as_deref(), None, None, Some(&detail), clock.now())
            .await
            .map_err(record)?;
        result
    }

    /// Whether backup `id`'s objects are both present (for tests and `list`).
    pub async fn exists(&self, manifest: &Manifest) -> bool {
        self.store.head(&object_store::path::Path::from(manifest.object.as_str())).await.is_ok()
    }
}

fn record_error(e: sqlx::Error) -> BackupError {
    BackupError::Database(format!("cannot record the backup run: {e}"))
}

/// Boxes a future as `Send`. The backup futures borrow paths and strings across
/// awaits, and rustc cannot prove such nested futures `Send` for every lifetime when
/// they are spawned ("implementation of Send is not general enough"); checking each
/// at a concrete lifetime here sidesteps that.
pub fn boxed_send<'a, T>(f: impl Future<Output = T> + Send + 'a) -> Pin<Box<dyn Future<Output = T> + Send + 'a>> {
    Box::pin(f)
}
