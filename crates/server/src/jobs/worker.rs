//! Runs queued jobs: claim one, run it, record the outcome; sleep until notified.
//!
//! Also runs the periodic housekeeping (expired sessions, old challenges and
//! rate-limit events, due recurring invoices, the day's reminder pass), which is
//! idempotent or claims its work, so every instance may do it.

use std::time::Duration;

use sqlx::{PgPool, postgres::PgListener};
use tokio::sync::watch;
use uuid::Uuid;

use super::{Job, NOTIFY_CHANNEL, WorkerContext, backoff_seconds};

const POLL_INTERVAL: Duration = Duration::from_secs(2);
const HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(600);

#[derive(Debug)]
struct ClaimedJob {
    id: i64,
    payload: serde_json::Value,
    attempts: i32,
    max_attempts: i32,
}

/// Runs until `shutdown` turns true; the job in hand is finished first.
pub async fn run(ctx: WorkerContext, mut shutdown: watch::Receiver<bool>) {
    let mut listener = match PgListener::connect_with(&ctx.db).await {
        Ok(mut l) => match l.listen(NOTIFY_CHANNEL).await {
            Ok(()) => Some(l),
            Err(e) => {
                tracing::warn!(error = %e, "job worker cannot LISTEN; polling only");
                None
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "job worker cannot LISTEN; polling only");
            None
        }
    };
    let mut last_housekeeping = tokio::time::Instant::now() - HOUSEKEEPING_INTERVAL;
    loop {
        if *shutdown.borrow() {
            break;
        }
        if last_housekeeping.elapsed() >= HOUSEKEEPING_INTERVAL {
            last_housekeeping = tokio::time::Instant::now();
            if let Err(e) = housekeeping(&ctx).await {
                tracing::warn!(error = %e, "housekeeping failed; will retry");
            }
        }
        let queue_ok = match run_next(&ctx).await {
            Ok(true) => continue,
            Ok(false) => true,
            Err(e) => {
                tracing::warn!(error = %e, "job queue unavailable; retrying shortly");
                false
            }
        };
        let wake = super::wait_for_notice(listener.as_mut(), queue_ok, POLL_INTERVAL);
        tokio::select! {
            _ = wake => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("job worker stopped");
}

/// Claims and runs one job; false when none was due.
pub async fn run_next(ctx: &WorkerContext) -> Result<bool, sqlx::Error> {
    let Some(job) = claim(&ctx.db, ctx.lease_seconds).await? else {
        return Ok(false);
    };
    let (kind, outcome) = match serde_json::from_value::<Job>(job.payload.clone()) {
        Ok(parsed) => (parsed.kind(), execute(ctx, &parsed, job.attempts >= job.max_attempts).await),
        Err(e) => ("unreadable", Err(format!("unreadable job payload: {e}"))),
    };
    let finished = match &outcome {
        Ok(()) => "done",
        Err(_) if job.attempts >= job.max_attempts => "failed",
        Err(_) => "retry",
    };
    ctx.metrics.job_finished(kind, finished);
    match outcome {
        Ok(()) => {
            sqlx::query!(
                "UPDATE jobs SET status = 'done', finished_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1",
                job.id
            )
            .execute(&ctx.db)
            .await?;
        }
        Err(reason) if job.attempts >= job.max_attempts => {
            tracing::error!(job_id = job.id, attempts = job.attempts, %reason, "job failed for good");
            sqlx::query!(
                "UPDATE jobs SET status = 'failed', finished_at = now(), locked_until = NULL, last_error = $2 WHERE id = $1",
                job.id,
                reason
            )
            .execute(&ctx.db)
            .await?;
        }
        Err(reason) => {
            let delay = backoff_seconds(job.attempts) as f64;
            tracing::warn!(job_id = job.id, attempts = job.attempts, retry_in_seconds = delay, %reason, "job failed; will retry");
            sqlx::query!(
                r#"UPDATE jobs SET status = 'pending', locked_until = NULL, last_error = $2,
                          run_at = now() + make_interval(secs => $3)
                   WHERE id = $1"#,
                job.id,
                reason,
                delay
            )
            .execute(&ctx.db)
            .await?;
        }
    }
    Ok(true)
}

async fn claim(db: &PgPool, lease_seconds: f64) -> Result<Option<ClaimedJob>, sqlx::Error> {
    sqlx::query_as!(
        ClaimedJob,
        r#"UPDATE jobs SET status = 'running', attempts = attempts + 1,
                  locked_until = now() + make_interval(secs => $1)
           WHERE id = (
               SELECT id FROM jobs
               WHERE (status = 'pending' AND run_at <= now())
                  OR (status = 'running' AND locked_until < now())
               ORDER BY run_at, id
               LIMIT 1
               FOR UPDATE SKIP LOCKED)
           RETURNING id, payload, attempts, max_attempts"#,
        lease_seconds
    )
    .fetch_optional(db)
    .await
}

/// Runs one job. `last_attempt` lets a job record a permanent failure on its own rows.
async fn execute(ctx: &WorkerContext, job: &Job, last_attempt: bool) -> Result<(), String> {
    match job {
        Job::SendEmail { email_id } => send_email(ctx, *email_id, last_attempt).await,
        Job::DeliverInvoice { business_id, delivery_id } => {
            crate::invoicing::delivery::deliver(ctx, *business_id, *delivery_id, last_attempt).await
        }
        Job::BuildExport { business_id, export_id } => crate::gdpr::export::build(ctx, *business_id, *export_id).await,
        Job::SyncClaim { business_id, invoice_id } => {
            crate::payments::claims::sync(ctx, *business_id, *invoice_id).await
        }
        Job::FetchReceivedDocument { business_id, document_id } => {
            crate::app::access_point_events::fetch_received(ctx, *business_id, document_id).await
        }
    }
}

async fn send_email(ctx: &WorkerContext, email_id: Uuid, last_attempt: bool) -> Result<(), String> {
    let result = crate::integrations::email::deliver(&ctx.db, &ctx.mailer, &ctx.outbox_key, email_id).await;
    if let Err(reason) = &result
        && last_attempt
    {
        crate::integrations::email::mark_failed(&ctx.db, email_id, reason).await.map_err(|e| e.to_string())?;
    }
    result
}

/// How long rate-limit events (which hold IP addresses) are kept; the Security page says so.
pub const RATE_LIMIT_EVENTS_KEPT_HOURS: i64 = 25;
/// How long a sign-in challenge is kept after it expired; the Security page says so.
pub const OTP_CHALLENGES_KEPT_DAYS: i64 = 1;

async fn housekeeping(ctx: &WorkerContext) -> Result<(), sqlx::Error> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let events =
        crate::db::rate_limits::purge_older_than(&mut tx, now - time::Duration::hours(RATE_LIMIT_EVENTS_KEPT_HOURS))
            .await?;
    let sessions =
        sqlx::query!("DELETE FROM sessions WHERE expires_at < $1", now).execute(&mut *tx).await?.rows_affected();
    let challenges = sqlx::query!(
        "DELETE FROM otp_challenges WHERE expires_at < $1",
        now - time::Duration::days(OTP_CHALLENGES_KEPT_DAYS)
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let exports = crate::gdpr::export::purge_expired(&mut *tx, now).await?;
    tx.commit().await?;
    tracing::debug!(events, sessions, challenges, exports, "housekeeping done");
    match crate::gdpr::closure::purge_expired(&ctx.db, now).await {
        Ok(0) => {}
        Ok(purged) => tracing::info!(purged, "closed businesses past their retention deleted"),
        Err(e) => tracing::error!(error = %e, "the purge of closed businesses failed; will retry"),
    }
    if let Err(e) = crate::app::invoicing::create_due_recurring(ctx, now).await {
        tracing::warn!(error = %e, "recurring invoices could not be created; will retry");
    }
    // Once a day (the first instance to get here on a new day does it).
    if let Err(e) = crate::invoicing::reminders::run_due(ctx, now).await {
        tracing::warn!(error = %e, "the reminder pass failed; will retry");
    }
    match crate::webhooks::purge_old_events(&ctx.db, now).await {
        Ok(0) => {}
        Ok(purged) => tracing::info!(purged, "webhook events past their keeping deleted"),
        Err(e) => tracing::warn!(error = %e, "old webhook events could not be deleted; will retry"),
    }
    match crate::webhooks::record_overdue(&ctx.db, now.date(), now).await {
        Ok(0) => {}
        Ok(recorded) => tracing::info!(recorded, "invoice.overdue webhook events recorded"),
        Err(e) => tracing::warn!(error = %e, "overdue webhook events could not be recorded; will retry"),
    }
    match crate::payments::reconcile::reconcile(ctx).await {
        Ok(report) if report.asked > 0 => tracing::info!(?report, "card payments reconciled with Stripe"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "card payments could not be reconciled; will retry"),
    }
    match crate::app::access_point_events::poll(ctx).await {
        Ok(report) if report.verdicts_asked + report.events > 0 => {
            tracing::info!(?report, "access points asked for verdicts and events")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "the access points could not be asked; will retry"),
    }
    match crate::payments::claims::poll(ctx).await {
        Ok(report) if report.recorded > 0 => tracing::info!(?report, "bank claim payments recorded"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "bank claim payments could not be recorded; will retry"),
    }
    Ok(())
}
