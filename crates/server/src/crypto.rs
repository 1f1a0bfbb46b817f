//! Key material and the few primitives built on it.
//!
//! The 32-byte master key lives in a file outside the database. Nothing uses it
//! directly: each purpose (OTP pepper, outbox sealing, log pseudonyms, ...) gets its own
//! key derived with HKDF-SHA256, so one leaked derived key says nothing about the others
//! and a purpose can be rotated on its own.

use std::{
    fmt,
    io::Write,
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::Path,
};

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The master key. Not `Clone`, not printable.
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(redacted)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the master key file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the master key file {path} must hold exactly 32 bytes (raw) or 64 hexadecimal characters")]
    BadLength { path: String },
    #[error("cannot create the development master key {path}: {source}")]
    Create { path: String, source: std::io::Error },
}

/// Purposes for derived keys. The label is part of the derivation: never reuse one.
#[derive(Debug, Clone, Copy)]
pub enum KeyPurpose {
    OtpPepper,
    OutboxSealing,
    LogPseudonym,
    InvoiceLinkSealing,
    /// Wraps the data keys of the secrets envelope (`crate::secrets`).
    KeyEncryption,
    /// ACME account and certificate private keys in `acme_cache`.
    AcmeCacheSealing,
    AdminTotpSealing,
    /// Signs backup manifests (which carry the archive's SHA-256).
    BackupSigning,
    /// MACs the audit log's checkpoints and purge markers.
    AuditCheckpoint,
}

impl KeyPurpose {
    fn label(self) -> &'static [u8] {
        match self {
            KeyPurpose::OtpPepper => b"fastfaktura/otp-pepper/v1",
            KeyPurpose::OutboxSealing => b"fastfaktura/outbox-sealing/v1",
            KeyPurpose::LogPseudonym => b"fastfaktura/log-pseudonym/v1",
            KeyPurpose::InvoiceLinkSealing => b"fastfaktura/invoice-link-sealing/v1",
            KeyPurpose::KeyEncryption => b"fastfaktura/key-encryption/v1",
            KeyPurpose::AcmeCacheSealing => b"fastfaktura/acme-cache-sealing/v1",
            KeyPurpose::AdminTotpSealing => b"fastfaktura/admin-totp-sealing/v1",
            KeyPurpose::BackupSigning => b"fastfaktura/backup-signing/v1",
            KeyPurpose::AuditCheckpoint => b"fastfaktura/audit-checkpoint/v1",
        }
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let raw = std::fs::read(path).map_err(|source| KeyError::Read { path: shown.clone(), source })?;
        Self::parse(&raw).ok_or(KeyError::BadLength { path: shown })
    }

    fn parse(raw: &[u8]) -> Option<Self> {
        if let Ok(bytes) = <[u8; 32]>::try_from(raw) {
            return Some(Self(bytes));
        }
        let text = std::str::from_utf8(raw).ok()?.trim();
        let decoded = hex::decode(text).ok()?;
        <[u8; 32]>::try_from(decoded.as_slice()).ok().map(Self)
    }

    /// Development only: loads `path`, creating it (mode 0600) with a fresh key first.
    /// Returns whether a key was generated, so the caller can warn.
    pub fn load_or_generate(path: &Path) -> Result<(Self, bool), KeyError> {
        if path.exists() {
            return Ok((Self::load(path)?, false));
        }
        let shown = path.display().to_string();
        let key = random_bytes::<32>();
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|source| KeyError::Create { path: shown.clone(), source })?;
        file.write_all(hex::encode(key).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|source| KeyError::Create { path: shown.clone(), source })?;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        Ok((Self(key), true))
    }

    pub fn derive(&self, purpose: KeyPurpose) -> DerivedKey {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"fastfaktura master key"), &self.0);
        let mut out = [0u8; 32];
        hk.expand(purpose.label(), &mut out).expect("32 bytes is a valid HKDF-SHA256 output length");
        DerivedKey(out)
    }
}

/// A purpose-specific key derived from the master key.
#[derive(Clone)]
pub struct DerivedKey([u8; 32]);

impl fmt::Debug for DerivedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DerivedKey(redacted)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("sealed data could not be opened: wrong key, wrong row, or tampered")]
pub struct OpenError;

impl DerivedKey {
    /// A key from raw bytes (a data key once unwrapped).
    pub(crate) fn from_secret_bytes(bytes: [u8; 32]) -> Self {
        DerivedKey(bytes)
    }

    /// HMAC-SHA-256 over the parts, each length-prefixed so ("ab","c") ≠ ("a","bc").
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// AES-256-GCM with a random 96-bit nonce; `aad` binds the ciphertext to its row so
    /// it cannot be moved to another one. Output: nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let cipher = Aes256Gcm::new_from_slice(&self.0).expect("32-byte key");
        let nonce_bytes = random_bytes::<12>();
        let mut out = nonce_bytes.to_vec();
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce_bytes), Payload { msg: plaintext, aad })
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < 12 + 16 {
            return Err(OpenError);
        }
        let cipher = Aes256Gcm::new_from_slice(&self.0).expect("32-byte key");
        let (nonce, ciphertext) = sealed.split_at(12);
        cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad }).map_err(|_| OpenError)
    }
}

/// Bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).expect("the operating system's random source is unavailable");
    buf
}

/// A bearer token (session, challenge): 256 random bits, hex-encoded for cookies.
pub fn new_token() -> String {
    hex::encode(random_bytes::<32>())
}

/// What we store for a bearer token: its SHA-256. A database leak does not yield
/// usable cookies, and lookups stay a simple indexed equality.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Constant-time comparison of two digests (security criteria OTP-9).
pub fn digests_equal(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> MasterKey {
        MasterKey::from_bytes([7u8; 32])
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_are_stable() {
        let k = key();
        let a = k.derive(KeyPurpose::OtpPepper).mac(&[b"x"]);
        let b = k.derive(KeyPurpose::OutboxSealing).mac(&[b"x"]);
        assert_ne!(a, b);
        assert_eq!(a, key().derive(KeyPurpose::OtpPepper).mac(&[b"x"]));
    }

    #[test]
    fn mac_parts_are_length_prefixed() {
        let k = key().derive(KeyPurpose::OtpPepper);
        assert_ne!(k.mac(&[b"ab", b"c"]), k.mac(&[b"a", b"bc"]));
    }

    #[test]
    fn sealing_round_trips_and_binds_to_its_row() {
        let k = key().derive(KeyPurpose::OutboxSealing);
        let sealed = k.seal(b"your code is 123456", b"outgoing_emails:body:1");
        assert!(!sealed.windows(6).any(|w| w == b"123456"));
        assert_eq!(k.open(&sealed, b"outgoing_emails:body:1").unwrap(), b"your code is 123456");
        assert!(k.open(&sealed, b"outgoing_emails:body:2").is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(k.open(&tampered, b"outgoing_emails:body:1").is_err());
        assert!(key().derive(KeyPurpose::OtpPepper).open(&sealed, b"outgoing_emails:body:1").is_err());
    }

    #[test]
    fn master_key_files_accept_raw_or_hex_and_nothing_else() {
        assert!(MasterKey::parse(&[1u8; 32]).is_some());
        assert!(MasterKey::parse(format!("{}\n", "ab".repeat(32)).as_bytes()).is_some());
        assert!(MasterKey::parse(b"short").is_none());
        assert!(MasterKey::parse("ab".repeat(31).as_bytes()).is_none());
    }

    #[test]
    fn generated_key_is_private_and_reloads() {
        let dir = std::env::temp_dir().join(format!("ff-key-{}-{}", std::process::id(), new_token()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("master.key");
        let (k1, generated) = MasterKey::load_or_generate(&path).unwrap();
        assert!(generated);
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let (k2, generated) = MasterKey::load_or_generate(&path).unwrap();
        assert!(!generated);
        assert_eq!(k1.derive(KeyPurpose::OtpPepper).mac(&[]), k2.derive(KeyPurpose::OtpPepper).mac(&[]));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn tokens_are_256_bit_and_distinct() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 32);
    }

    #[test]
    fn digest_comparison_is_the_constant_time_one() {
        assert!(digests_equal(&[1, 2, 3], &[1, 2, 3]));
        assert!(!digests_equal(&[1, 2, 3], &[1, 2, 4]));
        assert!(!digests_equal(&[1, 2, 3], &[1, 2]));
    }
}
