//! `fastfaktura keys rotate`: moves everything the master key protects to a new master
//! key, in one transaction, so that after a restart on the new key (the old one
//! deleted) everything still opens: provider secrets (their data keys rewrapped),
//! admins' TOTP secrets, customer-link tokens, queued email bodies and the ACME cache
//! (each opened with the old purpose key and sealed again with the new one, bound to
//! its row as before). A crash part-way changes nothing; running it again after it
//! succeeded finds everything already under the new key and changes nothing either.
//!
//! The audit log's purge markers are MAC'd again and its checkpoints replaced by one
//! keyed with the new key (the command keeps it as the new anchor).
//!
//! Not carried over, by design: codes in flight (a one-time code's HMAC pepper
//! changes, so a code sent before the rotation must be asked for again) and the keyed
//! pseudonyms of email addresses in rate-limit counters (they start afresh).
//! Backup manifests are signed again by the command after this commits.

use sqlx::PgConnection;

use crate::{
    crypto::{DerivedKey, KeyPurpose, MasterKey},
    db::resealing,
    secrets,
};

/// How many values moved to the new key, per kind.
#[derive(Debug, Default, Clone)]
pub struct Rotated {
    pub data_keys: u64,
    pub admin_totp: u64,
    pub invoice_links: u64,
    pub outbox: u64,
    pub acme_cache: u64,
    pub audit_purge_marks: u64,
    /// The audit checkpoint written with the new key, to keep outside the database.
    pub audit_checkpoint: Option<crate::audit::checkpoints::Anchor>,
}

#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error(
        "{what} {row} opens with neither the old nor the new master key: it is damaged or from another installation; nothing was changed"
    )]
    DoesNotOpen { what: &'static str, row: String },
    #[error(transparent)]
    Secrets(#[from] secrets::SecretError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// One sealed value moved from `old` to `new`: `None` when it is already under `new`.
fn reseal(
    old: &DerivedKey,
    new: &DerivedKey,
    sealed: &[u8],
    aad: &[u8],
    what: &'static str,
    row: String,
) -> Result<Option<Vec<u8>>, RotationError> {
    match old.open(sealed, aad) {
        Ok(plain) => Ok(Some(new.seal(&plain, aad))),
        Err(_) if new.open(sealed, aad).is_ok() => Ok(None),
        Err(_) => Err(RotationError::DoesNotOpen { what, row }),
    }
}

/// Moves everything to `new` inside the caller's transaction (`conn`).
pub async fn rotate(conn: &mut PgConnection, old: &MasterKey, new: &MasterKey) -> Result<Rotated, RotationError> {
    let mut done = Rotated {
        data_keys: secrets::rewrap_data_keys(
            &mut *conn,
            &old.derive(KeyPurpose::KeyEncryption),
            &new.derive(KeyPurpose::KeyEncryption),
        )
        .await?,
        ..Rotated::default()
    };

    let (o, n) = (old.derive(KeyPurpose::AdminTotpSealing), new.derive(KeyPurpose::AdminTotpSealing));
    for (id, sealed) in resealing::admin_totp(&mut *conn).await? {
        let aad = crate::auth::totp::aad(id);
        if let Some(resealed) = reseal(&o, &n, &sealed, &aad, "the TOTP secret of admin", id.to_string())? {
            resealing::set_admin_totp(&mut *conn, id, &resealed).await?;
            done.admin_totp += 1;
        }
    }

    let (o, n) = (old.derive(KeyPurpose::InvoiceLinkSealing), new.derive(KeyPurpose::InvoiceLinkSealing));
    for (business_id, id, sealed) in resealing::invoice_links(&mut *conn).await? {
        let aad = crate::invoicing::customer_links::aad(business_id, id);
        if let Some(resealed) = reseal(&o, &n, &sealed, &aad, "the customer link", id.to_string())? {
            resealing::set_invoice_link(&mut *conn, business_id, id, &resealed).await?;
            done.invoice_links += 1;
        }
    }

    let (o, n) = (old.derive(KeyPurpose::OutboxSealing), new.derive(KeyPurpose::OutboxSealing));
    for (id, sealed) in resealing::outbox(&mut *conn).await? {
        let aad = crate::integrations::email::body_aad(id);
        if let Some(resealed) = reseal(&o, &n, &sealed, &aad, "the queued email", id.to_string())? {
            resealing::set_outbox(&mut *conn, id, &resealed).await?;
            done.outbox += 1;
        }
    }

    let (o, n) = (old.derive(KeyPurpose::AcmeCacheSealing), new.derive(KeyPurpose::AcmeCacheSealing));
    for (kind, cache_key, sealed) in resealing::acme_cache(&mut *conn).await? {
        let aad = crate::tls::acme::PgCache::aad(&kind, &cache_key);
        let row = format!("{kind} {cache_key}");
        if let Some(resealed) = reseal(&o, &n, &sealed, &aad, "the ACME cache entry", row)? {
            resealing::set_acme_cache(&mut *conn, &kind, &cache_key, &resealed).await?;
            done.acme_cache += 1;
        }
    }
    // The audit log's purge markers get the new key's MAC (only genuine ones: a marker
    // whose MAC does not hold under the old key stays as it is, and is reported by
    // `audit verify`); its checkpoints are replaced by one keyed with the new key.
    let (o, n) = (old.derive(KeyPurpose::AuditCheckpoint), new.derive(KeyPurpose::AuditCheckpoint));
    resealing::audit_purge_switch(&mut *conn, true).await?;
    for (category, day, head_hash, mac) in resealing::purged_heads(&mut *conn).await? {
        let old_mac = crate::audit::checkpoints::purge_mac(&o, &category, day, &head_hash);
        if mac.as_deref().is_some_and(|m| crate::crypto::digests_equal(m, &old_mac)) {
            let new_mac = crate::audit::checkpoints::purge_mac(&n, &category, day, &head_hash);
            resealing::set_purge_mac(&mut *conn, &category, day, &new_mac).await?;
            done.audit_purge_marks += 1;
        }
    }
    resealing::drop_checkpoints(&mut *conn).await?;
    resealing::audit_purge_switch(&mut *conn, false).await?;
    done.audit_checkpoint =
        Some(crate::audit::checkpoints::write_checkpoint(&mut *conn, &n, time::OffsetDateTime::now_utc()).await?);
    Ok(done)
}
