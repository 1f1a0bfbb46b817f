//! What a business's access point provider tells us, as operations: a submission
//! delivered or failed (the invoice page's Peppol line changes), and a document
//! received for the business (it is fetched and goes into the inbox as a bill).
//!
//! Events arrive two ways and are handled alike: pushed to our webhook (signed with the
//! business's webhook secret; an unsigned or badly signed one changes nothing), and
//! pulled from the provider's queue by the worker's housekeeping, which also asks the
//! provider about submissions that have waited for a verdict. Either way each event is
//! applied at most once in effect: a verdict only moves a delivery that is still `sent`,
//! and a received document is kept once per content hash.

use axum::http::HeaderMap;
use uuid::Uuid;

use crate::{
    audit::{self, Actor, AuditEvent, Category, Outcome},
    config::AccessPointSettings,
    crypto::DerivedKey,
    db,
    integrations::access_point::{
        AccessPointEvent, ProviderSecret, ReceivedDocumentId, SubmissionId, SubmissionStatus, WebhookError,
    },
    jobs::{self, Job, WorkerContext},
    peppol::{WEBHOOK_SECRET, connection},
    secrets,
};

/// Why a pushed webhook was not taken.
#[derive(Debug, thiserror::Error)]
pub enum WebhookRefusal {
    #[error("the business has no access point connection")]
    NotConnected,
    #[error("{0}")]
    Unverified(WebhookError),
    /// Our side failed; the provider should deliver it again.
    #[error("{0}")]
    Ours(String),
}

/// A webhook the provider pushed for `business_id`: verified with the business's
/// webhook secret over the raw body, then applied.
pub async fn pushed_webhook(
    db: &sqlx::PgPool,
    kek: &DerivedKey,
    settings: &AccessPointSettings,
    business_id: Uuid,
    headers: &HeaderMap,
    body: &[u8],
    now: time::OffsetDateTime,
) -> Result<&'static str, WebhookRefusal> {
    let connection = connection::open_with(db, kek, settings, business_id)
        .await
        .map_err(WebhookRefusal::Ours)?
        .ok_or(WebhookRefusal::NotConnected)?;
    let mut conn = db.acquire().await.map_err(|e| WebhookRefusal::Ours(format!("database: {e}")))?;
    let sealed = db::business_secrets::find(&mut *conn, business_id, WEBHOOK_SECRET)
        .await
        .map_err(|e| WebhookRefusal::Ours(format!("database: {e}")))?
        .ok_or(WebhookRefusal::Unverified(WebhookError::BadSignature))?;
    let secret = secrets::open(&mut conn, kek, crate::payments::slot(business_id, WEBHOOK_SECRET), &sealed.envelope)
        .await
        .map_err(|e| WebhookRefusal::Ours(format!("the webhook secret could not be opened: {e}")))?;
    drop(conn);
    let event = connection
        .access_point
        .read_webhook(headers, body, &ProviderSecret::new(secret))
        .map_err(WebhookRefusal::Unverified)?;
    apply(db, business_id, event, now).await.map_err(WebhookRefusal::Ours)
}

/// Applies one event: a verdict on a submission, or a document to fetch (by a job, so
/// the provider's webhook is answered at once).
async fn apply(
    db: &sqlx::PgPool,
    business_id: Uuid,
    event: AccessPointEvent,
    now: time::OffsetDateTime,
) -> Result<&'static str, String> {
    match event {
        AccessPointEvent::SubmissionUpdate { id, status } => record_verdict(db, business_id, &id, &status, now).await,
        AccessPointEvent::DocumentReceived { id, .. } => {
            let mut tx = db.begin().await.map_err(|e| format!("database: {e}"))?;
            jobs::enqueue(&mut tx, &Job::FetchReceivedDocument { business_id, document_id: id.0 })
                .await
                .map_err(|e| format!("database: {e}"))?;
            tx.commit().await.map_err(|e| format!("database: {e}"))?;
            Ok("document to fetch")
        }
        AccessPointEvent::Other { .. } => Ok("ignored"),
    }
}

/// A submission's verdict, recorded once: the delivery moves from `sent` to
/// `delivered` or `failed` (with the provider's reason) and the move is audited.
async fn record_verdict(
    db: &sqlx::PgPool,
    business_id: Uuid,
    id: &SubmissionId,
    status: &SubmissionStatus,
    now: time::OffsetDateTime,
) -> Result<&'static str, String> {
    let mut tx = db.begin().await.map_err(|e| format!("database: {e}"))?;
    let (moved, action, outcome, reason) = match status {
        SubmissionStatus::Submitted => return Ok("still under way"),
        SubmissionStatus::Delivered { at } => {
            let moved = db::peppol::mark_delivered(&mut *tx, business_id, &id.0, at.unwrap_or(now)).await;
            (moved, "dispatch.peppol.delivered", Outcome::Success, None)
        }
        SubmissionStatus::Failed { reason } => {
            let short: String = reason.chars().take(300).collect();
            let moved = db::peppol::mark_undeliverable(&mut *tx, business_id, &id.0, &short).await;
            (moved, "dispatch.peppol.failed", Outcome::Failure, Some(short))
        }
    };
    let Some((delivery_id, invoice_id)) = moved.map_err(|e| format!("database: {e}"))? else {
        return Ok("already recorded");
    };
    let mut details = serde_json::json!({ "invoice_id": invoice_id, "submission": id.0 });
    if let Some(reason) = &reason {
        details["reason"] = reason.clone().into();
    }
    let event = AuditEvent::new(now, Category::Dispatch, action)
        .actor(Actor::System)
        .business(business_id)
        .target(delivery_id.to_string())
        .outcome(outcome)
        .details(details);
    audit::record(&mut *tx, &event).await.map_err(|e| format!("audit: {e}"))?;
    if let Some(reason) = reason {
        // The network did not take it: integrators hear it as a delivery failed for good.
        let kind = db::deliveries::find(&mut *tx, business_id, delivery_id)
            .await
            .map_err(|e| format!("database: {e}"))?
            .map(|d| d.kind);
        let extra = serde_json::json!({ "delivery": {
            "id": delivery_id, "channel": "peppol", "kind": kind, "reason": reason,
        }});
        let failed = crate::webhooks::EventType::InvoiceDeliveryFailed;
        crate::webhooks::record_invoice_event(&mut tx, business_id, failed, invoice_id, extra, now)
            .await
            .map_err(|e| format!("database: {e}"))?;
    }
    tx.commit().await.map_err(|e| format!("database: {e}"))?;
    Ok("verdict recorded")
}

/// What one housekeeping pass did.
#[derive(Debug, Default)]
pub struct PollReport {
    pub businesses: usize,
    pub verdicts_asked: usize,
    pub events: usize,
    pub failures: usize,
}

/// The most events taken from one business's queue per pass.
const EVENTS_PER_PASS: usize = 50;

/// For each connected business: asks the provider about submissions still waiting for
/// a verdict, and takes what waits in the provider's webhook queue.
pub async fn poll(ctx: &WorkerContext) -> Result<PollReport, String> {
    let mut report = PollReport::default();
    let businesses = db::peppol::connected_businesses(&ctx.db).await.map_err(|e| format!("database: {e}"))?;
    for business_id in businesses {
        report.businesses += 1;
        if let Err(e) = poll_business(ctx, business_id, &mut report).await {
            report.failures += 1;
            tracing::warn!(%business_id, error = %e, "the access point could not be asked; will retry");
        }
    }
    Ok(report)
}

async fn poll_business(ctx: &WorkerContext, business_id: Uuid, report: &mut PollReport) -> Result<(), String> {
    let Some(connection) = connection::open(ctx, business_id).await? else { return Ok(()) };
    let ap = &connection.access_point;
    for waiting in db::peppol::waiting_submissions(&ctx.db, business_id).await.map_err(|e| format!("database: {e}"))? {
        let id = SubmissionId(waiting.submission);
        let status = ap.status(&id).await.map_err(|e| e.to_string())?;
        report.verdicts_asked += 1;
        record_verdict(&ctx.db, business_id, &id, &status, ctx.clock.now()).await?;
    }
    for _ in 0..EVENTS_PER_PASS {
        let Some(pulled) = ap.next_webhook().await.map_err(|e| e.to_string())? else { break };
        match pulled.event {
            Ok(event) => {
                apply(&ctx.db, business_id, event, ctx.clock.now()).await?;
            }
            Err(e) => {
                tracing::warn!(%business_id, instance = %pulled.instance, error = %e, "an unreadable event from the access point was skipped")
            }
        }
        ap.acknowledge_webhook(&pulled.instance).await.map_err(|e| e.to_string())?;
        report.events += 1;
    }
    Ok(())
}

/// The job: fetches a received document from the provider and puts it in the inbox.
pub async fn fetch_received(ctx: &WorkerContext, business_id: Uuid, document_id: &str) -> Result<(), String> {
    let Some(connection) = connection::open(ctx, business_id).await? else {
        tracing::warn!(%business_id, "a received document waits, but the business is no longer connected");
        return Ok(());
    };
    let bytes = connection
        .access_point
        .fetch_received(&ReceivedDocumentId(document_id.to_owned()))
        .await
        .map_err(|e| e.to_string())?;
    crate::app::bills::receive_from_access_point(ctx, business_id, document_id, bytes).await
}
