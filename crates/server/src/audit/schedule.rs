//! The audit log's background work on each instance: seal new events every few
//! seconds and run the retention purge hourly (at least daily, as RET-2 asks). Both
//! are safe to run everywhere: the sealer skips when another instance holds its lock,
//! and the purge marks each segment once under its own.

use std::{sync::Arc, time::Duration};

use sqlx::PgPool;
use tokio::sync::watch;

use super::{chain, retention};
use crate::{clock::Clock, config::AuditSettings};

const PURGE_EVERY: Duration = Duration::from_secs(3600);

pub async fn run(db: PgPool, settings: AuditSettings, clock: Arc<dyn Clock>, mut shutdown: watch::Receiver<bool>) {
    let every = Duration::from_secs(settings.seal_interval_seconds);
    let mut last_purge: Option<tokio::time::Instant> = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        match chain::seal_pending(&db, clock.now()).await {
            Ok(r) if r.heads > 0 => tracing::info!(sealed = r.sealed, heads = r.heads, "audit segments closed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sealing audit events failed; will retry"),
        }
        if last_purge.is_none_or(|t| t.elapsed() >= PURGE_EVERY) {
            last_purge = Some(tokio::time::Instant::now());
            match retention::purge_expired(&db, &settings.retention_months, clock.now()).await {
                Ok(report) => tracing::info!(
                    segments = report.segments.len(),
                    events = report.events(),
                    "audit retention purge done"
                ),
                Err(e) => tracing::error!(error = %e, "the audit retention purge failed; will retry"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
    }
}
