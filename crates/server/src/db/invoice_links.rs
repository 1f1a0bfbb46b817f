//! Customer links to issued documents: at most one live link per document, looked up
//! by the SHA-256 of its token; views are counted on the link itself.

use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

pub struct LiveLink {
    pub id: Uuid,
    pub token_sealed: Vec<u8>,
    pub created_at: OffsetDateTime,
    pub first_viewed_at: Option<OffsetDateTime>,
    pub view_count: i32,
}

pub async fn live(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Option<LiveLink>, sqlx::Error> {
    sqlx::query_as!(
        LiveLink,
        r#"SELECT id, token_sealed, created_at, first_viewed_at, view_count FROM invoice_links
           WHERE business_id = $1 AND invoice_id = $2 AND revoked_at IS NULL"#,
        business_id,
        invoice_id
    )
    .fetch_optional(db)
    .await
}

pub struct NewLink<'a> {
    pub id: Uuid,
    pub token_hash: &'a [u8],
    pub token_sealed: &'a [u8],
}

/// Whether the document has or ever had a customer link (revoked links are kept).
pub async fn ever_had(db: impl PgExecutor<'_>, business_id: Uuid, invoice_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM invoice_links WHERE business_id = $1 AND invoice_id = $2) AS "exists!""#,
        business_id,
        invoice_id
    )
    .fetch_one(db)
    .await
}

/// Revokes the live link (if any) and stores the new one, in the caller's transaction.
pub async fn replace(
    tx: &mut Transaction<'_, Postgres>,
    business_id: Uuid,
    invoice_id: Uuid,
    link: NewLink<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    revoke(&mut **tx, business_id, invoice_id, now).await?;
    sqlx::query!(
        r#"INSERT INTO invoice_links (business_id, invoice_id, id, token_hash, token_sealed, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)"#,
        business_id,
        invoice_id,
        link.id,
        link.token_hash,
        link.token_sealed,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ends the live link; returns whether there was one.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE invoice_links SET revoked_at = $3 WHERE business_id = $1 AND invoice_id = $2 AND revoked_at IS NULL",
        business_id,
        invoice_id,
        now
    )
    .execute(db)
    .await?
    .rows_affected()
        > 0)
}

pub struct OpenedLink {
    pub business_id: Uuid,
    pub invoice_id: Uuid,
}

/// The document a live token opens, without recording a view.
pub async fn resolve(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<Option<OpenedLink>, sqlx::Error> {
    sqlx::query_as!(
        OpenedLink,
        "SELECT business_id, invoice_id FROM invoice_links WHERE token_hash = $1 AND revoked_at IS NULL",
        token_hash
    )
    .fetch_optional(db)
    .await
}

/// Records a view by the customer; true when it was the first.
pub async fn record_view(db: impl PgExecutor<'_>, token_hash: &[u8], now: OffsetDateTime) -> Result<bool, sqlx::Error> {
    let first = sqlx::query_scalar!(
        r#"UPDATE invoice_links
           SET view_count = view_count + 1, first_viewed_at = coalesce(first_viewed_at, $2), last_viewed_at = $2
           WHERE token_hash = $1 AND revoked_at IS NULL
           RETURNING view_count = 1 AS "first!""#,
        token_hash,
        now
    )
    .fetch_optional(db)
    .await?;
    Ok(first.unwrap_or(false))
}
