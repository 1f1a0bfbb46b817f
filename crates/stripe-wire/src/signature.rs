//! Verifying the `Stripe-Signature` header of a webhook delivery.
//!
//! Stripe signs `"{t}.{raw body}"` with HMAC-SHA256 under the endpoint's signing
//! secret (the whole `whsec_…` string is the key) and sends `t=…,v1=…[,v1=…]`. We
//! accept when any `v1` matches any secret we hold (so a secret can be rolled), compare
//! in constant time, and refuse timestamps more than five minutes away in either
//! direction (stripe-python only checks the past; a future one is as suspect). The
//! check runs over the bytes exactly as received: re-serialised JSON must fail.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far a signature's timestamp may be from our clock, as Stripe's libraries use.
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a delivery was refused; the reason is recorded, never the header itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the Stripe-Signature header has no v1 signature")]
    NoV1,
    #[error("no signature matches the endpoint's signing secret")]
    Mismatch,
    #[error("the signature's timestamp is too old")]
    TooOld,
    #[error("the signature's timestamp is in the future")]
    InFuture,
}

/// Checks `header` over `body` against each of `secrets` at `now` (Unix seconds).
pub fn verify(header: Option<&str>, body: &[u8], secrets: &[&str], now: i64) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        let (name, value) = item.trim().split_once('=').ok_or(SignatureError::Malformed)?;
        match name {
            "t" => timestamp = Some(value.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            "v1" => signatures.push(value),
            // Other schemes (v0 in test mode) are ignored, as Stripe's libraries do.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::NoV1);
    }
    let matches = secrets.iter().any(|secret| {
        let expected = sign(secret, timestamp, body);
        // Hex digests of equal length; a wrong length simply does not match.
        signatures
            .iter()
            .fold(false, |found, candidate| found | bool::from(expected.as_bytes().ct_eq(candidate.as_bytes())))
    });
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    if timestamp < now - TOLERANCE_SECONDS {
        return Err(SignatureError::TooOld);
    }
    if timestamp > now + TOLERANCE_SECONDS {
        return Err(SignatureError::InFuture);
    }
    Ok(())
}

/// The lowercase hex `v1` signature of `body` at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The vector of security-criteria.md §14, computed with stripe-python's algorithm.
    const SECRET: &str = "whsec_test_secret";
    const T: i64 = 1_700_000_000;
    const BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
    const V1: &str = "d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990";

    fn header(v1: &str) -> String {
        format!("t={T},v1={v1}")
    }

    #[test]
    fn the_published_vector_signs_and_verifies() {
        assert_eq!(sign(SECRET, T, BODY), V1);
        assert_eq!(verify(Some(&header(V1)), BODY, &[SECRET], T + 10), Ok(()));
    }

    #[test]
    fn every_bad_delivery_is_refused_with_its_reason() {
        let ok = header(V1);
        type Case<'a> = (Option<&'a str>, &'a [u8], &'a [&'a str], i64, SignatureError);
        let cases: Vec<Case> = vec![
            (None, BODY, &[SECRET], T, SignatureError::Missing),
            (Some("garbage"), BODY, &[SECRET], T, SignatureError::Malformed),
            (Some("t=abc,v1=00"), BODY, &[SECRET], T, SignatureError::Malformed),
            (Some("v1=00"), BODY, &[SECRET], T, SignatureError::Malformed),
            (Some("t=1700000000,v0=00"), BODY, &[SECRET], T, SignatureError::NoV1),
            (Some(&ok), BODY, &["whsec_other"], T, SignatureError::Mismatch),
            (Some(&ok), br#"{"id":"evt_test_webhook","object":"evenT"}"#, &[SECRET], T, SignatureError::Mismatch),
            (Some(&ok), br#"{"object":"event","id":"evt_test_webhook"}"#, &[SECRET], T, SignatureError::Mismatch),
            (Some(&ok), BODY, &[SECRET], T + 301, SignatureError::TooOld),
            (Some(&ok), BODY, &[SECRET], T - 301, SignatureError::InFuture),
        ];
        for (header, body, secrets, now, expected) in cases {
            assert_eq!(verify(header, body, secrets, now), Err(expected), "{header:?} at {now}");
        }
    }

    #[test]
    fn any_matching_v1_under_any_held_secret_is_accepted() {
        let two = format!("t={T},v1={},v1={V1}", "0".repeat(64));
        assert_eq!(verify(Some(&two), BODY, &[SECRET], T), Ok(()));
        assert_eq!(verify(Some(&header(V1)), BODY, &["whsec_new_secret", SECRET], T), Ok(()));
        assert_eq!(verify(Some(&format!("t={T},v0=ab,v1={V1}")), BODY, &[SECRET], T), Ok(()));
        // The edges of the tolerance are inside it.
        assert_eq!(verify(Some(&header(V1)), BODY, &[SECRET], T + 300), Ok(()));
        assert_eq!(verify(Some(&header(V1)), BODY, &[SECRET], T - 300), Ok(()));
    }
}
