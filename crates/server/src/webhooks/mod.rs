//! Outbound webhooks (issue 23): what happened to a business's invoices, quotes, bills
//! and bank payments, told to the endpoints it registered, signed as Standard Webhooks
//! describes and delivered at least once.
//!
//! An operation records its event here **inside its own transaction** (the outbox
//! pattern): the event and its deliveries commit with the change they describe, or not
//! at all, and nothing is posted while the request waits. The body is written once and
//! kept, so every attempt and every redelivery sends the same bytes under the same
//! `webhook-id`. When no live endpoint hears an event, recording it costs one indexed
//! lookup and writes nothing; when one does, two statements (its data, then the event with
//! its deliveries and the wake-up). [`deliverer`] posts them; `app::webhooks` manages the
//! endpoints; [`target`] keeps them out of our network; [`signing`] signs.

pub mod bench;
pub mod deliverer;
pub mod signing;
pub mod target;

pub use fastfaktura_domain::webhooks::EventType;
use serde_json::{Value, json};
use sqlx::PgConnection;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use uuid::Uuid;

use crate::db;

/// Records `event` about `object_id` with `data` (an object with its `id`) and queues a
/// delivery to every live endpoint that hears it; the number queued.
pub async fn record(
    conn: &mut PgConnection,
    business_id: Uuid,
    event: EventType,
    object_id: Uuid,
    data: Value,
    now: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    let body = json!({
        "type": event.as_str(),
        "timestamp": now.format(&Rfc3339).unwrap_or_default(),
        "data": data,
    })
    .to_string();
    let new = db::webhooks::NewEvent { id: Uuid::new_v4(), event_type: event.as_str(), object_id, body: &body };
    let queued = db::webhooks::record_event(conn, business_id, &new, now, deliverer::NOTIFY_CHANNEL).await?;
    Ok(u64::try_from(queued).unwrap_or_default())
}

/// Wakes idle deliverers when the caller's transaction commits (NOTIFY is delivered then).
pub async fn wake_deliverers(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_notify($1, '')", deliverer::NOTIFY_CHANNEL).execute(conn).await?;
    Ok(())
}

/// Whether any live endpoint of the business hears one of `events`.
pub async fn anyone_listens(
    conn: &mut PgConnection,
    business_id: Uuid,
    events: &[EventType],
) -> Result<bool, sqlx::Error> {
    let names: Vec<String> = events.iter().map(|e| e.as_str().to_owned()).collect();
    db::webhooks::anyone_listens(conn, business_id, &names).await
}

/// An event about an invoice, credit note or quote: its data is the document's state
/// now (number, status, amounts due and paid), with `extra` fields merged in.
pub async fn record_invoice_event(
    conn: &mut PgConnection,
    business_id: Uuid,
    event: EventType,
    invoice_id: Uuid,
    extra: Value,
    now: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    let names = [event.as_str().to_owned()];
    let Some(mut data) = db::webhooks::invoice_data(conn, business_id, invoice_id, &names).await? else {
        return Ok(0);
    };
    tidy_amounts(&mut data);
    merge(&mut data, extra);
    record(conn, business_id, event, invoice_id, data, now).await
}

/// After a payment was recorded on an invoice (by hand, card, bank file or bank
/// claim): `invoice.paid` when nothing is left to pay, else `invoice.partially_paid`.
pub async fn record_payment(
    conn: &mut PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    payment: Value,
    now: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    let both = [EventType::InvoicePaid.as_str().to_owned(), EventType::InvoicePartiallyPaid.as_str().to_owned()];
    let Some(mut data) = db::webhooks::invoice_data(conn, business_id, invoice_id, &both).await? else {
        return Ok(0);
    };
    merge(&mut data, json!({ "payment": payment }));
    tidy_amounts(&mut data);
    let settled = data["amount_due"].as_str().and_then(|due| due.parse::<rust_decimal::Decimal>().ok())
        == Some(rust_decimal::Decimal::ZERO);
    let event = if settled { EventType::InvoicePaid } else { EventType::InvoicePartiallyPaid };
    record(conn, business_id, event, invoice_id, data, now).await
}

/// How many invoices an overdue pass records at most (the next pass takes the rest).
const OVERDUE_BATCH: i64 = 500;

/// How long events and their delivery logs are kept (as Stripe keeps its events): an
/// endpoint's log shows this far back, and a delivery can be sent again within it.
pub const EVENTS_KEPT_DAYS: i64 = 35;

/// `invoice.overdue` is told for invoices that fell due at most this many days ago
/// (a pass that did not run for longer does not tell of old debts), fewer than the days
/// events are kept, so a purged overdue event is never recorded a second time.
const OVERDUE_WINDOW_DAYS: i32 = 30;

/// How many events a purge deletes at most (the next housekeeping pass takes the rest).
const PURGE_BATCH: i64 = 5_000;

/// Deletes what is older than [`EVENTS_KEPT_DAYS`] and finished (delivered, or failed
/// for good): the event's body with its deliveries; run by the worker's housekeeping.
pub async fn purge_old_events(db: &sqlx::PgPool, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    db::webhooks::purge_recorded_before(db, now - time::Duration::days(EVENTS_KEPT_DAYS), PURGE_BATCH).await
}

/// Records `invoice.overdue` once for each open invoice whose due date passed before
/// `today`, for businesses whose endpoints hear it; run by the worker's housekeeping.
pub async fn record_overdue(db: &sqlx::PgPool, today: time::Date, now: OffsetDateTime) -> Result<usize, sqlx::Error> {
    let due = db::webhooks::newly_overdue(db, today, OVERDUE_WINDOW_DAYS, OVERDUE_BATCH).await?;
    let mut tx = db.begin().await?;
    for (business_id, invoice_id) in &due {
        record_invoice_event(&mut tx, *business_id, EventType::InvoiceOverdue, *invoice_id, json!({}), now).await?;
    }
    tx.commit().await?;
    Ok(due.len())
}

/// An invoice's amounts with its currency's decimals (the database keeps four, a typed
/// payment as many as were typed).
fn tidy_amounts(data: &mut Value) {
    let currency = data["currency"].as_str().and_then(|c| fastfaktura_domain::Currency::parse(c).ok());
    let Some(units) = currency.map(|c| c.minor_units()) else { return };
    let tidy = |value: &mut Value| {
        if let Some(amount) = value.as_str().and_then(|a| a.parse::<rust_decimal::Decimal>().ok()) {
            let mut amount = amount.round_dp(units);
            amount.rescale(units);
            *value = Value::String(amount.to_string());
        }
    };
    for field in ["total", "amount_paid", "amount_credited", "amount_due"] {
        tidy(&mut data[field]);
    }
    if data["payment"].is_object() {
        tidy(&mut data["payment"]["amount"]);
    }
}

fn merge(data: &mut Value, extra: Value) {
    if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
}
