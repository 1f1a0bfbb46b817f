//! Personal API tokens: the token is shown once; we keep its SHA-256. A token acts for
//! the member who created it and only while they are a member and not suspended.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub can_write: bool,
    /// May perform the owner's operations (while its creator is an owner).
    pub acts_as_owner: bool,
    pub created_by: Uuid,
    pub created_by_email: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
}

pub struct NewToken<'a> {
    pub name: &'a str,
    pub token_hash: &'a [u8],
    pub can_write: bool,
    pub acts_as_owner: bool,
    pub created_by: Uuid,
    pub expires_at: Option<OffsetDateTime>,
}

pub async fn create(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    t: NewToken<'_>,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO api_tokens (business_id, id, name, token_hash, can_write, created_by, created_at, expires_at,
                                      acts_as_owner)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        business_id,
        id,
        t.name,
        t.token_hash,
        t.can_write,
        t.created_by,
        now,
        t.expires_at,
        t.acts_as_owner
    )
    .execute(db)
    .await?;
    Ok(id)
}

pub async fn list_active(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Vec<ApiToken>, sqlx::Error> {
    sqlx::query_as!(
        ApiToken,
        r#"SELECT t.id, t.name, t.can_write, t.acts_as_owner, t.created_by, u.email AS created_by_email,
                  t.created_at, t.last_used_at, t.expires_at
           FROM api_tokens t JOIN users u ON u.id = t.created_by
           WHERE t.business_id = $1 AND t.revoked_at IS NULL ORDER BY t.created_at, t.id"#,
        business_id
    )
    .fetch_all(db)
    .await
}

/// Revokes one live token; with `only_of`, only if that user created it (a member
/// revokes their own, the owner any).
pub async fn revoke(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    only_of: Option<Uuid>,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"UPDATE api_tokens SET revoked_at = $3
           WHERE business_id = $1 AND id = $2 AND revoked_at IS NULL AND ($4::uuid IS NULL OR created_by = $4)"#,
        business_id,
        id,
        now,
        only_of
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Revokes every live token `user_id` made in the business (they left it); returns how many.
pub async fn revoke_all_of(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    user_id: Uuid,
    now: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE api_tokens SET revoked_at = $3 WHERE business_id = $1 AND created_by = $2 AND revoked_at IS NULL",
        business_id,
        user_id,
        now
    )
    .execute(db)
    .await?
    .rows_affected())
}

#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub business_id: Uuid,
    pub id: Uuid,
    /// Write scope, and the member may write (an accountant's token only reads).
    pub can_write: bool,
    /// Owner scope, and its creator is the business's owner now.
    pub acts_as_owner: bool,
    pub created_by: Uuid,
}

/// The live token with this hash, marking it used: not revoked, not expired, and its
/// creator still a member of the business and not suspended.
///
/// "Last used" is kept to the minute: writing it on every request would make all
/// concurrent requests of one integration queue on the same row lock and a WAL flush
/// each (measured: API list p99 from 82 ms down to a few ms at 32 clients). So the check
/// is a plain read, and the update a second statement only when the minute has passed
/// (as `sessions::touch` does): the update folded into the read as a data-modifying CTE
/// made every call plan, lock and start an UPDATE that almost never wrote.
pub async fn authenticate(
    db: &sqlx::PgPool,
    token_hash: &[u8],
    now: OffsetDateTime,
) -> Result<Option<TokenOwner>, sqlx::Error> {
    let found = sqlx::query!(
        r#"SELECT t.business_id, t.id, t.can_write AND m.role <> 'accountant' AS "can_write!", t.created_by,
                  t.acts_as_owner AND m.role = 'owner' AS "acts_as_owner!", t.last_used_at
           FROM api_tokens t
           JOIN business_members m ON m.business_id = t.business_id AND m.user_id = t.created_by
           JOIN users u ON u.id = t.created_by
           WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.suspended_at IS NULL
             AND (t.expires_at IS NULL OR t.expires_at > $2::timestamptz)"#,
        token_hash,
        now
    )
    .fetch_optional(db)
    .await?;
    let Some(found) = found else { return Ok(None) };
    if found.last_used_at.is_none_or(|at| now - at >= time::Duration::MINUTE) {
        sqlx::query!(
            "UPDATE api_tokens SET last_used_at = $3 WHERE business_id = $1 AND id = $2
               AND (last_used_at IS NULL OR last_used_at < $3::timestamptz - interval '1 minute')",
            found.business_id,
            found.id,
            now
        )
        .execute(db)
        .await?;
    }
    Ok(Some(TokenOwner {
        business_id: found.business_id,
        id: found.id,
        can_write: found.can_write,
        acts_as_owner: found.acts_as_owner,
        created_by: found.created_by,
    }))
}
