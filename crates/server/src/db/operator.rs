//! What the admin console reads and changes across tenants: searching users and
//! businesses, suspending and reinstating users, ending their sessions. The only
//! queries that are not scoped to one business, and only the admin router calls them.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub created_at: OffsetDateTime,
    pub suspended_at: Option<OffsetDateTime>,
    pub businesses: i64,
    pub sessions: i64,
}

/// Users whose address contains `query` (case-insensitive), newest first.
pub async fn search_users(db: impl PgExecutor<'_>, query: &str, limit: i64) -> Result<Vec<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT u.id, u.email, u.created_at, u.suspended_at,
                  (SELECT count(*) FROM business_members m WHERE m.user_id = u.id) AS "businesses!",
                  (SELECT count(*) FROM sessions s WHERE s.user_id = u.id) AS "sessions!"
           FROM users u
           WHERE u.email LIKE '%' || $1 || '%'
           ORDER BY u.created_at DESC, u.id LIMIT $2"#,
        escape_like(&query.to_lowercase()),
        limit
    )
    .fetch_all(db)
    .await
}

pub async fn find_user(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT u.id, u.email, u.created_at, u.suspended_at,
                  (SELECT count(*) FROM business_members m WHERE m.user_id = u.id) AS "businesses!",
                  (SELECT count(*) FROM sessions s WHERE s.user_id = u.id) AS "sessions!"
           FROM users u WHERE u.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone)]
pub struct BusinessRow {
    pub id: Uuid,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub members: i64,
    pub owner_email: Option<String>,
}

/// Businesses whose name contains `query` (case-insensitive), or whose id it is.
pub async fn search_businesses(
    db: impl PgExecutor<'_>,
    query: &str,
    limit: i64,
) -> Result<Vec<BusinessRow>, sqlx::Error> {
    let id: Option<Uuid> = query.trim().parse().ok();
    sqlx::query_as!(
        BusinessRow,
        r#"SELECT b.id, b.name, b.created_at,
                  (SELECT count(*) FROM business_members m WHERE m.business_id = b.id) AS "members!",
                  (SELECT u.email FROM business_members m JOIN users u ON u.id = m.user_id
                   WHERE m.business_id = b.id AND m.role = 'owner' ORDER BY m.created_at LIMIT 1) AS owner_email
           FROM businesses b
           WHERE b.id = $3 OR lower(b.name) LIKE '%' || $1 || '%'
           ORDER BY b.created_at DESC, b.id LIMIT $2"#,
        escape_like(&query.to_lowercase()),
        limit,
        id
    )
    .fetch_all(db)
    .await
}

/// `%`, `_` and `\` typed by the operator are matched literally.
pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Suspends a user and ends all their sessions at once (one transaction). Returns
/// (changed, sessions ended); their API tokens are revoked; suspending a suspended
/// user changes nothing.
pub async fn suspend_user(conn: &mut PgConnection, id: Uuid, now: OffsetDateTime) -> Result<(bool, u64), sqlx::Error> {
    let changed = sqlx::query!("UPDATE users SET suspended_at = $2 WHERE id = $1 AND suspended_at IS NULL", id, now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    let ended = crate::db::sessions::delete_all_for_user(&mut *conn, id).await?;
    // Their API tokens die with the suspension and stay dead if they are reinstated.
    sqlx::query!("UPDATE api_tokens SET revoked_at = $2 WHERE created_by = $1 AND revoked_at IS NULL", id, now)
        .execute(&mut *conn)
        .await?;
    Ok((changed, ended))
}

pub async fn reinstate_user(db: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!("UPDATE users SET suspended_at = NULL WHERE id = $1 AND suspended_at IS NOT NULL", id)
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}

pub async fn is_suspended(db: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!(r#"SELECT suspended_at IS NOT NULL AS "s!" FROM users WHERE id = $1"#, id)
        .fetch_optional(db)
        .await?
        .unwrap_or(false))
}
