//! Envelope encryption of provider secrets (Stripe keys, webhook secrets; later SMS
//! keys): security criteria ENC-1 to ENC-7.
//!
//! A value is encrypted with AES-256-GCM under a data key (DEK), with a fresh 96-bit
//! nonce from the OS and associated data naming its table, column, row, tenant and
//! DEK, so a value copied to another row or business does not decrypt. DEKs are stored
//! only wrapped by the key-encryption key (KEK), derived from the master key that lives
//! outside the database; a dump of the database alone opens nothing. The stored form is
//! `v1.<kek id>.<dek id>.<nonce>.<ciphertext‖tag>` (base64url): the data key it needs
//! and the master key it was sealed under. Each DEK counts its encryptions in the same transaction and is
//! retired at [`DEK_ENCRYPTION_LIMIT`], far below GCM's 2^32 random-nonce bound.
//!
//! Failures never return garbage: a moved, altered or truncated value, or a master key
//! that is not the one that wrapped the DEK, is an error that says which.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::crypto::{self, DerivedKey};

/// Encryptions per data key before a new one takes over (ENC-5).
pub const DEK_ENCRYPTION_LIMIT: i64 = 1 << 30;

/// Where a secret lives: its AAD binds it there.
#[derive(Debug, Clone, Copy)]
pub struct SecretSlot<'a> {
    pub table: &'a str,
    pub column: &'a str,
    /// The row's key, e.g. the secret's name within the business.
    pub row: &'a str,
    pub tenant: Uuid,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("the stored secret is not in the v1 envelope format")]
    Malformed,
    #[error("the data key {0} of this secret does not exist")]
    UnknownDataKey(Uuid),
    #[error("this secret was sealed under another master key (key id {stored}); this server has {ours}")]
    WrongMasterKey { stored: String, ours: String },
    #[error("the data key {0} does not open with this master key: wrong master key or altered key row")]
    DataKeyDoesNotOpen(Uuid),
    #[error("the secret does not decrypt: it was altered, truncated or moved from another row")]
    Tampered,
    #[error("database: {0}")]
    Database(String),
}

impl From<sqlx::Error> for SecretError {
    fn from(e: sqlx::Error) -> Self {
        SecretError::Database(e.to_string())
    }
}

/// The last four characters of a secret: all a settings page shows of it once saved.
pub fn last4(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

/// The id of a KEK: a MAC of a fixed label, so it names the key without revealing it.
pub fn kek_id(kek: &DerivedKey) -> String {
    hex::encode(&kek.mac(&[b"fastfaktura kek id"])[..8])
}

fn aad(slot: &SecretSlot<'_>, dek_id: Uuid) -> Vec<u8> {
    format!(
        "fastfaktura:v1|tbl={}|col={}|row={}|tenant={}|kid={dek_id}",
        slot.table, slot.column, slot.row, slot.tenant
    )
    .into_bytes()
}

fn wrap_aad(dek_id: Uuid) -> Vec<u8> {
    format!("fastfaktura:v1|tbl=data_keys|col=wrapped|row={dek_id}").into_bytes()
}

/// Encrypts `plaintext` for `slot` under the current data key (made when needed), in
/// the caller's transaction.
pub async fn seal(
    conn: &mut PgConnection,
    kek: &DerivedKey,
    slot: SecretSlot<'_>,
    plaintext: &str,
    now: OffsetDateTime,
) -> Result<String, SecretError> {
    let (dek_id, dek) = current_data_key(conn, kek, now).await?;
    let sealed = dek.seal(plaintext.as_bytes(), &aad(&slot, dek_id));
    let (nonce, ciphertext) = sealed.split_at(12);
    Ok(format!("v1.{}.{dek_id}.{}.{}", kek_id(kek), URL_SAFE_NO_PAD.encode(nonce), URL_SAFE_NO_PAD.encode(ciphertext)))
}

/// Decrypts a value sealed for `slot`.
pub async fn open(
    conn: &mut PgConnection,
    kek: &DerivedKey,
    slot: SecretSlot<'_>,
    envelope: &str,
) -> Result<String, SecretError> {
    let parts: Vec<&str> = envelope.split('.').collect();
    // The KEK id in the value records which master key sealed it; the data key's row
    // says which one wraps it now (a rotation rewraps keys, not values).
    let [version, _sealed_under, dek_id, nonce, ciphertext] = parts[..] else { return Err(SecretError::Malformed) };
    if version != "v1" {
        return Err(SecretError::Malformed);
    }
    let dek_id: Uuid = dek_id.parse().map_err(|_| SecretError::Malformed)?;
    let ours = kek_id(kek);
    let row = sqlx::query!("SELECT kek_id, wrapped FROM data_keys WHERE id = $1", dek_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(SecretError::UnknownDataKey(dek_id))?;
    if row.kek_id != ours {
        return Err(SecretError::WrongMasterKey { stored: row.kek_id, ours });
    }
    let dek = unwrap_key(kek, dek_id, &row.wrapped)?;
    let mut sealed = URL_SAFE_NO_PAD.decode(nonce).map_err(|_| SecretError::Malformed)?;
    if sealed.len() != 12 {
        return Err(SecretError::Malformed);
    }
    sealed.extend(URL_SAFE_NO_PAD.decode(ciphertext).map_err(|_| SecretError::Malformed)?);
    let plaintext = dek.open(&sealed, &aad(&slot, dek_id)).map_err(|_| SecretError::Tampered)?;
    String::from_utf8(plaintext).map_err(|_| SecretError::Tampered)
}

fn unwrap_key(kek: &DerivedKey, dek_id: Uuid, wrapped: &[u8]) -> Result<DerivedKey, SecretError> {
    let bytes = kek.open(wrapped, &wrap_aad(dek_id)).map_err(|_| SecretError::DataKeyDoesNotOpen(dek_id))?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| SecretError::DataKeyDoesNotOpen(dek_id))?;
    Ok(DerivedKey::from_secret_bytes(bytes))
}

/// The current data key, counting this use; a new one when there is none or the
/// current one reached its limit. The row lock orders concurrent writers.
async fn current_data_key(
    conn: &mut PgConnection,
    kek: &DerivedKey,
    now: OffsetDateTime,
) -> Result<(Uuid, DerivedKey), SecretError> {
    // One writer at a time decides whether a new data key is needed (secret writes are
    // rare: settings saves and rotations).
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('fastfaktura data_keys'))").execute(&mut *conn).await?;
    let current = sqlx::query!(
        r#"UPDATE data_keys SET encryptions = encryptions + 1
           WHERE retired_at IS NULL AND encryptions < $1
           RETURNING id, wrapped"#,
        DEK_ENCRYPTION_LIMIT
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = current {
        return Ok((row.id, unwrap_key(kek, row.id, &row.wrapped)?));
    }
    sqlx::query!("UPDATE data_keys SET retired_at = $1 WHERE retired_at IS NULL", now).execute(&mut *conn).await?;
    let id = Uuid::new_v4();
    let bytes = crypto::random_bytes::<32>();
    let wrapped = kek.seal(&bytes, &wrap_aad(id));
    sqlx::query!(
        "INSERT INTO data_keys (id, kek_id, wrapped, encryptions, created_at) VALUES ($1, $2, $3, 1, $4)",
        id,
        kek_id(kek),
        wrapped,
        now
    )
    .execute(&mut *conn)
    .await?;
    tracing::info!(data_key = %id, "new data key for secrets");
    Ok((id, DerivedKey::from_secret_bytes(bytes)))
}

/// Rewraps every data key from `old` to `new` (after which the operator installs the
/// new master key). Data rows are untouched. Resumable: each key is rewrapped in its
/// own statement, and keys already under `new` are skipped. Returns how many changed.
pub async fn rewrap_data_keys(conn: &mut PgConnection, old: &DerivedKey, new: &DerivedKey) -> Result<u64, SecretError> {
    let (old_id, new_id) = (kek_id(old), kek_id(new));
    let rows = sqlx::query!("SELECT id, wrapped FROM data_keys WHERE kek_id = $1 ORDER BY id", old_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut changed = 0;
    for row in rows {
        let bytes = old.open(&row.wrapped, &wrap_aad(row.id)).map_err(|_| SecretError::DataKeyDoesNotOpen(row.id))?;
        let wrapped = new.seal(&bytes, &wrap_aad(row.id));
        changed += sqlx::query!(
            "UPDATE data_keys SET wrapped = $2, kek_id = $3 WHERE id = $1 AND kek_id = $4",
            row.id,
            wrapped,
            new_id,
            old_id
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(changed)
}
