//! Deliveries of documents to customers: what was sent, to whom, by which channel,
//! and how it went (queued, sent, failed with the reason).

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

pub struct Delivery {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub channel: String,
    pub recipient: String,
    pub attach_xml: bool,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub requested_by: Uuid,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

pub struct NewDelivery<'a> {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub recipient: &'a str,
    pub attach_xml: bool,
    pub requested_by: Uuid,
}

pub async fn create(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    d: NewDelivery<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO invoice_deliveries (business_id, id, invoice_id, channel, recipient, attach_xml, requested_by, created_at)
           VALUES ($1, $2, $3, 'email', $4, $5, $6, $7)"#,
        business_id,
        d.id,
        d.invoice_id,
        d.recipient,
        d.attach_xml,
        d.requested_by,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<Option<Delivery>, sqlx::Error> {
    sqlx::query_as!(
        Delivery,
        r#"SELECT id, invoice_id, channel, recipient, attach_xml, status, attempts, last_error, requested_by,
                  created_at, sent_at
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
        r#"SELECT id, invoice_id, channel, recipient, attach_xml, status, attempts, last_error, requested_by,
                  created_at, sent_at
           FROM invoice_deliveries WHERE business_id = $1 AND invoice_id = $2 ORDER BY created_at DESC"#,
        business_id,
        invoice_id
    )
    .fetch_all(db)
    .await
}

pub async fn mark_sent(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE invoice_deliveries SET status = 'sent', sent_at = $3, attempts = attempts + 1, last_error = NULL
           WHERE business_id = $1 AND id = $2"#,
        business_id,
        id,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records a failed attempt; `last` marks the delivery failed for good.
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
           WHERE business_id = $1 AND id = $2 AND status = 'queued'"#,
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
