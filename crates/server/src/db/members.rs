//! Members of a business and invitations to join it.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub role: String,
}

pub async fn list(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query_as!(
        Member,
        r#"SELECT m.user_id, u.email, m.role FROM business_members m JOIN users u ON u.id = m.user_id
           WHERE m.business_id = $1 ORDER BY m.created_at, u.email"#,
        business_id
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    pub created_at: OffsetDateTime,
}

pub async fn open_invitations(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Vec<Invitation>, sqlx::Error> {
    sqlx::query_as!(
        Invitation,
        r#"SELECT id, email, role, created_at FROM invitations
           WHERE business_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY created_at"#,
        business_id
    )
    .fetch_all(db)
    .await
}

/// Creates an invitation unless one is open for that address; `None` if it was.
pub async fn invite(
    conn: &mut PgConnection,
    business_id: Uuid,
    email: &str,
    role: &str,
    invited_by: Uuid,
    now: OffsetDateTime,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO invitations (business_id, id, email, role, invited_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (business_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL DO NOTHING
           RETURNING id"#,
        business_id,
        Uuid::new_v4(),
        email,
        role,
        invited_by,
        now
    )
    .fetch_optional(conn)
    .await
}

pub async fn revoke_invitation(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE invitations SET revoked_at = $3 WHERE business_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        business_id,
        id,
        now
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Turns every open invitation for `email` into a membership of `user_id`; returns
/// the businesses joined.
pub async fn accept_invitations(
    conn: &mut PgConnection,
    user_id: Uuid,
    email: &str,
    now: OffsetDateTime,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"WITH accepted AS (
               UPDATE invitations SET accepted_at = $3
               WHERE email = $2 AND accepted_at IS NULL AND revoked_at IS NULL
               RETURNING business_id, role)
           INSERT INTO business_members (business_id, user_id, role, created_at)
           SELECT business_id, $1, role, $3 FROM accepted
           ON CONFLICT (business_id, user_id) DO NOTHING
           RETURNING business_id"#,
        user_id,
        email,
        now
    )
    .fetch_all(conn)
    .await
}

/// Removes a member; the last owner cannot be removed. Their sessions for this
/// business stop working at once (sessions are checked against membership).
pub async fn remove(db: impl PgExecutor<'_>, business_id: Uuid, user_id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"DELETE FROM business_members WHERE business_id = $1 AND user_id = $2 AND role <> 'owner'"#,
        business_id,
        user_id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub business_id: Uuid,
    pub business_name: String,
    pub role: String,
}

pub async fn businesses_of(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Vec<Membership>, sqlx::Error> {
    sqlx::query_as!(
        Membership,
        r#"SELECT m.business_id, b.name AS business_name, m.role FROM business_members m JOIN businesses b ON b.id = m.business_id
           WHERE m.user_id = $1 ORDER BY m.created_at, b.name"#,
        user_id
    )
    .fetch_all(db)
    .await
}
