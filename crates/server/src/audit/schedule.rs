//! The audit log's background work on each instance: seal new events every few
//! seconds and run the retention purge hourly (at least daily, as RET-2 asks). Both
//! are safe to run everywhere: the sealer skips when another instance holds its lock,
//! and the purge marks each segment once under its own.

use std::{sync::Arc, time::Duration};

use sqlx::PgPool;
use tokio::sync::watch;

use std::path::PathBuf;

use super::{chain, checkpoints, retention};
use crate::{clock::Clock, config::AuditSettings, crypto::DerivedKey};

const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// The sealer and purge loop; each checkpoint (MAC'd with `key`) is also kept in
/// `anchor` outside the database and named in the log.
pub async fn run(
    db: PgPool,
    settings: AuditSettings,
    clock: Arc<dyn Clock>,
    key: DerivedKey,
    anchor: PathBuf,
    mut shutdown: watch::Receiver<bool>,
) {
    let every = Duration::from_secs(settings.seal_interval_seconds);
    let mut last_purge: Option<tokio::time::Instant> = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        match chain::seal_pending(&db, clock.now(), Some(&key)).await {
            Ok(r) => {
                if r.heads > 0 {
                    tracing::info!(sealed = r.sealed, heads = r.heads, "audit segments closed");
                }
                if let Some(checkpoint) = &r.checkpoint {
                    tracing::info!(at = %checkpoint.at, mac = %checkpoint.mac, "audit checkpoint");
                    if let Err(e) = checkpoints::keep_anchor(&anchor, checkpoint) {
                        tracing::error!(error = %e, path = %anchor.display(), "the audit checkpoint could not be kept outside the database");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "sealing audit events failed; will retry"),
        }
        if last_purge.is_none_or(|t| t.elapsed() >= PURGE_EVERY) {
            last_purge = Some(tokio::time::Instant::now());
            match retention::purge_expired(&db, &settings.retention_months, clock.now(), &key).await {
                Ok(report) => tracing::info!(
                    segments = report.segments.len(),
                    events = report.events(),
                    "audit retention purge done"
                ),
                Err(e) => tracing::error!(error = %e, "the audit retention purge failed; will retry"),
            }
            if let Err(e) = checkpoints::prune_checkpoints(&db, clock.now()).await {
                tracing::warn!(error = %e, "pruning old audit checkpoints failed; will retry");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
    }
}
