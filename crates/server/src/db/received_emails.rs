//! A business's inbound email address (`businesses.inbound_email_token`) and the emails
//! received at it (`received_emails`): who sent each, and what became of its files.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// The business's inbound token, set to `candidate` when it has none yet.
pub async fn token_or_set(db: impl PgExecutor<'_>, business_id: Uuid, candidate: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE businesses SET inbound_email_token = COALESCE(inbound_email_token, $2)
           WHERE id = $1 RETURNING inbound_email_token AS "token!""#,
        business_id,
        candidate
    )
    .fetch_one(db)
    .await
}

/// Replaces the business's inbound token: the old address stops receiving.
pub async fn replace_token(db: impl PgExecutor<'_>, business_id: Uuid, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE businesses SET inbound_email_token = $2 WHERE id = $1", business_id, token)
        .execute(db)
        .await?;
    Ok(())
}

/// The open business whose inbound token this is.
pub async fn business_by_token(db: impl PgExecutor<'_>, token: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM businesses WHERE inbound_email_token = $1 AND closed_at IS NULL", token)
        .fetch_optional(db)
        .await
}

pub struct NewEmail<'a> {
    pub id: Uuid,
    pub envelope_from: &'a str,
    pub header_from: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub files: serde_json::Value,
    pub files_left: i32,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    email: &NewEmail<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO received_emails (business_id, id, received_at, envelope_from, header_from, subject, message_id,
                                      files, files_left)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        business_id,
        email.id,
        now,
        email.envelope_from,
        email.header_from,
        email.subject,
        email.message_id,
        email.files,
        email.files_left
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An email as the Bills page lists it.
#[derive(Debug, Clone)]
pub struct EmailRow {
    pub id: Uuid,
    pub received_at: OffsetDateTime,
    pub envelope_from: String,
    pub header_from: Option<String>,
    pub subject: Option<String>,
    pub files: serde_json::Value,
    pub files_left: i32,
}

/// The newest emails first.
pub async fn recent(db: impl PgExecutor<'_>, business_id: Uuid, limit: i64) -> Result<Vec<EmailRow>, sqlx::Error> {
    sqlx::query_as!(
        EmailRow,
        "SELECT id, received_at, envelope_from, header_from, subject, files, files_left
         FROM received_emails WHERE business_id = $1 ORDER BY received_at DESC, id LIMIT $2",
        business_id,
        limit
    )
    .fetch_all(db)
    .await
}
