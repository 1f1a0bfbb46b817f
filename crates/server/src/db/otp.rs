//! One-time-code challenges (security criteria OTP-2 to OTP-7).
//!
//! Every change to a challenge is one conditional statement, so concurrent requests
//! cannot both win: the attempt counter is raised (locking the row) before the code is
//! compared, and consumption only succeeds while `consumed_at IS NULL`.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

pub struct NewChallenge<'a> {
    pub id: Uuid,
    pub challenge_hash: &'a [u8],
    pub email: &'a str,
    pub purpose: &'a str,
    pub code_hmac: &'a [u8],
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub requested_ip: &'a str,
}

/// A resend from the same client invalidates its older unconsumed codes for the same
/// address and purpose (another client's code is left alone).
pub async fn supersede_open(
    conn: &mut PgConnection,
    email: &str,
    purpose: &str,
    requested_ip: &str,
    now: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        r#"UPDATE otp_challenges SET consumed_at = $3, consumed_reason = 'superseded'
           WHERE email = $1 AND purpose = $2 AND consumed_at IS NULL AND requested_ip = $4"#,
        email,
        purpose,
        now,
        requested_ip
    )
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn insert(conn: &mut PgConnection, c: NewChallenge<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO otp_challenges
             (id, challenge_hash, email, purpose, code_hmac, created_at, expires_at, requested_ip)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        c.id,
        c.challenge_hash,
        c.email,
        c.purpose,
        c.code_hmac,
        c.created_at,
        c.expires_at,
        c.requested_ip
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug)]
pub struct Attempt {
    pub id: Uuid,
    pub email: String,
    pub purpose: String,
    pub code_hmac: Vec<u8>,
    pub expires_at: OffsetDateTime,
    /// This attempt's number (1 for the first).
    pub attempts: i32,
    pub consumed_reason: Option<String>,
}

/// Counts one attempt against the challenge and returns it, row-locked until the
/// transaction ends. `None`: no such challenge.
pub async fn register_attempt(conn: &mut PgConnection, challenge_hash: &[u8]) -> Result<Option<Attempt>, sqlx::Error> {
    sqlx::query_as!(
        Attempt,
        r#"UPDATE otp_challenges SET attempts = attempts + 1
           WHERE challenge_hash = $1
           RETURNING id, email, purpose, code_hmac, expires_at, attempts, consumed_reason"#,
        challenge_hash
    )
    .fetch_optional(conn)
    .await
}

/// Marks the challenge consumed (`used` or `locked`); false if it already was.
pub async fn consume(
    conn: &mut PgConnection,
    id: Uuid,
    reason: &str,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"UPDATE otp_challenges SET consumed_at = $3, consumed_reason = $2
           WHERE id = $1 AND consumed_at IS NULL"#,
        id,
        reason,
        now
    )
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// The address a still-usable challenge was sent to (for the "enter your code" page).
pub async fn open_challenge_email(
    db: impl PgExecutor<'_>,
    challenge_hash: &[u8],
    now: OffsetDateTime,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT email FROM otp_challenges WHERE challenge_hash = $1 AND consumed_at IS NULL AND expires_at > $2",
        challenge_hash,
        now
    )
    .fetch_optional(db)
    .await
}
