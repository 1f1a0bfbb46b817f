//! The job queue: our own facade over a small PostgreSQL queue.
//!
//! `enqueue` takes the caller's connection, so a job commits or rolls back together
//! with the row that causes it (outbox pattern): a crash loses nothing, and a rolled
//! back request sends nothing. Workers claim with `FOR UPDATE SKIP LOCKED` and a lease;
//! a worker that dies mid-job leaves a lease that expires, and another worker takes the
//! job again. `NOTIFY` wakes idle workers at once; a short poll is the fallback.
//! See docs/decisions.md for why this is hand-written rather than graphile_worker.

mod context;
pub mod worker;

pub use context::WorkerContext;

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

/// The channel idle workers listen on.
pub const NOTIFY_CHANNEL: &str = "fastfaktura_jobs";

/// Every kind of background work, with what it needs to find its data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Deliver one row of `outgoing_emails`.
    SendEmail { email_id: Uuid },
    /// Send one row of `invoice_deliveries` (a document to its customer).
    DeliverInvoice { business_id: Uuid, delivery_id: Uuid },
    /// Build one GDPR data export (`gdpr::export`).
    BuildExport { business_id: Uuid, export_id: Uuid },
    /// Make the bank's claim of an invoice match what it should ask for now
    /// (`payments::claims::sync`).
    SyncClaim { business_id: Uuid, invoice_id: Uuid },
    /// Fetch a document the business's access point received and put it in the inbox
    /// (`app::access_point_events::fetch_received`).
    FetchReceivedDocument { business_id: Uuid, document_id: String },
}

impl Job {
    /// Every kind, as [`Job::kind`] names them (the metrics list each, queued or not).
    pub const KINDS: &[&str] =
        &["send_email", "deliver_invoice", "build_export", "sync_claim", "fetch_received_document"];

    pub fn kind(&self) -> &'static str {
        match self {
            Job::SendEmail { .. } => "send_email",
            Job::DeliverInvoice { .. } => "deliver_invoice",
            Job::BuildExport { .. } => "build_export",
            Job::SyncClaim { .. } => "sync_claim",
            Job::FetchReceivedDocument { .. } => "fetch_received_document",
        }
    }

    fn max_attempts(&self) -> i32 {
        match self {
            // About 2 hours of retries with the backoff below.
            Job::SendEmail { .. }
            | Job::DeliverInvoice { .. }
            | Job::SyncClaim { .. }
            | Job::FetchReceivedDocument { .. } => 8,
            Job::BuildExport { .. } => 3,
        }
    }
}

/// Waits for a notification on `listener` (or its reconnect) for at most `interval`;
/// without a working listener, or when `listen` is false (the queue just failed), sleeps
/// `interval`, so a failing listener never spins. The job worker and the webhook
/// deliverer wait between batches with it.
pub async fn wait_for_notice(
    listener: Option<&mut sqlx::postgres::PgListener>,
    listen: bool,
    interval: std::time::Duration,
) {
    match listener.filter(|_| listen) {
        Some(l) => match tokio::time::timeout(interval, l.try_recv()).await {
            Ok(Ok(Some(_))) | Err(_) => {}
            Ok(Ok(None)) | Ok(Err(_)) => tokio::time::sleep(interval).await,
        },
        None => tokio::time::sleep(interval).await,
    }
}

/// Adds `job` inside the caller's transaction; workers see it when that commits.
pub async fn enqueue(conn: &mut PgConnection, job: &Job) -> Result<i64, sqlx::Error> {
    let payload = serde_json::to_value(job).expect("jobs serialise to JSON");
    let id = sqlx::query_scalar!(
        "INSERT INTO jobs (kind, payload, max_attempts) VALUES ($1, $2, $3) RETURNING id",
        job.kind(),
        payload,
        job.max_attempts()
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!("SELECT pg_notify($1, '')", NOTIFY_CHANNEL).execute(&mut *conn).await?;
    Ok(id)
}

/// Seconds to wait before attempt `attempts + 1`: 10 s, 20 s, 40 s, ... capped at 1 h.
pub fn backoff_seconds(attempts: i32) -> i64 {
    let exponent = attempts.clamp(1, 16) - 1;
    (10i64 << exponent).min(3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_round_trip_through_json_with_their_kind() {
        let job = Job::SendEmail { email_id: Uuid::nil() };
        let value = serde_json::to_value(&job).unwrap();
        assert_eq!(value["kind"], job.kind());
        assert_eq!(serde_json::from_value::<Job>(value).unwrap(), job);
    }

    #[test]
    fn every_kind_is_listed_once() {
        let id = Uuid::nil();
        let jobs = [
            Job::SendEmail { email_id: id },
            Job::DeliverInvoice { business_id: id, delivery_id: id },
            Job::BuildExport { business_id: id, export_id: id },
            Job::SyncClaim { business_id: id, invoice_id: id },
            Job::FetchReceivedDocument { business_id: id, document_id: String::new() },
        ];
        let kinds: Vec<&str> = jobs.iter().map(Job::kind).collect();
        assert_eq!(kinds, Job::KINDS);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_seconds(1), 10);
        assert_eq!(backoff_seconds(2), 20);
        assert_eq!(backoff_seconds(5), 160);
        assert_eq!(backoff_seconds(40), 3600);
    }
}
