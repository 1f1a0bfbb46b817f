//! The `acme_cache` table: sealed ACME accounts and certificates (see `tls::acme`);
//! the `acme_status` table: the certificate's expiry, failing renewals and the count of
//! orders; and the advisory lock that lets only one instance order at a time.

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

/// The row key for a certificate (domains) or an account (contacts) at a directory:
/// the ACME client's cache and the status check (`tls::acme_status`) both find rows by it.
pub fn row_key(names: &[String], directory_url: &str) -> String {
    let mut hash = Sha256::new();
    hash.update((directory_url.len() as u64).to_be_bytes());
    hash.update(directory_url);
    for name in names {
        hash.update((name.len() as u64).to_be_bytes());
        hash.update(name);
    }
    hex::encode(hash.finalize())
}

pub async fn load(pool: &PgPool, kind: &str, cache_key: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar!("SELECT sealed FROM acme_cache WHERE kind = $1 AND cache_key = $2", kind, cache_key)
        .fetch_optional(pool)
        .await
}

pub async fn store(pool: &PgPool, kind: &str, cache_key: &str, sealed: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO acme_cache (kind, cache_key, sealed) VALUES ($1, $2, $3)
         ON CONFLICT (kind, cache_key) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = now()",
        kind,
        cache_key,
        sealed
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Takes the session-level advisory lock `key` on `conn` if no other session holds it.
/// It stays taken for as long as the connection lives (or until the process dies).
pub async fn try_order_lock(conn: &mut PgConnection, key: i64) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query_scalar!("SELECT pg_try_advisory_lock($1)", key).fetch_one(conn).await?;
    Ok(taken.unwrap_or(false))
}

/// Whether the connection holding the order lock still answers.
pub async fn ping(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!("SELECT 1").fetch_one(conn).await.map(|_| ())
}

/// What every instance knows about the certificate for one cache key.
#[derive(Debug, Clone)]
pub struct AcmeStatus {
    pub not_after: Option<OffsetDateTime>,
    pub renewal_failing_since: Option<OffsetDateTime>,
    pub orders_completed: i32,
}

/// Records the certificate in use; `ordered` counts a newly issued one and clears a
/// failing renewal.
pub async fn record_certificate(
    pool: &PgPool,
    cache_key: &str,
    not_after: OffsetDateTime,
    ordered: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO acme_status (cache_key, not_after, orders_completed) VALUES ($1, $2, $3::int)
         ON CONFLICT (cache_key) DO UPDATE SET
             not_after = EXCLUDED.not_after,
             orders_completed = acme_status.orders_completed + $3::int,
             renewal_failing_since = CASE WHEN $3::int > 0 THEN NULL ELSE acme_status.renewal_failing_since END,
             updated_at = now()",
        cache_key,
        not_after,
        i32::from(ordered)
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a failed order; the first failure of a series is kept.
pub async fn record_failed_order(pool: &PgPool, cache_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO acme_status (cache_key, renewal_failing_since) VALUES ($1, now())
         ON CONFLICT (cache_key) DO UPDATE SET
             renewal_failing_since = COALESCE(acme_status.renewal_failing_since, now()),
             updated_at = now()",
        cache_key
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn status(pool: &PgPool, cache_key: &str) -> Result<Option<AcmeStatus>, sqlx::Error> {
    sqlx::query_as!(
        AcmeStatus,
        "SELECT not_after, renewal_failing_since, orders_completed FROM acme_status WHERE cache_key = $1",
        cache_key
    )
    .fetch_optional(pool)
    .await
}
