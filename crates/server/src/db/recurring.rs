//! Recurring invoice templates and the drafts they create on schedule.

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Recurring {
    pub id: Uuid,
    pub source_invoice_id: Uuid,
    pub source_number: Option<String>,
    pub customer_name: String,
    pub every_months: i32,
    pub next_run_on: Date,
    /// Issued and emailed on its date, instead of waiting as a draft.
    pub auto_send: bool,
}

pub async fn create(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    source_invoice_id: Uuid,
    every_months: i32,
    next_run_on: Date,
    auto_send: bool,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO recurring_invoices (business_id, id, source_invoice_id, every_months, next_run_on, auto_send, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
        business_id,
        id,
        source_invoice_id,
        every_months,
        next_run_on,
        auto_send,
        now
    )
    .execute(db)
    .await?;
    Ok(id)
}

pub async fn list_active(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Vec<Recurring>, sqlx::Error> {
    sqlx::query_as!(
        Recurring,
        r#"SELECT r.id, r.source_invoice_id, i.number AS source_number, c.name AS customer_name, r.every_months, r.next_run_on,
                  r.auto_send
           FROM recurring_invoices r
           JOIN invoices i ON i.business_id = r.business_id AND i.id = r.source_invoice_id
           JOIN customers c ON c.business_id = i.business_id AND c.id = i.customer_id
           WHERE r.business_id = $1 AND r.active ORDER BY r.next_run_on, r.id"#,
        business_id
    )
    .fetch_all(db)
    .await
}

pub async fn stop(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE recurring_invoices SET active = false WHERE business_id = $1 AND id = $2 AND active",
        business_id,
        id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone)]
pub struct Due {
    pub business_id: Uuid,
    pub id: Uuid,
    pub source_invoice_id: Uuid,
    pub every_months: i32,
    pub next_run_on: Date,
    pub auto_send: bool,
}

/// Templates due on or before `today`, locked (other workers skip them) until the
/// caller's transaction ends.
pub async fn claim_due(conn: &mut PgConnection, today: Date, limit: i64) -> Result<Vec<Due>, sqlx::Error> {
    sqlx::query_as!(
        Due,
        r#"SELECT business_id, id, source_invoice_id, every_months, next_run_on, auto_send FROM recurring_invoices
           WHERE active AND next_run_on <= $1 ORDER BY next_run_on LIMIT $2 FOR UPDATE SKIP LOCKED"#,
        today,
        limit
    )
    .fetch_all(conn)
    .await
}

pub async fn advance(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    next_run_on: Date,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE recurring_invoices SET next_run_on = $3 WHERE business_id = $1 AND id = $2",
        business_id,
        id,
        next_run_on
    )
    .execute(conn)
    .await?;
    Ok(())
}
