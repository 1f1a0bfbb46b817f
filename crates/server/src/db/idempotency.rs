//! Idempotency-Key records: the first request with a key runs and its response is
//! stored; a retry with the same key and the same request gets that response again.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug)]
pub struct Stored {
    pub request_hash: Vec<u8>,
    pub response_status: Option<i32>,
    pub response_body: Option<Vec<u8>>,
}

/// Claims `key`; `false` if it exists already.
/// How long a claim without a response is honoured: twice the longest a request may
/// run (`http.request_timeout_seconds`, 60 s by default).
pub const ABANDONED_AFTER: time::Duration = time::Duration::minutes(2);

pub async fn claim(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    key: &str,
    request_hash: &[u8],
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    // A claim with no response after `ABANDONED_AFTER` belonged to a request whose
    // instance died (requests time out long before): the same request may take it over.
    Ok(sqlx::query!(
        r#"INSERT INTO idempotency_keys (business_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (business_id, key) DO UPDATE SET created_at = EXCLUDED.created_at
           WHERE idempotency_keys.response_status IS NULL AND idempotency_keys.request_hash = EXCLUDED.request_hash
             AND idempotency_keys.created_at < $5"#,
        business_id,
        key,
        request_hash,
        now,
        now - ABANDONED_AFTER
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, key: &str) -> Result<Option<Stored>, sqlx::Error> {
    sqlx::query_as!(
        Stored,
        "SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE business_id = $1 AND key = $2",
        business_id,
        key
    )
    .fetch_optional(db)
    .await
}

pub async fn store_response(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    key: &str,
    status: i32,
    body: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE business_id = $1 AND key = $2",
        business_id,
        key,
        status,
        body
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets a key whose request failed on our side, so the client may retry it.
pub async fn release(db: impl PgExecutor<'_>, business_id: Uuid, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM idempotency_keys WHERE business_id = $1 AND key = $2", business_id, key)
        .execute(db)
        .await?;
    Ok(())
}
