//! The webhook benchmark's body (bench/webhooks.sh, `fastfaktura demo bench-webhooks`):
//! what recording an event adds to the transaction of the request that causes it (next
//! to the same transaction writing the invoice row without it, interleaved: an event
//! always follows a committed change, so the baseline pays the commit's WAL flush too), and how many deliveries a second
//! one deliverer posts to a local receiver (next to plain HTTP posts of the same bodies
//! from the same process with the same concurrency).

use std::time::Instant;

use futures::StreamExt;
use uuid::Uuid;

use super::{EventType, deliverer::deliver_due};
use crate::{app, jobs::WorkerContext, state::AppState};

#[derive(Debug, Default)]
pub struct WebhookTimings {
    /// Microseconds of a transaction writing one invoice row, and of the same one also
    /// recording an event.
    pub empty: Vec<u64>,
    pub recording: Vec<u64>,
    /// Where the difference goes: the recording call itself, and each transaction's
    /// commit (alone, and with the event's rows in it).
    pub record_call: Vec<u64>,
    pub empty_commit: Vec<u64>,
    pub recording_commit: Vec<u64>,
    pub deliveries: usize,
    pub deliver_seconds: f64,
    pub plain_seconds: f64,
}

/// A receiver on loopback that answers every POST with 200.
async fn receiver() -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let router = axum::Router::new().fallback(axum::routing::post(|| async { "{}" }));
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{address}/hook"))
}

/// What issuing records: `invoice.issued` for `invoice_id`, now.
async fn record_issued(tx: &mut sqlx::PgConnection, business_id: Uuid, invoice_id: Uuid) -> Result<u64, sqlx::Error> {
    let now = time::OffsetDateTime::now_utc();
    super::record_invoice_event(tx, business_id, EventType::InvoiceIssued, invoice_id, serde_json::json!({}), now).await
}

/// A write like the one an event follows: the invoice row changed and committed.
async fn touch(tx: &mut sqlx::PgConnection, business_id: Uuid, invoice_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE invoices SET updated_at = now() WHERE business_id = $1 AND id = $2")
        .bind(business_id)
        .bind(invoice_id)
        .execute(tx)
        .await?;
    Ok(())
}

pub async fn bench_webhooks(
    state: &AppState,
    worker: &WorkerContext,
    count: usize,
    deliveries: usize,
) -> anyhow::Result<WebhookTimings> {
    let db = &state.db;
    crate::demo::seed(db, 1, 500).await?;
    // Events about many invoices, as a business makes them (those about one invoice go
    // out one after another, in order).
    let invoices: Vec<(Uuid, Uuid, Uuid)> = sqlx::query_as(
        "SELECT i.business_id, m.user_id, i.id FROM invoices i JOIN business_members m USING (business_id)
         WHERE i.status = 'issued' AND i.kind = 'invoice'",
    )
    .fetch_all(db)
    .await?;
    let (business_id, user_id, _) = *invoices.first().ok_or_else(|| anyhow::anyhow!("no issued invoice"))?;
    let invoice = |n: usize| invoices[n % invoices.len()].2;
    let url = receiver().await?;
    let owner = app::Caller::user(business_id, user_id, "owner");
    let input =
        app::webhooks::EndpointInput { url: url.clone(), events: vec!["invoice.issued".into()], ..Default::default() };
    app::webhooks::create_endpoint(state, &owner, &crate::audit::RequestMeta::default(), &input)
        .await
        .map_err(|e| anyhow::anyhow!("the endpoint: {e}"))?;

    let mut t = WebhookTimings::default();
    let elapsed = |started: Instant| started.elapsed().as_micros() as u64;
    for n in 0..count {
        let invoice_id = invoice(n);
        // The request's own write (a committed change, as every event follows one),
        // alone and then with the event recorded in the same transaction.
        let started = Instant::now();
        let mut tx = db.begin().await?;
        touch(&mut tx, business_id, invoice_id).await?;
        let committing = Instant::now();
        tx.commit().await?;
        t.empty_commit.push(elapsed(committing));
        t.empty.push(elapsed(started));
        let started = Instant::now();
        let mut tx = db.begin().await?;
        touch(&mut tx, business_id, invoice_id).await?;
        let recording = Instant::now();
        record_issued(&mut tx, business_id, invoice_id).await?;
        t.record_call.push(elapsed(recording));
        let committing = Instant::now();
        tx.commit().await?;
        t.recording_commit.push(elapsed(committing));
        t.recording.push(elapsed(started));
    }
    // Deliver what recording queued, then queue `deliveries` more (untimed) and time the
    // deliverer draining them.
    while deliver_due(worker).await? > 0 {}
    let mut queued = 0;
    while queued < deliveries {
        let mut tx = db.begin().await?;
        for _ in 0..500.min(deliveries - queued) {
            record_issued(&mut tx, business_id, invoice(queued)).await?;
            queued += 1;
        }
        tx.commit().await?;
    }
    // A running service's autovacuum analyses the queue soon after such a burst (the
    // table's own thresholds, migrations/20261207000200); the bench does not wait a minute
    // for it.
    sqlx::query("ANALYZE webhook_deliveries").execute(db).await?;
    let started = Instant::now();
    let mut delivered = 0;
    loop {
        let n = deliver_due(worker).await?;
        if n == 0 {
            break;
        }
        delivered += n;
    }
    t.deliver_seconds = started.elapsed().as_secs_f64();
    t.deliveries = delivered;
    let failed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'").fetch_one(db).await?;
    anyhow::ensure!(failed == 0, "{failed} deliveries were not delivered");

    // The baseline: the same bodies posted by a plain client, as many at once.
    let body: String = sqlx::query_scalar("SELECT body FROM webhook_events LIMIT 1").fetch_one(db).await?;
    let client = reqwest::Client::builder().no_proxy().build()?;
    let started = Instant::now();
    let statuses: Vec<bool> = futures::stream::iter(0..delivered)
        .map(|_| {
            let request = client.post(&url).header("content-type", "application/json").body(body.clone()).send();
            async move {
                match request.await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        })
        .buffer_unordered(state.settings.webhooks.concurrency)
        .collect()
        .await;
    t.plain_seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(statuses.iter().all(|ok| *ok), "a plain post failed");
    Ok(t)
}
