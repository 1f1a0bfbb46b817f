//! Received e-invoices (`received_documents`): the original bytes as they arrived, their
//! SHA-256, the format, the validation findings and whether a fatal one failed. The same
//! bytes are one row per business, so receiving them again finds the first.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

pub struct NewDocument<'a> {
    pub id: Uuid,
    pub source: &'a str,
    pub file_name: &'a str,
    pub original: &'a [u8],
    pub sha256: &'a str,
    pub format: &'a str,
    pub validation: serde_json::Value,
    pub status: &'a str,
    pub received_by: &'a str,
}

/// Inserts the document, or finds the one with the same bytes: `(id, newly inserted)`.
pub async fn insert_or_find(
    conn: &mut PgConnection,
    business_id: Uuid,
    doc: &NewDocument<'_>,
    now: OffsetDateTime,
) -> Result<(Uuid, bool), sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO received_documents (business_id, id, received_at, source, file_name, original, sha256, format,
                                           validation, status, received_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (business_id, sha256) DO NOTHING
           RETURNING id"#,
        business_id,
        doc.id,
        now,
        doc.source,
        doc.file_name,
        doc.original,
        doc.sha256,
        doc.format,
        doc.validation,
        doc.status,
        doc.received_by
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = inserted {
        return Ok((id, true));
    }
    let id = sqlx::query_scalar!(
        "SELECT id FROM received_documents WHERE business_id = $1 AND sha256 = $2",
        business_id,
        doc.sha256
    )
    .fetch_one(conn)
    .await?;
    Ok((id, false))
}

/// A received document without its bytes.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub id: Uuid,
    pub received_at: OffsetDateTime,
    pub source: String,
    pub file_name: String,
    pub sha256: String,
    pub format: String,
    pub validation: serde_json::Value,
    pub status: String,
    /// The bill it became, when it could be read.
    pub bill_id: Option<Uuid>,
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<Option<DocumentInfo>, sqlx::Error> {
    sqlx::query_as!(
        DocumentInfo,
        r#"SELECT d.id, d.received_at, d.source, d.file_name, d.sha256, d.format, d.validation, d.status,
                  b.id AS "bill_id?"
           FROM received_documents d
           LEFT JOIN bills b ON b.business_id = d.business_id AND b.received_document_id = d.id
           WHERE d.business_id = $1 AND d.id = $2"#,
        business_id,
        id
    )
    .fetch_optional(db)
    .await
}

/// The newest documents that did not become a bill (required information missing).
pub async fn without_bill(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    limit: i64,
) -> Result<Vec<DocumentInfo>, sqlx::Error> {
    sqlx::query_as!(
        DocumentInfo,
        r#"SELECT d.id, d.received_at, d.source, d.file_name, d.sha256, d.format, d.validation, d.status,
                  NULL::uuid AS "bill_id?"
           FROM received_documents d
           WHERE d.business_id = $1
             AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.business_id = d.business_id AND b.received_document_id = d.id)
           ORDER BY d.received_at DESC LIMIT $2"#,
        business_id,
        limit
    )
    .fetch_all(db)
    .await
}

/// A document's original bytes with its name and format.
pub struct Original {
    pub file_name: String,
    pub format: String,
    pub sha256: String,
    pub original: Vec<u8>,
}

pub async fn original(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<Option<Original>, sqlx::Error> {
    sqlx::query_as!(
        Original,
        "SELECT file_name, format, sha256, original FROM received_documents WHERE business_id = $1 AND id = $2",
        business_id,
        id
    )
    .fetch_optional(db)
    .await
}

/// The originals of the bills issued in a period, for the bookkeeper's ZIP.
pub struct BillOriginal {
    pub bill_id: Uuid,
    pub supplier_name: String,
    pub number: String,
    pub format: String,
    pub original: Vec<u8>,
}

pub async fn originals_of_bills(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    from: time::Date,
    to: time::Date,
) -> Result<Vec<BillOriginal>, sqlx::Error> {
    sqlx::query_as!(
        BillOriginal,
        r#"SELECT b.id AS bill_id, b.supplier_name, b.number, d.format, d.original
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
