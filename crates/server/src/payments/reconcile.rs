//! Reconciliation: asks Stripe about recent checkouts whose payment we have not seen,
//! and records what was paid, for the webhook that never came (endpoint down for
//! longer than Stripe retries, secret misconfigured, events disabled).
//!
//! Runs from the worker's housekeeping; one instance at a time (an advisory lock), and
//! harmless if two did: recording is idempotent by PaymentIntent.

use time::Duration;

use super::{PaymentError, SECRET_KEY, open_secret, webhook::record_session};
use crate::{db, jobs::WorkerContext};

/// How far back to look: Stripe's own retries stop after three days.
const LOOK_BACK: Duration = Duration::days(4);
/// Give the webhook a moment before asking (it normally arrives within seconds).
const GRACE: Duration = Duration::minutes(2);
/// Sessions per run, so one run stays short.
const BATCH: i64 = 200;
const LOCK_KEY: i64 = 0x4646_5354_5249_5045; // "FFSTRIPE"

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reconciliation {
    pub asked: usize,
    pub recorded: usize,
    pub settled: usize,
}

/// One pass; skipped (empty report) when another instance holds the lock.
pub async fn reconcile(ctx: &WorkerContext) -> Result<Reconciliation, PaymentError> {
    let mut lock = ctx.db.acquire().await?;
    let locked: bool =
        sqlx::query_scalar!(r#"SELECT pg_try_advisory_lock($1) AS "locked!""#, LOCK_KEY).fetch_one(&mut *lock).await?;
    if !locked {
        return Ok(Reconciliation::default());
    }
    let result = pass(ctx).await;
    let _: Option<bool> = sqlx::query_scalar!("SELECT pg_advisory_unlock($1)", LOCK_KEY).fetch_one(&mut *lock).await?;
    result
}

async fn pass(ctx: &WorkerContext) -> Result<Reconciliation, PaymentError> {
    let now = ctx.clock.now();
    let mut report = Reconciliation::default();
    let sessions = db::card_payments::unsettled_sessions(&ctx.db, now - LOOK_BACK, now - GRACE, BATCH).await?;
    for (business_id, session_id) in sessions {
        let mut tx = ctx.db.begin().await?;
        let Some(key) = open_secret(&mut tx, &ctx.kek, business_id, SECRET_KEY, now).await? else { continue };
        let session = match ctx.stripe.retrieve_checkout_session(&key, &session_id).await {
            Ok(session) => session,
            Err(e) => {
                // One business's bad key or a blip must not stop the others.
                tracing::warn!(%business_id, error = %e, "reconciliation could not read a checkout session");
                continue;
            }
        };
        report.asked += 1;
        match session.status.as_deref() {
            Some("complete") => {
                let outcome = record_session(&mut tx, business_id, &session, now, now).await?;
                if outcome == "payment recorded" {
                    report.recorded += 1;
                    tracing::warn!(%business_id, session = %session.id, "payment recorded by reconciliation; its webhook never came");
                    let event =
                        crate::audit::AuditEvent::new(now, crate::audit::Category::Payment, "payment.reconciled")
                            .actor(crate::audit::Actor::System)
                            .business(business_id)
                            .target(session.id.clone())
                            .details(
                                serde_json::json!({ "source": "stripe checkout session", "webhook": "never came" }),
                            );
                    crate::audit::record(&mut *tx, &event).await?;
                }
            }
            Some("expired") => {}
            _ => continue,
        }
        db::card_payments::settle_session(&mut *tx, business_id, &session.id, now).await?;
        tx.commit().await?;
        report.settled += 1;
    }
    Ok(report)
}
