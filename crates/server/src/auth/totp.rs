//! TOTP for admins (RFC 6238, security criteria TOTP-1 to TOTP-10), on totp-rs 6.
//!
//! HMAC-SHA-1, 6 digits, 30-second steps, one step of drift either way: what every
//! authenticator app understands (many ignore the `algorithm` parameter and would
//! silently compute SHA-1 anyway). The algorithm is stored per enrolment so SHA-256 can
//! be offered later. Secrets are 160 bits from the OS CSPRNG, sealed at rest with a
//! key derived from the master key, bound to the admin's row. `matched_step` returns
//! the step a code matched; the caller stores it with one conditional UPDATE
//! (`db::admins::accept_totp_step`), which is what makes a code single-use.
//!
//! Recovery codes: ten codes of 120 random bits (24 base32 characters), stored as
//! SHA-256 (enough above 112 bits, ASVS V6.5.2), each usable once.

use qrcode::{EcLevel, QrCode, render::svg};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Totp};
use uuid::Uuid;

use crate::crypto::{DerivedKey, OpenError, random_bytes};

pub const DIGITS: u8 = 6;
pub const STEP_SECONDS: u64 = 30;
pub const ISSUER: &str = "FastFaktura";
pub const RECOVERY_CODES: usize = 10;

/// A fresh 160-bit secret (RFC 4226 R6 recommends the HMAC output length).
pub fn new_secret() -> Vec<u8> {
    random_bytes::<20>().to_vec()
}

fn algorithm(name: &str) -> Algorithm {
    match name {
        "SHA256" => Algorithm::SHA256,
        _ => Algorithm::SHA1,
    }
}

fn totp(secret: &[u8], algorithm_name: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(algorithm(algorithm_name))
        .with_digits(DIGITS)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret.to_vec())
        .build()
        .ok()
}

/// The step (unix time / 30) a typed code matches within ±1 step of `unix_time`.
/// Spaces are ignored (apps show "123 456"); anything else that is not 6 digits fails.
/// totp-rs compares tokens in constant time (TOTP-8).
pub fn matched_step(secret: &[u8], algorithm_name: &str, typed: &str, unix_time: u64) -> Option<u64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, algorithm_name)?.check(&code, unix_time)
}

/// The code for `unix_time` (tests and the enrolment check in tests).
pub fn code_at(secret: &[u8], algorithm_name: &str, unix_time: u64) -> String {
    totp(secret, algorithm_name).map(|t| t.generate(unix_time).to_string()).unwrap_or_default()
}

pub fn base32(bytes: &[u8]) -> String {
    totp_rs::Secret::from(bytes.to_vec()).to_base32()
}

/// The `otpauth://` URI authenticator apps read from the QR code.
pub fn otpauth_uri(username: &str, secret: &[u8], algorithm_name: &str) -> String {
    // Usernames are [a-z0-9._-] (a database CHECK), so they need no escaping.
    format!(
        "otpauth://totp/{ISSUER}:{username}?secret={}&issuer={ISSUER}&algorithm={algorithm_name}&digits={DIGITS}&period={STEP_SECONDS}",
        base32(secret)
    )
}

/// The QR code as inline SVG: drawn here, no external service sees the secret.
pub fn qr_svg(uri: &str) -> String {
    match QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
        Err(_) => String::new(),
    }
}

pub(crate) fn aad(admin_id: Uuid) -> Vec<u8> {
    format!("admin_users:totp_secret_sealed:{admin_id}").into_bytes()
}

pub fn seal(key: &DerivedKey, admin_id: Uuid, secret: &[u8]) -> Vec<u8> {
    key.seal(secret, &aad(admin_id))
}

pub fn open(key: &DerivedKey, admin_id: Uuid, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
    key.open(sealed, &aad(admin_id))
}

/// Ten new recovery codes, formatted for people (`ABCD-EFGH-...`).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw = base32(&random_bytes::<15>());
            raw.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
        })
        .collect()
}

/// What is stored for a recovery code: SHA-256 of its 24 characters, ignoring case,
/// dashes and spaces. None when the input cannot be a recovery code at all.
pub fn recovery_code_hash(typed: &str) -> Option<Vec<u8>> {
    let normalized: String =
        typed.chars().filter(|c| !matches!(c, '-' | ' ')).map(|c| c.to_ascii_uppercase()).collect();
    (normalized.len() == 24 && normalized.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| Sha256::digest(normalized.as_bytes()).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    /// RFC 6238 Appendix B, SHA-1, read from the shared research file when it is there
    /// (the same numbers are inlined so the test also runs without it).
    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        let mut vectors: Vec<(u64, String)> = vec![
            (59, "287082".into()),
            (1_111_111_109, "081804".into()),
            (1_111_111_111, "050471".into()),
            (1_234_567_890, "005924".into()),
            (2_000_000_000, "279037".into()),
            (20_000_000_000, "353130".into()),
        ];
        let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/research/security-test-vectors.json");
        if let Ok(text) = std::fs::read_to_string(shared) {
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            let from_file: Vec<(u64, String)> = json["rfc6238_appendix_b"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["mode"] == "SHA1")
                .map(|v| (v["unix_time"].as_u64().unwrap(), v["totp6"].as_str().unwrap().to_owned()))
                .collect();
            assert_eq!(from_file, vectors, "the shared vectors and the inlined ones differ");
            vectors = from_file;
        }
        for (time, expected) in &vectors {
            assert_eq!(&code_at(RFC_SECRET, "SHA1", *time), expected, "t={time}");
            assert_eq!(matched_step(RFC_SECRET, "SHA1", expected, *time), Some(time / 30));
        }
        // SHA-256 row of the same table (32-byte seed), for the stored-algorithm path.
        assert_eq!(code_at(b"12345678901234567890123456789012", "SHA256", 59), "119246");
    }

    #[test]
    fn one_step_either_way_and_no_further() {
        let secret = new_secret();
        assert_eq!(secret.len(), 20);
        let t = 1_585_369_780u64;
        let step = t / 30;
        for (offset, accepted) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let at = ((step as i64 + offset) * 30) as u64;
            let code = code_at(&secret, "SHA1", at);
            let found = matched_step(&secret, "SHA1", &code, t);
            // A code of another step can collide by chance (1 in 10^6); only the
            // matched step matters for replay protection.
            if accepted {
                assert_eq!(found, Some((step as i64 + offset) as u64), "offset {offset}");
            } else {
                assert!(found.is_none() || found != Some((step as i64 + offset) as u64), "offset {offset}");
            }
        }
        assert_eq!(matched_step(&secret, "SHA1", "12345", t), None);
        assert_eq!(matched_step(&secret, "SHA1", "+12345", t), None);
        let code = code_at(&secret, "SHA1", t);
        assert_eq!(matched_step(&secret, "SHA1", &format!("{} {}", &code[..3], &code[3..]), t), Some(step));
    }

    #[test]
    fn secrets_are_sealed_to_their_row() {
        let key = crate::crypto::MasterKey::from_bytes([9; 32]).derive(crate::crypto::KeyPurpose::AdminTotpSealing);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let secret = new_secret();
        let sealed = seal(&key, a, &secret);
        assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_slice()));
        assert_eq!(open(&key, a, &sealed).unwrap(), secret);
        assert!(open(&key, b, &sealed).is_err());
    }

    #[test]
    fn recovery_codes_carry_120_bits_and_hash_tolerantly() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes[0].replace('-', "").len(), 24); // 24 base32 characters = 120 bits
        assert_ne!(codes[0], codes[1]);
        let h = recovery_code_hash(&codes[0]).unwrap();
        assert_eq!(recovery_code_hash(&codes[0].to_lowercase().replace('-', " ")), Some(h));
        assert_eq!(recovery_code_hash("123456"), None);
    }

    #[test]
    fn enrolment_uri_and_qr() {
        let uri = otpauth_uri("alice", RFC_SECRET, "SHA1");
        assert_eq!(
            uri,
            "otpauth://totp/FastFaktura:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=FastFaktura&algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&uri);
        assert!(svg.contains("<svg") && svg.len() > 1000);
    }
}
