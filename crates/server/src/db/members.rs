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

/// How long an invitation can be answered. After that the owner invites again: an address
/// can change hands, and an invitation nobody answered should not wait for whoever gets it.
pub const INVITATION_VALID_FOR: time::Duration = time::Duration::days(14);

/// The business's invitations nobody has answered yet and that have not expired.
pub async fn open_invitations(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    now: OffsetDateTime,
) -> Result<Vec<Invitation>, sqlx::Error> {
    sqlx::query_as!(
        Invitation,
        r#"SELECT id, email, role, created_at FROM invitations
           WHERE business_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND declined_at IS NULL
             AND created_at > $2
           ORDER BY created_at"#,
        business_id,
        now - INVITATION_VALID_FOR
    )
    .fetch_all(db)
    .await
}

/// Creates an invitation unless one is open for that address; `None` if it was. An
/// expired one is closed first (as revoked at its expiry), so the owner can invite again.
pub async fn invite(
    conn: &mut PgConnection,
    business_id: Uuid,
    email: &str,
    role: &str,
    invited_by: Uuid,
    now: OffsetDateTime,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query!(
        r#"UPDATE invitations SET revoked_at = created_at + $4::interval
           WHERE business_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL
             AND declined_at IS NULL AND created_at <= $3"#,
        business_id,
        email,
        now - INVITATION_VALID_FOR,
        sqlx::postgres::types::PgInterval::try_from(INVITATION_VALID_FOR).expect("a whole number of days"),
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        r#"INSERT INTO invitations (business_id, id, email, role, invited_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (business_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL AND declined_at IS NULL
           DO NOTHING
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
        r#"UPDATE invitations SET revoked_at = $3
           WHERE business_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND declined_at IS NULL"#,
        business_id,
        id,
        now
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// An invitation as its invitee sees it: who asks them to join what, in which role.
#[derive(Debug, Clone)]
pub struct InvitationToAnswer {
    pub business_id: Uuid,
    pub id: Uuid,
    pub business_name: String,
    pub role: String,
    pub invited_by: String,
    pub created_at: OffsetDateTime,
}

/// The open, unexpired invitations addressed to `email`, oldest first.
pub async fn invitations_to(
    db: impl PgExecutor<'_>,
    email: &str,
    now: OffsetDateTime,
) -> Result<Vec<InvitationToAnswer>, sqlx::Error> {
    sqlx::query_as!(
        InvitationToAnswer,
        r#"SELECT i.business_id, i.id, b.name AS business_name, i.role, u.email AS invited_by, i.created_at
           FROM invitations i JOIN businesses b ON b.id = i.business_id JOIN users u ON u.id = i.invited_by
           WHERE i.email = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.declined_at IS NULL
             AND i.created_at > $2 AND b.closed_at IS NULL
           ORDER BY i.created_at, i.id"#,
        email,
        now - INVITATION_VALID_FOR
    )
    .fetch_all(db)
    .await
}

/// How the invitee answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Join,
    Decline,
}

/// Closes the open invitation `id` addressed to `email` with the invitee's answer and, to
/// join, makes `user_id` a member in the invited role. Returns the business and role, or
/// `None` when there is no such open invitation (answered, revoked, expired, or not theirs).
pub async fn answer_invitation(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    user_id: Uuid,
    email: &str,
    answer: Answer,
    now: OffsetDateTime,
) -> Result<Option<String>, sqlx::Error> {
    let role = sqlx::query_scalar!(
        r#"UPDATE invitations
           SET accepted_at = CASE WHEN $5 THEN $4::timestamptz END,
               declined_at = CASE WHEN $5 THEN NULL ELSE $4::timestamptz END
           WHERE business_id = $1 AND id = $2 AND email = $3
             AND accepted_at IS NULL AND revoked_at IS NULL AND declined_at IS NULL AND created_at > $6
           RETURNING role"#,
        business_id,
        id,
        email,
        now,
        answer == Answer::Join,
        now - INVITATION_VALID_FOR
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(role) = role else { return Ok(None) };
    if answer == Answer::Join {
        sqlx::query!(
            r#"INSERT INTO business_members (business_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT (business_id, user_id) DO NOTHING"#,
            business_id,
            user_id,
            role,
            now
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(Some(role))
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
