//! The operator's scrape of `/metrics`: who may scrape, and the exposition — this
//! instance's own figures (`crate::metrics`) with the shared ones read from
//! PostgreSQL now, so every instance reports the same queue, backup, audit and
//! certificate figures.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{
    config::TlsMode,
    db,
    metrics::{JobQueue, SharedReadings},
    state::AppState,
};

/// Whether `authorization` (the request's header) carries the configured scrape token
/// as a bearer token. Compared in constant time over digests, so neither the token's
/// characters nor its length leak through timing.
pub fn may_scrape(state: &AppState, authorization: Option<&str>) -> bool {
    let Some(expected) = state.settings.metrics.scrape_token() else { return false };
    let Some(presented) = authorization.and_then(|value| {
        let (scheme, token) = value.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    }) else {
        return false;
    };
    let (a, b) = (Sha256::digest(presented.as_bytes()), Sha256::digest(expected.expose().trim().as_bytes()));
    a.ct_eq(&b).into()
}

/// The metrics in the Prometheus text format. When the database cannot be read, this
/// instance's own figures are still given (its pool among them, which is when they
/// matter most), with `fastfaktura_shared_readings_ok 0` instead of the shared ones.
pub async fn exposition(state: &AppState) -> String {
    let now = state.clock.now();
    let shared = match shared_readings(state, now).await {
        Ok(shared) => Some(shared),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the shared figures cannot be read from the database");
            None
        }
    };
    state.metrics.render(
        &state.db,
        state.reads.primary_page_pool(),
        state.reads.replica_reading(),
        shared.as_ref(),
        now,
    )
}

async fn shared_readings(state: &AppState, now: time::OffsetDateTime) -> Result<SharedReadings, sqlx::Error> {
    let jobs = db::metrics::queued_jobs(&state.db).await?;
    let unsealed = db::metrics::unsealed_audit_events(&state.db).await?;
    let backup = db::backup_runs::newest_good_backup(&state.db).await?;
    let acme_not_after = match state.settings.tls.mode {
        TlsMode::Acme => {
            let settings = &state.settings;
            let key = db::acme_cache::row_key(&settings.acme_domains(), &settings.tls.acme.directory_url);
            db::acme_cache::status(&state.db, &key).await?.and_then(|s| s.not_after)
        }
        TlsMode::Off | TlsMode::Files => None,
    };
    let shared = SharedReadings {
        jobs: jobs
            .into_iter()
            .map(|j| JobQueue { kind: j.kind, queued: j.queued, oldest_seconds: j.oldest_seconds })
            .collect(),
        backup_age_seconds: backup.and_then(|b| b.finished_at).map(|at| (now - at).as_seconds_f64()),
        audit_unsealed: unsealed.count,
        audit_oldest_unsealed_seconds: unsealed.oldest_at.map_or(0.0, |at| (now - at).as_seconds_f64()),
        acme_not_after,
    };
    Ok(shared)
}
