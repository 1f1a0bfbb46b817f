//! A business's provider secrets, stored only as envelopes (see `crate::secrets`) with
//! their last four characters for recognition in settings.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

pub struct StoredSecret {
    pub name: String,
    pub envelope: String,
    pub last4: String,
    pub updated_at: OffsetDateTime,
    /// Set on a secret kept only for a while (a rolled webhook secret).
    pub expires_at: Option<OffsetDateTime>,
}

pub async fn list(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Vec<StoredSecret>, sqlx::Error> {
    sqlx::query_as!(
        StoredSecret,
        "SELECT name, envelope, last4, updated_at, expires_at FROM business_secrets WHERE business_id = $1 ORDER BY name",
        business_id
    )
    .fetch_all(db)
    .await
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, name: &str) -> Result<Option<StoredSecret>, sqlx::Error> {
    sqlx::query_as!(
        StoredSecret,
        "SELECT name, envelope, last4, updated_at, expires_at FROM business_secrets WHERE business_id = $1 AND name = $2",
        business_id,
        name
    )
    .fetch_optional(db)
    .await
}

pub async fn put(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    name: &str,
    envelope: &str,
    last4: &str,
    now: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO business_secrets (business_id, name, envelope, last4, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (business_id, name) DO UPDATE SET envelope = $3, last4 = $4, updated_at = $5, expires_at = $6"#,
        business_id,
        name,
        envelope,
        last4,
        now,
        expires_at
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove(db: impl PgExecutor<'_>, business_id: Uuid, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM business_secrets WHERE business_id = $1 AND name = $2", business_id, name)
        .execute(db)
        .await?;
    Ok(())
}
