//! Bills (`bills`): what a received invoice asks the business to pay, its payment details
//! and its state (to pay, scheduled, paid). A bill with the same supplier and number as an
//! earlier one names it in `duplicate_of`.

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub struct NewBill {
    pub id: Uuid,
    pub received_document_id: Uuid,
    pub credit_note: bool,
    pub supplier_name: String,
    pub supplier_vat_id: Option<String>,
    pub supplier_registration_id: Option<String>,
    pub supplier_participant_id: Option<String>,
    pub supplier_vat_key: String,
    pub number: String,
    pub issue_date: Date,
    pub due_date: Option<Date>,
    pub currency: String,
    pub net: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    pub payable: Decimal,
    pub vat_breakdown: serde_json::Value,
    pub payment_reference: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub duplicate_of: Option<Uuid>,
}

/// Serialises the receiving of bills within one business, so two documents with the
/// same supplier and number arriving at once still see each other.
pub async fn lock_for_receiving(conn: &mut PgConnection, business_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT pg_advisory_xact_lock(hashtextextended('bills:' || ($1::uuid)::text, 0))::text",
        business_id
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// The first bill with this number from the same supplier (the same VAT id, or the same
/// name when either has none).
pub async fn earlier_with_number(
    conn: &mut PgConnection,
    business_id: Uuid,
    vat_key: &str,
    supplier_name: &str,
    number: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id FROM bills
           WHERE business_id = $1 AND number = $2
             AND ((supplier_vat_key <> '' AND supplier_vat_key = $3)
                  OR ((supplier_vat_key = '' OR $3 = '') AND lower(supplier_name) = lower($4)))
           ORDER BY created_at LIMIT 1"#,
        business_id,
        number,
        vat_key,
        supplier_name
    )
    .fetch_optional(conn)
    .await
}

pub async fn insert(
    conn: &mut PgConnection,
    business_id: Uuid,
    b: &NewBill,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO bills (business_id, id, received_document_id, credit_note, supplier_name, supplier_vat_id,
                              supplier_registration_id, supplier_participant_id, supplier_vat_key, number, issue_date,
                              due_date, currency, net, vat, total, payable, vat_breakdown, payment_reference, iban,
                              bic, state, duplicate_of, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                   'to_pay', $22, $23)"#,
        business_id,
        b.id,
        b.received_document_id,
        b.credit_note,
        b.supplier_name,
        b.supplier_vat_id,
        b.supplier_registration_id,
        b.supplier_participant_id,
        b.supplier_vat_key,
        b.number,
        b.issue_date,
        b.due_date,
        b.currency,
        b.net,
        b.vat,
        b.total,
        b.payable,
        b.vat_breakdown,
        b.payment_reference,
        b.iban,
        b.bic,
        b.duplicate_of,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A bill as the pages, the API and the export show it, with its document's status.
#[derive(Debug, Clone)]
pub struct Bill {
    pub id: Uuid,
    pub received_document_id: Uuid,
    pub credit_note: bool,
    pub supplier_name: String,
    pub supplier_vat_id: Option<String>,
    pub supplier_registration_id: Option<String>,
    pub supplier_participant_id: Option<String>,
    pub number: String,
    pub issue_date: Date,
    pub due_date: Option<Date>,
    pub currency: String,
    pub net: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    pub payable: Decimal,
    pub vat_breakdown: serde_json::Value,
    pub payment_reference: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub state: String,
    pub scheduled_for: Option<Date>,
    pub paid_at: Option<OffsetDateTime>,
    pub duplicate_of: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub document_status: String,
    pub document_format: String,
    pub document_source: String,
    pub validation: serde_json::Value,
}

/// The newest bills, in `state` when given (`to_pay`, `scheduled`, `paid`).
pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    state: Option<&str>,
    limit: i64,
) -> Result<Vec<Bill>, sqlx::Error> {
    sqlx::query_as!(
        Bill,
        r#"SELECT b.id, b.received_document_id, b.credit_note, b.supplier_name, b.supplier_vat_id,
                  b.supplier_registration_id, b.supplier_participant_id, b.number, b.issue_date, b.due_date,
                  b.currency, b.net, b.vat, b.total, b.payable, b.vat_breakdown, b.payment_reference, b.iban, b.bic,
                  b.state, b.scheduled_for, b.paid_at, b.duplicate_of, b.created_at, d.status AS document_status,
                  d.format AS document_format, d.source AS document_source, d.validation
           FROM bills b JOIN received_documents d ON d.business_id = b.business_id AND d.id = b.received_document_id
           WHERE b.business_id = $1 AND ($2::text IS NULL OR b.state = $2)
           ORDER BY coalesce(b.due_date, b.issue_date), b.created_at LIMIT $3"#,
        business_id,
        state,
        limit
    )
    .fetch_all(db)
    .await
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<Option<Bill>, sqlx::Error> {
    sqlx::query_as!(
        Bill,
        r#"SELECT b.id, b.received_document_id, b.credit_note, b.supplier_name, b.supplier_vat_id,
                  b.supplier_registration_id, b.supplier_participant_id, b.number, b.issue_date, b.due_date,
                  b.currency, b.net, b.vat, b.total, b.payable, b.vat_breakdown, b.payment_reference, b.iban, b.bic,
                  b.state, b.scheduled_for, b.paid_at, b.duplicate_of, b.created_at, d.status AS document_status,
                  d.format AS document_format, d.source AS document_source, d.validation
           FROM bills b JOIN received_documents d ON d.business_id = b.business_id AND d.id = b.received_document_id
           WHERE b.business_id = $1 AND b.id = $2"#,
        business_id,
        id
    )
    .fetch_optional(db)
    .await
}

/// The bills issued within `from..=to`, oldest first (the bookkeeper's CSV).
pub async fn issued_between(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    from: Date,
    to: Date,
) -> Result<Vec<Bill>, sqlx::Error> {
    sqlx::query_as!(
        Bill,
        r#"SELECT b.id, b.received_document_id, b.credit_note, b.supplier_name, b.supplier_vat_id,
                  b.supplier_registration_id, b.supplier_participant_id, b.number, b.issue_date, b.due_date,
                  b.currency, b.net, b.vat, b.total, b.payable, b.vat_breakdown, b.payment_reference, b.iban, b.bic,
                  b.state, b.scheduled_for, b.paid_at, b.duplicate_of, b.created_at, d.status AS document_status,
                  d.format AS document_format, d.source AS document_source, d.validation
           FROM bills b JOIN received_documents d ON d.business_id = b.business_id AND d.id = b.received_document_id
           WHERE b.business_id = $1 AND b.issue_date BETWEEN $2 AND $3
           ORDER BY b.issue_date, b.supplier_name, b.number"#,
        business_id,
        from,
        to
    )
    .fetch_all(db)
    .await
}

/// The bill's state, locked until the transaction ends.
pub async fn state_for_update(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT state FROM bills WHERE business_id = $1 AND id = $2 FOR UPDATE", business_id, id)
        .fetch_optional(conn)
        .await
}

pub async fn set_state(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    state: &str,
    scheduled_for: Option<Date>,
    paid_at: Option<OffsetDateTime>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE bills SET state = $3, scheduled_for = $4, paid_at = $5 WHERE business_id = $1 AND id = $2",
        business_id,
        id,
        state,
        scheduled_for,
        paid_at
    )
    .execute(conn)
    .await?;
    Ok(())
}
