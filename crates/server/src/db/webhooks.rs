//! Outbound webhooks' rows: endpoints, events and deliveries (the deliverer's queue).
//! See `crate::webhooks` for what they mean and migrations/20261207000100_webhooks.sql.

use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

/// One endpoint as settings show it (its secret stays sealed and is never read here).
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub disabled_at: Option<OffsetDateTime>,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<OffsetDateTime>,
    pub previous_secret_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

pub async fn list(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Vec<Endpoint>, sqlx::Error> {
    sqlx::query_as!(
        Endpoint,
        r#"SELECT id, url, description, events, enabled, disabled_at, disabled_reason, failing_since,
                  previous_secret_until, created_at
           FROM webhook_endpoints WHERE business_id = $1 ORDER BY created_at, id"#,
        business_id
    )
    .fetch_all(db)
    .await
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<Option<Endpoint>, sqlx::Error> {
    sqlx::query_as!(
        Endpoint,
        r#"SELECT id, url, description, events, enabled, disabled_at, disabled_reason, failing_since,
                  previous_secret_until, created_at
           FROM webhook_endpoints WHERE business_id = $1 AND id = $2"#,
        business_id,
        id
    )
    .fetch_optional(db)
    .await
}

/// What an endpoint is told and what it hears.
pub struct EndpointFields<'a> {
    pub url: &'a str,
    pub description: &'a str,
    pub events: &'a [String],
}

pub async fn insert(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    fields: &EndpointFields<'_>,
    secret_envelope: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO webhook_endpoints (business_id, id, url, description, events, secret_envelope, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"#,
        business_id,
        id,
        fields.url,
        fields.description,
        fields.events,
        secret_envelope,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Changes the URL, description and events, and turns the endpoint on or off (on
/// again clears the record of why it was turned off). False when there is no such row.
pub async fn update(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    fields: &EndpointFields<'_>,
    enabled: bool,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"UPDATE webhook_endpoints
           SET url = $3, description = $4, events = $5, enabled = $6, updated_at = $7,
               disabled_at = CASE WHEN $6 THEN NULL WHEN enabled THEN $7 ELSE disabled_at END,
               disabled_reason = CASE WHEN $6 THEN NULL ELSE disabled_reason END,
               failing_since = CASE WHEN $6 AND NOT enabled THEN NULL ELSE failing_since END
           WHERE business_id = $1 AND id = $2"#,
        business_id,
        id,
        fields.url,
        fields.description,
        fields.events,
        enabled,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The sealed current and (while it overlaps) previous secret, for rotation.
pub async fn secrets_for_update(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
) -> Result<Option<(String, Option<String>, Option<OffsetDateTime>)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT secret_envelope, previous_secret_envelope, previous_secret_until FROM webhook_endpoints
           WHERE business_id = $1 AND id = $2 FOR UPDATE"#,
        business_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.secret_envelope, r.previous_secret_envelope, r.previous_secret_until)))
}

pub async fn set_secrets(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    current: &str,
    previous: Option<(&str, OffsetDateTime)>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE webhook_endpoints SET secret_envelope = $3, previous_secret_envelope = $4,
                  previous_secret_until = $5, updated_at = $6
           WHERE business_id = $1 AND id = $2"#,
        business_id,
        id,
        current,
        previous.map(|p| p.0),
        previous.map(|p| p.1),
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, business_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM webhook_endpoints WHERE business_id = $1 AND id = $2", business_id, id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether any live endpoint of the business hears one of `event_types` (the cheap
/// question an operation asks before it builds an event's body).
pub async fn anyone_listens(
    conn: &mut PgConnection,
    business_id: Uuid,
    event_types: &[String],
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE business_id = $1 AND enabled AND events && $2) AS "any!""#,
        business_id,
        event_types
    )
    .fetch_one(conn)
    .await
}

/// An event as recorded: its message id, type, the object it is about, and its body.
pub struct NewEvent<'a> {
    pub id: Uuid,
    pub event_type: &'a str,
    pub object_id: Uuid,
    pub body: &'a str,
}

/// Records the event and one delivery for each live endpoint that hears it, in the
/// caller's transaction, and wakes idle deliverers with the commit (`notify_channel`):
/// one round trip. The number of deliveries queued.
pub async fn record_event(
    conn: &mut PgConnection,
    business_id: Uuid,
    event: &NewEvent<'_>,
    now: OffsetDateTime,
    notify_channel: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query!(
        r#"WITH targets AS (
               SELECT id FROM webhook_endpoints WHERE business_id = $1 AND enabled AND $3 = ANY(events)),
           event AS (
               INSERT INTO webhook_events (business_id, id, event_type, object_id, body, created_at)
               SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM targets)
               RETURNING id, seq),
           queued AS (
               INSERT INTO webhook_deliveries (business_id, id, endpoint_id, event_id, object_id, seq, next_attempt_at, created_at)
               SELECT $1, gen_random_uuid(), targets.id, event.id, $4, event.seq, $6, $6 FROM targets CROSS JOIN event
               RETURNING 1)
           SELECT (SELECT count(*) FROM queued) AS "queued!",
                  (SELECT pg_notify($7, '') FROM event) IS NULL AS "notified""#,
        business_id,
        event.id,
        event.event_type,
        event.object_id,
        event.body,
        now,
        notify_channel
    )
    .fetch_one(conn)
    .await
    .map(|row| row.queued)
}

/// An invoice, credit note or quote as an event's `data` (amounts as decimal strings),
/// when a live endpoint of its business hears one of `event_types`; else None, for the
/// price of that one lookup.
pub async fn invoice_data(
    conn: &mut PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    event_types: &[String],
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT json_build_object(
                  'object', i.kind, 'id', i.id, 'business_id', i.business_id, 'number', i.number,
                  'status', i.status, 'voided', i.voided_at IS NOT NULL,
                  'customer_id', i.customer_id, 'customer_name', c.name, 'currency', i.currency,
                  'issue_date', i.issue_date, 'due_date', i.due_date,
                  'total', i.payable::text, 'amount_paid', a.paid::text, 'amount_credited', a.credited::text,
                  'amount_due', greatest(coalesce(i.payable, 0) - a.paid - a.credited, 0)::text,
                  'payment_reference', i.payment_reference, 'quote_decision', i.quote_decision)::jsonb AS "data!"
           FROM invoices i
           JOIN customers c ON c.business_id = i.business_id AND c.id = i.customer_id
           CROSS JOIN LATERAL (SELECT
                  coalesce((SELECT sum(p.amount - p.refunded) FROM payments p
                            WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0) AS paid,
                  coalesce((SELECT sum(cn.payable) FROM invoices cn WHERE cn.business_id = i.business_id
                            AND cn.credited_invoice_id = i.id AND cn.status = 'issued'), 0) AS credited) a
           WHERE i.business_id = $1 AND i.id = $2
             AND EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.business_id = $1 AND w.enabled AND w.events && $3)"#,
        business_id,
        invoice_id,
        event_types
    )
    .fetch_optional(conn)
    .await
}

/// Open invoices whose due date passed before `today`, at most `window_days` ago, and
/// whose overdue event was not recorded, of businesses with an endpoint hearing
/// `invoice.overdue` made before they fell due (an endpoint added today does not hear of
/// last year's debts). The window is shorter than events are kept, so an invoice is not
/// told again once its event is purged.
pub async fn newly_overdue(
    db: impl PgExecutor<'_>,
    today: time::Date,
    window_days: i32,
    limit: i64,
) -> Result<Vec<(Uuid, Uuid)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT i.business_id, i.id FROM invoices i
           WHERE i.kind = 'invoice' AND i.status = 'issued' AND i.voided_at IS NULL AND i.due_date < $1
             AND i.due_date >= $1 - $3::int
             AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.business_id = i.business_id AND e.enabled
                         AND 'invoice.overdue' = ANY(e.events) AND e.created_at::date <= i.due_date)
             AND NOT EXISTS (SELECT 1 FROM webhook_events w WHERE w.business_id = i.business_id
                             AND w.object_id = i.id AND w.event_type = 'invoice.overdue')
             AND i.payable
                 - coalesce((SELECT sum(p.amount - p.refunded) FROM payments p WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0)
                 - coalesce((SELECT sum(cn.payable) FROM invoices cn WHERE cn.business_id = i.business_id
                             AND cn.credited_invoice_id = i.id AND cn.status = 'issued'), 0) > 0
           ORDER BY i.due_date LIMIT $2"#,
        today,
        limit,
        window_days
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.business_id, r.id)).collect())
}

/// A delivery the deliverer has claimed, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub business_id: Uuid,
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub attempts: i32,
    pub body: String,
    pub url: String,
    pub secret_envelope: String,
    pub previous_secret_envelope: Option<String>,
    pub previous_secret_until: Option<OffsetDateTime>,
}

/// Claims up to `limit` due deliveries of live endpoints for `lease_seconds`: a
/// delivery waits while an earlier one about the same object to the same endpoint is
/// still undelivered, so a receiver hears of one invoice in order.
pub async fn claim_due(
    db: &PgPool,
    now: OffsetDateTime,
    limit: i64,
    lease_seconds: f64,
) -> Result<Vec<ClaimedDelivery>, sqlx::Error> {
    sqlx::query_as!(
        ClaimedDelivery,
        r#"WITH claimed AS (
               UPDATE webhook_deliveries d
               SET status = 'sending', attempts = d.attempts + 1, last_attempt_at = $1,
                   locked_until = $1 + make_interval(secs => $3)
               WHERE (d.business_id, d.id) IN (
                   SELECT w.business_id, w.id FROM webhook_deliveries w
                   JOIN webhook_endpoints ep ON ep.business_id = w.business_id AND ep.id = w.endpoint_id
                   -- One index probe per candidate (LIMIT 1 keeps it a nested loop: a hash
                   -- anti-join compares every pair when one object has many events).
                   LEFT JOIN LATERAL (
                       SELECT 1 AS waits FROM webhook_deliveries b
                       WHERE b.business_id = w.business_id AND b.endpoint_id = w.endpoint_id
                         AND b.object_id = w.object_id AND b.seq < w.seq AND b.status IN ('pending', 'sending')
                       LIMIT 1) earlier ON true
                   WHERE ep.enabled AND earlier.waits IS NULL
                     AND ((w.status = 'pending' AND w.next_attempt_at <= $1)
                          OR (w.status = 'sending' AND w.locked_until < $1))
                   ORDER BY w.next_attempt_at, w.seq
                   LIMIT $2
                   FOR UPDATE OF w SKIP LOCKED)
               RETURNING d.business_id, d.id, d.endpoint_id, d.event_id, d.attempts)
           SELECT c.business_id AS "business_id!", c.id AS "id!", c.endpoint_id AS "endpoint_id!",
                  c.event_id AS "event_id!", c.attempts AS "attempts!", e.body, p.url, p.secret_envelope,
                  p.previous_secret_envelope, p.previous_secret_until
           FROM claimed c
           JOIN webhook_events e ON e.business_id = c.business_id AND e.id = c.event_id
           JOIN webhook_endpoints p ON p.business_id = c.business_id AND p.id = c.endpoint_id"#,
        now,
        limit,
        lease_seconds
    )
    .fetch_all(db)
    .await
}

/// Deliveries the receivers took (2xx), in one statement; their endpoints are no
/// longer failing.
pub async fn mark_delivered(
    db: &PgPool,
    business_ids: &[Uuid],
    ids: &[Uuid],
    statuses: &[i32],
    durations_ms: &[i32],
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query!(
        r#"UPDATE webhook_deliveries d
           SET status = 'delivered', delivered_at = $5, locked_until = NULL, last_status = t.status,
               last_error = NULL, last_duration_ms = t.duration
           FROM unnest($1::uuid[], $2::uuid[], $3::int4[], $4::int4[]) AS t(business_id, id, status, duration)
           WHERE d.business_id = t.business_id AND d.id = t.id"#,
        business_ids,
        ids,
        statuses,
        durations_ms,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"UPDATE webhook_endpoints e SET failing_since = NULL
           FROM (SELECT DISTINCT d.business_id, d.endpoint_id FROM webhook_deliveries d
                 JOIN unnest($1::uuid[], $2::uuid[]) AS t(business_id, id) ON d.business_id = t.business_id AND d.id = t.id) s
           WHERE e.business_id = s.business_id AND e.id = s.endpoint_id AND e.failing_since IS NOT NULL"#,
        business_ids,
        ids
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// What a failed attempt leaves: tried again at `retry_at`, or failed for good.
pub struct FailedAttempt<'a> {
    pub status: Option<i32>,
    pub error: &'a str,
    pub duration_ms: i32,
    pub retry_at: Option<OffsetDateTime>,
}

/// Records a failed attempt and marks its endpoint failing; returns when the endpoint
/// began failing (for the decision to turn it off).
pub async fn mark_failed(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    failed: &FailedAttempt<'_>,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, sqlx::Error> {
    let endpoint_id = sqlx::query_scalar!(
        r#"UPDATE webhook_deliveries
           SET status = CASE WHEN $6::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
               next_attempt_at = coalesce($6, next_attempt_at), locked_until = NULL,
               last_status = $3, last_error = $4, last_duration_ms = $5
           WHERE business_id = $1 AND id = $2
           RETURNING endpoint_id"#,
        business_id,
        id,
        failed.status,
        failed.error,
        failed.duration_ms,
        failed.retry_at
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(endpoint_id) = endpoint_id else { return Ok(None) };
    sqlx::query_scalar!(
        r#"UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $3)
           WHERE business_id = $1 AND id = $2 RETURNING failing_since AS "failing_since!""#,
        business_id,
        endpoint_id,
        now
    )
    .fetch_optional(conn)
    .await
}

/// Turns an endpoint off after persistent failure; false when it was off already.
pub async fn disable(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    reason: &str,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"UPDATE webhook_endpoints SET enabled = false, disabled_at = $4, disabled_reason = $3, updated_at = $4
           WHERE business_id = $1 AND id = $2 AND enabled"#,
        business_id,
        id,
        reason,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The endpoint a delivery belongs to.
pub async fn endpoint_of(
    conn: &mut PgConnection,
    business_id: Uuid,
    delivery_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT endpoint_id FROM webhook_deliveries WHERE business_id = $1 AND id = $2",
        business_id,
        delivery_id
    )
    .fetch_optional(conn)
    .await
}

/// One line of an endpoint's delivery log.
#[derive(Debug, Clone)]
pub struct LoggedDelivery {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub object_id: Uuid,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: OffsetDateTime,
    pub last_attempt_at: Option<OffsetDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_duration_ms: Option<i32>,
    pub delivered_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// The newest deliveries to an endpoint.
pub async fn log(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    endpoint_id: Uuid,
    limit: i64,
) -> Result<Vec<LoggedDelivery>, sqlx::Error> {
    sqlx::query_as!(
        LoggedDelivery,
        r#"SELECT d.id, d.event_id, e.event_type, d.object_id, d.status, d.attempts, d.next_attempt_at,
                  d.last_attempt_at, d.last_status, d.last_error, d.last_duration_ms, d.delivered_at, d.created_at
           FROM webhook_deliveries d
           JOIN webhook_events e ON e.business_id = d.business_id AND e.id = d.event_id
           WHERE d.business_id = $1 AND d.endpoint_id = $2
           ORDER BY d.created_at DESC, e.seq DESC LIMIT $3"#,
        business_id,
        endpoint_id,
        limit
    )
    .fetch_all(db)
    .await
}

/// Queues a delivery again now with a fresh schedule (a person asked); false when
/// there is no such delivery or it is being sent this moment.
pub async fn redeliver(
    conn: &mut PgConnection,
    business_id: Uuid,
    endpoint_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $4, locked_until = NULL
           WHERE business_id = $1 AND endpoint_id = $2 AND id = $3 AND status IN ('delivered', 'failed', 'pending')"#,
        business_id,
        endpoint_id,
        id,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the events recorded before `before` none of whose deliveries is still
/// pending or under way, with their deliveries; at most `limit` events, the oldest
/// first. The number of events deleted.
pub async fn purge_recorded_before(
    db: impl PgExecutor<'_>,
    before: OffsetDateTime,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        r#"DELETE FROM webhook_events e
           WHERE (e.business_id, e.id) IN (
               SELECT o.business_id, o.id FROM webhook_events o
               WHERE o.created_at < $1
                 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.business_id = o.business_id
                                 AND d.event_id = o.id AND d.status IN ('pending', 'sending'))
               ORDER BY o.created_at LIMIT $2)"#,
        before,
        limit
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
