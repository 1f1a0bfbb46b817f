//! SMS provider accounts: the platform's (one row, set by an operator) and a
//! business's own override. The API secret is held only as an envelope
//! (`crate::secrets`) with its last four characters for recognition.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct StoredProvider {
    /// `46elks` or `twilio`.
    pub provider: String,
    /// The 46elks API username or the Twilio Account SID.
    pub account: String,
    /// The sender shown to the recipient: a number or an alphanumeric name.
    pub sender: String,
    pub secret_envelope: String,
    pub secret_last4: String,
    pub updated_at: OffsetDateTime,
}

/// What is written; the secret already sealed.
pub struct NewProvider<'a> {
    pub provider: &'a str,
    pub account: &'a str,
    pub sender: &'a str,
    pub secret_envelope: &'a str,
    pub secret_last4: &'a str,
}

pub async fn platform(db: impl PgExecutor<'_>) -> Result<Option<StoredProvider>, sqlx::Error> {
    sqlx::query_as!(
        StoredProvider,
        r#"SELECT provider, account, sender, secret_envelope, secret_last4, updated_at
           FROM sms_provider_settings WHERE scope = 'platform'"#
    )
    .fetch_optional(db)
    .await
}

pub async fn put_platform(db: impl PgExecutor<'_>, p: NewProvider<'_>, now: OffsetDateTime) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO sms_provider_settings (scope, provider, account, sender, secret_envelope, secret_last4, updated_at)
           VALUES ('platform', $1, $2, $3, $4, $5, $6)
           ON CONFLICT (scope) DO UPDATE SET provider = $1, account = $2, sender = $3, secret_envelope = $4,
                                             secret_last4 = $5, updated_at = $6"#,
        p.provider,
        p.account,
        p.sender,
        p.secret_envelope,
        p.secret_last4,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove_platform(db: impl PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sms_provider_settings WHERE scope = 'platform'").execute(db).await?;
    Ok(())
}

pub async fn business(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Option<StoredProvider>, sqlx::Error> {
    sqlx::query_as!(
        StoredProvider,
        r#"SELECT provider, account, sender, secret_envelope, secret_last4, updated_at
           FROM business_sms_providers WHERE business_id = $1"#,
        business_id
    )
    .fetch_optional(db)
    .await
}

pub async fn put_business(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    p: NewProvider<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO business_sms_providers (business_id, provider, account, sender, secret_envelope, secret_last4, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (business_id) DO UPDATE SET provider = $2, account = $3, sender = $4, secret_envelope = $5,
                                                   secret_last4 = $6, updated_at = $7"#,
        business_id,
        p.provider,
        p.account,
        p.sender,
        p.secret_envelope,
        p.secret_last4,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove_business(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM business_sms_providers WHERE business_id = $1", business_id).execute(db).await?;
    Ok(())
}
