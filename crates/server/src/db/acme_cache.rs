//! The `acme_cache` table: sealed ACME accounts and certificates (see `tls::acme`).

use sqlx::PgPool;

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
