//! Deliveries of documents to customers: what was sent, to whom, by which channel
//! (email, SMS or Peppol), why (a "Send", a reminder, a recurring invoice), and how it went
//! (queued, sending, sent, failed with the reason).

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

pub struct Delivery {
    pub id: Uuid,
    pub invoice_id: Uuid,
    /// `email` or `sms`.
    pub channel: String,
    /// `send`, `reminder` or `recurring`.
    pub kind: String,
    pub recipient: String,
    pub attach_xml: bool,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// The member who pressed "Send"; none for automatic deliveries.
    pub requested_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub sending_at: Option<OffsetDateTime>,
    pub sent_at: Option<OffsetDateTime>,
    pub interrupted: i32,
    pub body_digest: Option<Vec<u8>>,
    /// Peppol: when the receiving access point confirmed it.
    pub delivered_at: Option<OffsetDateTime>,
}

pub struct NewDelivery<'a> {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub channel: &'a str,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub attach_xml: bool,
    pub requested_by: Option<Uuid>,
}

pub async fn create(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    d: NewDelivery<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO invoice_deliveries (business_id, id, invoice_id, channel, kind, recipient, attach_xml, requested_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        business_id,
        d.id,
        d.invoice_id,
        d.channel,
        d.kind,
        d.recipient,
        d.attach_xml,
        d.requested_by,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Inserts a reminder delivery for rule `offset_days`; false when that rule already
/// reminded this invoice on this channel (the unique index decides).
pub async fn create_reminder(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    d: NewDelivery<'_>,
    offset_days: i32,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"INSERT INTO invoice_deliveries (business_id, id, invoice_id, channel, kind, recipient, attach_xml, requested_by,
                                          created_at, reminder_offset)
           VALUES ($1, $2, $3, $4, 'reminder', $5, false, NULL, $6, $7)
           ON CONFLICT (business_id, invoice_id, reminder_offset, channel) WHERE reminder_offset IS NOT NULL DO NOTHING"#,
        business_id,
        d.id,
        d.invoice_id,
        d.channel,
        d.recipient,
        now,
        offset_days
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Cancels a delivery that should no longer go out (a reminder for an invoice that
/// was paid or credited meanwhile).
pub async fn cancel(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE invoice_deliveries SET status = 'cancelled', last_error = $3
           WHERE business_id = $1 AND id = $2 AND status IN ('queued', 'sending')"#,
        business_id,
        id,
        reason
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<Option<Delivery>, sqlx::Error> {
    sqlx::query_as!(
        Delivery,
        r#"SELECT id, invoice_id, channel, kind, recipient, attach_xml, status, attempts, last_error, requested_by,
                  created_at, sending_at, sent_at, interrupted, body_digest, delivered_at
           FROM invoice_deliveries WHERE business_id = $1 AND id = $2"#,
        business_id,
        id
    )
    .fetch_optional(db)
    .await
}

pub async fn for_invoice(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<Delivery>, sqlx::Error> {
    sqlx::query_as!(
        Delivery,
        r#"SELECT id, invoice_id, channel, kind, recipient, attach_xml, status, attempts, last_error, requested_by,
                  created_at, sending_at, sent_at, interrupted, body_digest, delivered_at
           FROM invoice_deliveries WHERE business_id = $1 AND invoice_id = $2 ORDER BY created_at DESC, id"#,
        business_id,
        invoice_id
    )
    .fetch_all(db)
    .await
}

/// Marks the delivery as being handed to SMTP or the provider now (committed before
/// the call, so a crash during it leaves the delivery visibly in doubt). False if it
/// is already sent or failed.
pub async fn mark_sending(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
    body_digest: Option<&[u8]>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"UPDATE invoice_deliveries SET status = 'sending', sending_at = $3, body_digest = $4
           WHERE business_id = $1 AND id = $2 AND status IN ('queued', 'sending')"#,
        business_id,
        id,
        now,
        body_digest
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// The first of a provider's message ids (in the order given) that no other delivery
/// has claimed: identical texts to one number are told apart this way.
pub async fn first_unclaimed(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    delivery_id: Uuid,
    provider: &str,
    message_ids: &[String],
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT m.id AS "id!" FROM unnest($4::text[]) WITH ORDINALITY AS m (id, n)
           WHERE NOT EXISTS (SELECT 1 FROM invoice_deliveries d
                             WHERE d.provider = $3 AND d.provider_message_id = m.id
                               AND NOT (d.business_id = $1 AND d.id = $2))
           ORDER BY m.n LIMIT 1"#,
        business_id,
        delivery_id,
        provider,
        message_ids
    )
    .fetch_optional(db)
    .await
}

/// Counts that a worker found this delivery in doubt (`sending`) after a crash.
pub async fn count_interruption(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE invoice_deliveries SET interrupted = interrupted + 1 WHERE business_id = $1 AND id = $2",
        business_id,
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn mark_sent(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
    provider: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    let (provider, message_id) = provider.unzip();
    sqlx::query!(
        r#"UPDATE invoice_deliveries SET status = 'sent', sent_at = $3, attempts = attempts + 1, last_error = NULL,
                  provider = $4, provider_message_id = nullif($5, '')
           WHERE business_id = $1 AND id = $2 AND status IN ('queued', 'sending')"#,
        business_id,
        id,
        now,
        provider,
        message_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records a failed attempt; `last` marks the delivery failed for good. Otherwise it
/// keeps its status: one that was `sending` stays in doubt (the provider may have
/// taken it before the error), so the next attempt checks before sending again.
pub async fn record_failure(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    reason: &str,
    last: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE invoice_deliveries
           SET attempts = attempts + 1, last_error = $3, status = CASE WHEN $4 THEN 'failed' ELSE status END
           WHERE business_id = $1 AND id = $2 AND status IN ('queued', 'sending')"#,
        business_id,
        id,
        reason,
        last
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Puts a failed delivery back in the queue (the user pressed "Retry"); false if it was not failed.
pub async fn requeue(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE invoice_deliveries SET status = 'queued' WHERE business_id = $1 AND id = $2 AND status = 'failed'",
        business_id,
        id
    )
    .execute(db)
    .await?
    .rows_affected()
        > 0)
}

/// One dispatch as the admin console's log shows it: when, which business and
/// document, why, by whom, by which channel to whom, and how it went. No message text.
#[derive(Debug, Clone)]
pub struct DispatchRow {
    pub created_at: OffsetDateTime,
    pub business_name: String,
    pub document_number: Option<String>,
    pub kind: String,
    /// The member who pressed "Send"; none for reminders and recurring invoices.
    pub requested_by: Option<String>,
    pub channel: String,
    pub recipient: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<OffsetDateTime>,
    pub provider: Option<String>,
}

/// The latest dispatches of every business, newest first (operator view).
pub async fn recent_dispatches(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<DispatchRow>, sqlx::Error> {
    sqlx::query_as!(
        DispatchRow,
        r#"SELECT d.created_at, b.name AS business_name, i.number AS document_number, d.kind,
                  u.email AS "requested_by?", d.channel, d.recipient, d.status, d.attempts, d.last_error, d.sent_at,
                  d.provider
           FROM invoice_deliveries d
           JOIN businesses b ON b.id = d.business_id
           JOIN invoices i ON i.business_id = d.business_id AND i.id = d.invoice_id
           LEFT JOIN users u ON u.id = d.requested_by
           ORDER BY d.created_at DESC, d.id LIMIT $1"#,
        limit
    )
    .fetch_all(db)
    .await
}
