//! Which SMS provider account a business sends through: its own, if it set one in
//! settings, else the platform's (admin console); and saving either, sealed.
//!
//! Each secret is an envelope bound to its table and row (`crate::secrets`): the
//! platform's to the single platform row, a business's to that business, so a value
//! copied between them does not open.

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::sms::{Credentials, Provider};
use crate::{
    crypto::DerivedKey,
    db::{self, sms_providers::NewProvider},
    secrets::{self, SecretError, SecretSlot},
};

fn platform_slot() -> SecretSlot<'static> {
    SecretSlot { table: "sms_provider_settings", column: "secret_envelope", row: "platform", tenant: Uuid::nil() }
}

fn business_slot(business_id: Uuid) -> SecretSlot<'static> {
    SecretSlot { table: "business_sms_providers", column: "secret_envelope", row: "sms", tenant: business_id }
}

/// Whose account a send would use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountOwner {
    Business,
    Platform,
}

/// Whether the business can send SMS at all (without opening any secret).
pub async fn available(conn: &mut PgConnection, business_id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(db::sms_providers::business(&mut *conn, business_id).await?.is_some()
        || db::sms_providers::platform(&mut *conn).await?.is_some())
}

/// The account to send through, opened; `None` when neither is configured.
pub async fn resolve(
    conn: &mut PgConnection,
    kek: &DerivedKey,
    business_id: Uuid,
) -> Result<Option<(Credentials, AccountOwner)>, SecretError> {
    let (stored, slot, owner) = match db::sms_providers::business(&mut *conn, business_id).await? {
        Some(own) => (own, business_slot(business_id), AccountOwner::Business),
        None => match db::sms_providers::platform(&mut *conn).await? {
            Some(platform) => (platform, platform_slot(), AccountOwner::Platform),
            None => return Ok(None),
        },
    };
    let secret = secrets::open(conn, kek, slot, &stored.secret_envelope).await?;
    let provider = Provider::parse(&stored.provider).ok_or(SecretError::Malformed)?;
    Ok(Some((Credentials { provider, account: stored.account, secret, sender: stored.sender }, owner)))
}

/// Saves an account, sealing its secret, in the caller's transaction. `business_id`
/// `None` is the platform's.
pub async fn save(
    conn: &mut PgConnection,
    kek: &DerivedKey,
    business_id: Option<Uuid>,
    credentials: &Credentials,
    now: OffsetDateTime,
) -> Result<(), SecretError> {
    let slot = business_id.map_or_else(platform_slot, business_slot);
    let envelope = secrets::seal(conn, kek, slot, &credentials.secret, now).await?;
    let row = NewProvider {
        provider: credentials.provider.code(),
        account: &credentials.account,
        sender: &credentials.sender,
        secret_envelope: &envelope,
        secret_last4: &secrets::last4(&credentials.secret),
    };
    match business_id {
        Some(b) => db::sms_providers::put_business(&mut *conn, b, row, now).await?,
        None => db::sms_providers::put_platform(&mut *conn, row, now).await?,
    }
    Ok(())
}

/// Reads an account from a settings form (the admin console's or a business's): the
/// provider, the account name (46elks API username, Twilio Account SID), the secret
/// and the sender. Errors are message keys of the catalogue.
pub fn parse_form(provider: &str, account: &str, secret: &str, sender: &str) -> Result<Credentials, &'static str> {
    let provider = Provider::parse(provider).ok_or(crate::i18n::key("sms-bad-provider"))?;
    let account = account.trim();
    let plain = |s: &str| !s.is_empty() && s.len() <= 100 && s.chars().all(|c| c.is_ascii_graphic());
    let account_ok = match provider {
        // Twilio Account SIDs are "AC" and 32 hex digits.
        Provider::Twilio => {
            account.len() == 34 && account.starts_with("AC") && account[2..].chars().all(|c| c.is_ascii_hexdigit())
        }
        Provider::Elks => plain(account),
    };
    if !account_ok {
        return Err(crate::i18n::key("sms-bad-account"));
    }
    let secret = secret.trim();
    if !plain(secret) || secret.len() < 8 {
        return Err(crate::i18n::key("sms-bad-secret"));
    }
    let sender = super::sms::check_sender(sender)?;
    Ok(Credentials { provider, account: account.to_owned(), secret: secret.to_owned(), sender })
}
