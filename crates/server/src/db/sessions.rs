//! Server-side sessions: the browser holds a random token, we hold its SHA-256.
//!
//! Idle and absolute timeouts are enforced here, in the lookup itself, so an expired
//! session can never be used even before the purge removes it.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

pub struct NewSession<'a> {
    pub token_hash: &'a [u8],
    pub user_id: Uuid,
    /// `None` while the user answers invitations and has no business yet.
    pub business_id: Option<Uuid>,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub async fn create(db: impl PgExecutor<'_>, s: NewSession<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO sessions (token_hash, user_id, business_id, created_at, last_seen_at, expires_at, ip, user_agent)
           VALUES ($1, $2, $3, $4, $4, $5, $6, $7)"#,
        s.token_hash,
        s.user_id,
        s.business_id,
        s.now,
        s.expires_at,
        s.ip,
        s.user_agent
    )
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub user_id: Uuid,
    pub business_id: Uuid,
    /// The user's role in that business, read with the session so a removed member
    /// or a changed role takes effect on the next request.
    pub role: String,
}

/// Activity is recorded at most once a minute per session: most requests only read,
/// and an idle timeout measured to the minute is what users expect anyway.
pub const ACTIVITY_GRANULARITY: time::Duration = time::Duration::MINUTE;

/// A live session as found by [`touch`].
#[derive(Debug, Clone)]
pub enum FoundSession {
    /// Acting for a business the user is still a member of.
    Active(ActiveSession),
    /// Signed in, with invitations to answer and no business yet.
    Choosing { user_id: Uuid },
}

/// Finds a live session and records activity. A session idle since before
/// `idle_cutoff`, past its absolute expiry, whose user is no longer a member of its
/// business, or whose user an operator suspended is not returned.
pub async fn touch(
    db: &sqlx::PgPool,
    token_hash: &[u8],
    now: OffsetDateTime,
    idle_cutoff: OffsetDateTime,
) -> Result<Option<FoundSession>, sqlx::Error> {
    let found = sqlx::query!(
        r#"SELECT s.user_id, s.business_id, m.role AS "role?", s.last_seen_at
           FROM sessions s LEFT JOIN business_members m ON m.business_id = s.business_id AND m.user_id = s.user_id
           JOIN users u ON u.id = s.user_id
           WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.suspended_at IS NULL"#,
        token_hash,
        now,
        idle_cutoff
    )
    .fetch_optional(db)
    .await?;
    let Some(found) = found else { return Ok(None) };
    let session = match (found.business_id, found.role) {
        (Some(business_id), Some(role)) => {
            FoundSession::Active(ActiveSession { user_id: found.user_id, business_id, role })
        }
        (None, _) => FoundSession::Choosing { user_id: found.user_id },
        // The membership is gone: the session no longer opens anything.
        (Some(_), None) => return Ok(None),
    };
    if now - found.last_seen_at >= ACTIVITY_GRANULARITY {
        sqlx::query!(
            "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2",
            token_hash,
            now
        )
        .execute(db)
        .await?;
    }
    Ok(Some(session))
}

/// Points the session at another business the user belongs to.
pub async fn switch_business(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    user_id: Uuid,
    business_id: Uuid,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"UPDATE sessions SET business_id = $3
           WHERE token_hash = $1 AND user_id = $2
             AND EXISTS (SELECT 1 FROM business_members WHERE business_id = $3 AND user_id = $2)"#,
        token_hash,
        user_id,
        business_id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

pub async fn delete(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE token_hash = $1", token_hash).execute(db).await?;
    Ok(())
}

pub async fn delete_all_for_user(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id).execute(db).await?.rows_affected())
}
