//! The record of an issued document: what it showed of the seller, the buyer, the
//! payment details, its language and logo when it was issued, and its files exactly
//! as issued. Written once in the issuing transaction; a trigger refuses any change.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

/// One issued document's record as stored.
pub struct IssuedRecord {
    /// The frozen parties (see `invoicing::documents::Frozen`).
    pub parties: serde_json::Value,
    pub logo: Option<Vec<u8>>,
    pub pdf: Vec<u8>,
    pub ubl: Option<String>,
    pub cii: Option<String>,
}

pub async fn insert(
    conn: &mut PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    record: &IssuedRecord,
    pdf_sha256: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO issued_documents (business_id, invoice_id, parties, logo, pdf, ubl, cii, pdf_sha256, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        business_id,
        invoice_id,
        record.parties,
        record.logo.as_deref(),
        record.pdf,
        record.ubl,
        record.cii,
        pdf_sha256,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Option<IssuedRecord>, sqlx::Error> {
    sqlx::query_as!(
        IssuedRecord,
        r#"SELECT parties, logo, pdf, ubl, cii FROM issued_documents WHERE business_id = $1 AND invoice_id = $2"#,
        business_id,
        invoice_id
    )
    .fetch_optional(db)
    .await
}

/// The frozen parties alone (pages that show who the document is from and to).
pub async fn parties(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT parties FROM issued_documents WHERE business_id = $1 AND invoice_id = $2",
        business_id,
        invoice_id
    )
    .fetch_optional(db)
    .await
}

/// The logo the document was issued with, if it had one.
pub async fn logo(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        "SELECT logo FROM issued_documents WHERE business_id = $1 AND invoice_id = $2",
        business_id,
        invoice_id
    )
    .fetch_optional(db)
    .await?
    .flatten())
}
