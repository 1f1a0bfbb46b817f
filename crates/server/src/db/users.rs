//! People and the businesses they belong to.
//!
//! Sign-up and login are one flow: the first verified code for an address creates the
//! user, a business for them to set up, and their owner membership, in the same
//! transaction as the session.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

/// Where a sign-in lands: the user, and the business the session acts for, if any.
#[derive(Debug, Clone)]
pub struct Landing {
    pub user_id: Uuid,
    /// `None` for someone with invitations to answer and no business of their own yet:
    /// they choose on the invitations page (an invitation is never accepted for them).
    pub business_id: Option<Uuid>,
}

/// Returns the user's first business, creating the user as needed; someone with no
/// business gets one (with their owner membership) unless invitations wait for them.
/// Safe under concurrency: the unique email constraint decides one winner.
pub async fn find_or_create_for_login(
    conn: &mut PgConnection,
    email: &str,
    now: OffsetDateTime,
) -> Result<Landing, sqlx::Error> {
    let user_id = sqlx::query_scalar!(
        r#"INSERT INTO users (id, email, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
           RETURNING id"#,
        Uuid::new_v4(),
        email,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    let existing = sqlx::query_scalar!(
        "SELECT business_id FROM business_members WHERE user_id = $1 ORDER BY created_at, business_id LIMIT 1",
        user_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(business_id) = existing {
        return Ok(Landing { user_id, business_id: Some(business_id) });
    }
    if !crate::db::members::invitations_to(&mut *conn, email, now).await?.is_empty() {
        return Ok(Landing { user_id, business_id: None });
    }
    let business_id = create_own_business(conn, user_id, now).await?;
    Ok(Landing { user_id, business_id: Some(business_id) })
}

/// A new, unnamed business with `user_id` as its owner.
pub async fn create_own_business(
    conn: &mut PgConnection,
    user_id: Uuid,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let business_id = Uuid::new_v4();
    sqlx::query!("INSERT INTO businesses (id, name, created_at) VALUES ($1, $2, $3)", business_id, "My business", now)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "INSERT INTO business_members (business_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)",
        business_id,
        user_id,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(business_id)
}

/// The address a user signs in with (used as Reply-To when they send a document).
pub async fn email_of(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT email FROM users WHERE id = $1", user_id).fetch_optional(db).await
}

/// Locks the user's row for the transaction: serialises what one user does twice at once.
pub async fn lock(conn: &mut PgConnection, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT 1 AS locked FROM users WHERE id = $1 FOR UPDATE", user_id).fetch_optional(conn).await?;
    Ok(())
}
