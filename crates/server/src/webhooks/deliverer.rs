//! Posts queued webhook deliveries: claims a batch of due ones (`webhook_deliveries`
//! is its queue, with `FOR UPDATE SKIP LOCKED` and a lease, so every instance may run
//! it), posts them concurrently, and records each outcome. A receiver that answers 2xx
//! has it; anything else (an error status, a timeout, a refused connection, a
//! redirect) is tried again on the domain's schedule for three days, then the delivery
//! fails, and an endpoint with no success in those three days is turned off and its
//! business's owners are told by email. Why its own queue rather than one job per
//! delivery: docs/decisions.md.

use std::{collections::HashMap, sync::Arc, time::Duration};

use fastfaktura_domain::webhooks::{MAX_ATTEMPTS, retry_delay_seconds};
use futures::StreamExt;
use sqlx::postgres::PgListener;
use time::OffsetDateTime;
use tokio::sync::watch;
use uuid::Uuid;

use super::{signing, target};
use crate::{
    audit::{self, AuditEvent, Category, Outcome},
    db::{
        self,
        webhooks::{ClaimedDelivery, FailedAttempt},
    },
    jobs::WorkerContext,
    metrics::DeliveryOutcome,
    secrets::{self, SecretSlot},
};

/// The channel a recorded event wakes idle deliverers on.
pub const NOTIFY_CHANNEL: &str = "fastfaktura_webhooks";
/// Deliveries claimed at once.
const BATCH: i64 = 256;
/// A claimed delivery is ours this long; then another instance may take it.
const LEASE_SECONDS: f64 = 120.0;
/// Without a notification, look for due retries this often.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// No success for this long, and a delivery has failed for good: the endpoint is off.
pub const DISABLE_AFTER: time::Duration = time::Duration::hours(72);

/// The deliverer's HTTP client and limits (one per instance).
pub struct WebhookSender {
    client: reqwest::Client,
    policy: target::TargetPolicy,
    concurrency: usize,
}

impl WebhookSender {
    pub fn new(settings: &crate::config::Settings) -> Self {
        let policy = target::TargetPolicy::of(settings);
        let timeout = Duration::from_secs(settings.webhooks.timeout_seconds);
        WebhookSender { client: target::client(policy, timeout), policy, concurrency: settings.webhooks.concurrency }
    }
}

/// Runs until `shutdown` turns true; the batch in hand is finished first.
pub async fn run(ctx: WorkerContext, mut shutdown: watch::Receiver<bool>) {
    let mut listener = match PgListener::connect_with(&ctx.db).await {
        Ok(mut l) => l.listen(NOTIFY_CHANNEL).await.ok().map(|()| l),
        Err(_) => None,
    };
    if listener.is_none() {
        tracing::warn!("webhook deliverer cannot LISTEN; polling only");
    }
    loop {
        if *shutdown.borrow() {
            break;
        }
        let queue_ok = match deliver_due(&ctx).await {
            Ok(0) => true,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "webhook deliveries unavailable; retrying shortly");
                false
            }
        };
        let wake = crate::jobs::wait_for_notice(listener.as_mut(), queue_ok, POLL_INTERVAL);
        tokio::select! {
            _ = wake => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("webhook deliverer stopped");
}

/// What one attempt came to.
#[derive(Debug)]
struct Attempted {
    delivery: ClaimedDelivery,
    /// The receiver's status, when it answered.
    status: Option<u16>,
    /// Why it did not count, when it did not.
    error: Option<String>,
    duration_ms: i32,
}

/// Claims one batch of due deliveries and posts them; how many were attempted.
pub async fn deliver_due(ctx: &WorkerContext) -> Result<usize, sqlx::Error> {
    let claimed = db::webhooks::claim_due(&ctx.db, ctx.clock.now(), BATCH, LEASE_SECONDS).await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let count = claimed.len();
    let keys = Arc::new(signing_secrets(ctx, &claimed).await?);
    let sender = &ctx.webhooks;
    let attempts: Vec<Attempted> = futures::stream::iter(claimed)
        .map(|delivery| {
            let keys = Arc::clone(&keys);
            async move {
                let secrets = keys.get(&(delivery.business_id, delivery.endpoint_id)).cloned().unwrap_or_default();
                post(sender, delivery, &secrets).await
            }
        })
        .buffer_unordered(sender.concurrency)
        .collect()
        .await;
    record_outcomes(ctx, attempts).await?;
    Ok(count)
}

/// Each endpoint's secrets in use, opened once per batch: the current one, and the
/// previous one while a rotation overlaps. An endpoint whose secret does not open
/// (another master key) gets none, and its deliveries fail with that reason.
async fn signing_secrets(
    ctx: &WorkerContext,
    claimed: &[ClaimedDelivery],
) -> Result<HashMap<(Uuid, Uuid), Vec<String>>, sqlx::Error> {
    let now = ctx.clock.now();
    let mut conn = ctx.db.acquire().await?;
    let mut keys = HashMap::new();
    for d in claimed {
        if keys.contains_key(&(d.business_id, d.endpoint_id)) {
            continue;
        }
        let mut opened = Vec::new();
        let mut sealed = vec![(d.secret_envelope.as_str(), "secret")];
        if let (Some(previous), Some(until)) = (&d.previous_secret_envelope, d.previous_secret_until)
            && until > now
        {
            sealed.push((previous.as_str(), "previous_secret"));
        }
        let row = d.endpoint_id.to_string();
        for (envelope, column) in sealed {
            match secrets::open(&mut conn, &ctx.kek, secret_slot(d.business_id, &row, column), envelope).await {
                Ok(secret) => opened.push(secret),
                Err(e) => tracing::error!(business_id = %d.business_id, endpoint_id = %d.endpoint_id, error = %e,
                    "a webhook signing secret does not open"),
            }
        }
        keys.insert((d.business_id, d.endpoint_id), opened);
    }
    Ok(keys)
}

/// Where an endpoint's sealed secret lives (its envelope's associated data): `row` is
/// the endpoint's id, so a secret copied to another endpoint does not open.
pub fn secret_slot<'a>(business_id: Uuid, row: &'a str, column: &'a str) -> SecretSlot<'a> {
    SecretSlot { table: "webhook_endpoints", column, row, tenant: business_id }
}

async fn post(sender: &WebhookSender, delivery: ClaimedDelivery, secrets: &[String]) -> Attempted {
    let started = std::time::Instant::now();
    let outcome = async {
        if secrets.is_empty() {
            return Err("the endpoint's signing secret cannot be opened on this server".to_owned());
        }
        // A literal address is judged here (the resolver judges names).
        let url = target::parse_target(&delivery.url, sender.policy).map_err(|e| format!("not sent: {e}"))?;
        let msg_id = signing::message_id(delivery.event_id);
        // The wall clock, not the service's clock: receivers judge replays by real time.
        let timestamp = OffsetDateTime::now_utc().unix_timestamp();
        let signature =
            signing::signature_header(secrets.iter().map(String::as_str), &msg_id, timestamp, &delivery.body);
        let response = sender
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.body.clone())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = response.status().as_u16();
        // Read (a little of) the answer so the connection can be reused.
        let mut stream = response.bytes_stream();
        let mut read = 0usize;
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len();
            if read > 64 * 1024 {
                break;
            }
        }
        Ok(status)
    }
    .await;
    let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    match outcome {
        Ok(status) if (200..300).contains(&status) => {
            Attempted { delivery, status: Some(status), error: None, duration_ms }
        }
        Ok(status) => {
            let error = if (300..400).contains(&status) {
                format!("the receiver answered {status} (a redirect, which is not followed)")
            } else {
                format!("the receiver answered {status}")
            };
            Attempted { delivery, status: Some(status), error: Some(error), duration_ms }
        }
        Err(error) => Attempted { delivery, status: None, error: Some(error), duration_ms },
    }
}

/// A transport error in words, naming a refused private address when that was it.
fn describe(error: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<target::TargetError>() {
            return format!("not sent: {refused}");
        }
        source = e.source();
    }
    if error.is_timeout() {
        "the receiver did not answer in time".into()
    } else if error.is_connect() {
        "could not connect to the receiver".into()
    } else {
        "the request to the receiver failed".into()
    }
}

async fn record_outcomes(ctx: &WorkerContext, attempts: Vec<Attempted>) -> Result<(), sqlx::Error> {
    let now = ctx.clock.now();
    let (delivered, failed): (Vec<Attempted>, Vec<Attempted>) = attempts.into_iter().partition(|a| a.error.is_none());
    ctx.metrics.webhook_deliveries(DeliveryOutcome::Sent, delivered.len());
    if !delivered.is_empty() {
        let business_ids: Vec<Uuid> = delivered.iter().map(|a| a.delivery.business_id).collect();
        let ids: Vec<Uuid> = delivered.iter().map(|a| a.delivery.id).collect();
        let statuses: Vec<i32> = delivered.iter().map(|a| a.status.map_or(0, i32::from)).collect();
        let durations: Vec<i32> = delivered.iter().map(|a| a.duration_ms).collect();
        db::webhooks::mark_delivered(&ctx.db, &business_ids, &ids, &statuses, &durations, now).await?;
    }
    for attempt in failed {
        let d = &attempt.delivery;
        let attempts = u32::try_from(d.attempts).unwrap_or(MAX_ATTEMPTS);
        let retry_at = retry_delay_seconds(attempts).map(|s| now + time::Duration::seconds(i64::from(s)));
        ctx.metrics.webhook_deliveries(
            if retry_at.is_some() { DeliveryOutcome::Retrying } else { DeliveryOutcome::Failed },
            1,
        );
        let error = attempt.error.as_deref().unwrap_or_default();
        tracing::warn!(business_id = %d.business_id, delivery_id = %d.id, endpoint_id = %d.endpoint_id,
            attempts, final_attempt = retry_at.is_none(), error, "webhook delivery failed");
        let mut tx = ctx.db.begin().await?;
        let failing =
            FailedAttempt { status: attempt.status.map(i32::from), error, duration_ms: attempt.duration_ms, retry_at };
        let failing_since = db::webhooks::mark_failed(&mut tx, d.business_id, d.id, &failing, now).await?;
        if retry_at.is_none() && failing_since.is_some_and(|since| since <= now - DISABLE_AFTER) {
            turn_off(ctx, &mut tx, d, error, now).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Turns an endpoint off after three days without a success, audits it, and tells the
/// business's owners by email.
async fn turn_off(
    ctx: &WorkerContext,
    tx: &mut sqlx::PgConnection,
    d: &ClaimedDelivery,
    last_error: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let reason = format!("No delivery succeeded for three days; the last attempt: {last_error}");
    if !db::webhooks::disable(tx, d.business_id, d.endpoint_id, &reason, now).await? {
        return Ok(());
    }
    let event = AuditEvent::new(now, Category::Security, "webhook.endpoint.disabled")
        .business(d.business_id)
        .target(d.endpoint_id.to_string())
        .outcome(Outcome::Failure)
        .details(serde_json::json!({ "reason": "no success for three days" }));
    audit::record(&mut *tx, &event).await?;
    let profile = db::businesses::profile(&mut *tx, d.business_id).await?;
    let lang = crate::i18n::Lang::parse(&profile.invoice_language).unwrap_or_default();
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("url", d.url.clone());
    args.set("error", last_error.to_owned());
    args.set("link", format!("{}/settings/webhooks", ctx.public_origin));
    let subject = crate::i18n::message(lang, crate::i18n::key("mail-webhook-disabled-subject"), Some(&args));
    let body = crate::i18n::message(lang, crate::i18n::key("mail-webhook-disabled-body"), Some(&args));
    for owner in db::members::list(&mut *tx, d.business_id).await?.iter().filter(|m| m.role == "owner") {
        let notice = crate::integrations::email::Notice {
            kind: "webhook_disabled",
            business_id: Some(d.business_id),
            recipient: &owner.email,
            subject: &subject,
            body: &body,
        };
        crate::integrations::email::queue_notice(tx, &ctx.outbox_key, notice, now).await?;
    }
    tracing::warn!(business_id = %d.business_id, endpoint_id = %d.endpoint_id, "webhook endpoint turned off after three days of failures");
    Ok(())
}
