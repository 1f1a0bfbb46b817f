//! Admin passwords: the policy (ADM-2) and argon2id storage (ADM-3).
//!
//! Policy: at least 15 characters, at most 1024 (so a megabyte "password" cannot tie
//! up a CPU), no composition rules, no case folding, and not one of the 30,000 most
//! common passwords (the list zxcvbn ships, MIT licence, bundled beside this file).
//!
//! Hashes are argon2id PHC strings with at least m=19456 KiB, t=2, p=1 (OWASP / ASVS
//! appendix C). Hashing and verifying take tens of milliseconds of CPU, so they run on
//! the blocking pool (`spawn_blocking`), never on an async worker thread. Unknown
//! usernames are checked against a dummy hash with the same parameters, so "no such
//! admin" takes as long as "wrong password" (ADM-5).

use std::{collections::HashSet, sync::LazyLock};

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version, password_hash::SaltString,
};

use crate::crypto::random_bytes;

pub const MIN_CHARS: usize = 15;
pub const MAX_CHARS: usize = 1024;

/// The parameters new hashes get. Raising them makes every admin's hash be replaced
/// at their next successful login ([`Verification::Valid::needs_rehash`]).
pub const M_COST_KIB: u32 = 19_456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().filter(|l| !l.is_empty()).collect());

fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a new password is refused; the message is shown as it is (admin console, English).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("The password must be at least 15 characters long. A few unrelated words make a good one.")]
    TooShort,
    #[error("The password must be at most 1024 characters long.")]
    TooLong,
    #[error("This password is on the list of commonly used passwords. Choose another.")]
    Common,
}

/// Checks a new password against the policy.
pub fn check_policy(password: &str) -> Result<(), PolicyError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PolicyError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PolicyError::TooLong);
    }
    if COMMON.contains(password.to_lowercase().as_str()) {
        return Err(PolicyError::Common);
    }
    Ok(())
}

/// Hashes a password with the current parameters (blocking: call from `spawn_blocking`
/// or a CLI).
pub fn hash_blocking(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes is a valid salt");
    argon2().hash_password(password.as_bytes(), &salt).expect("argon2 hashing of an in-memory password").to_string()
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    let _permit = HASHING.acquire().await?;
    Ok(tokio::task::spawn_blocking(move || hash_blocking(&password)).await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Valid { needs_rehash: bool },
    Invalid,
}

/// A hash of a random password, verified against when the username is unknown so the
/// response takes as long as for a known one.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_blocking(&hex::encode(random_bytes::<16>())));

/// Verifies `password` against `stored`, or against the dummy hash when `stored` is
/// None (the result is then always Invalid). Blocking.
pub fn verify_blocking(password: &str, stored: Option<&str>) -> Verification {
    let (phc, real) = match stored {
        Some(s) => (s, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        tracing::error!("an admin password hash could not be parsed");
        return Verification::Invalid;
    };
    // Argon2 verifies with the parameters recorded in the hash itself.
    let ok = argon2().verify_password(password.as_bytes(), &parsed).is_ok();
    if !(ok && real) {
        return Verification::Invalid;
    }
    let needs_rehash = parsed.algorithm.as_str() != "argon2id"
        || Params::try_from(&parsed)
            .map(|p| p.m_cost() < M_COST_KIB || p.t_cost() < T_COST || p.p_cost() < P_COST)
            .unwrap_or(true);
    Verification::Valid { needs_rehash }
}

/// Argon2 runs at once in this process: each takes about 19 MiB and a core for tens of
/// milliseconds, so a flood of sign-in attempts queues here instead of exhausting the
/// memory and the blocking pool (the per-address limit stops a single client earlier).
pub const CONCURRENT_HASHES: usize = 4;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<Verification> {
    let _permit = HASHING.acquire().await?;
    Ok(tokio::task::spawn_blocking(move || verify_blocking(&password, stored.as_deref())).await?)
}

/// Makes sure the dummy hash exists before the first login, so the first unknown
/// username does not take twice as long as later ones.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
    LazyLock::force(&COMMON);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_wants_length_and_refuses_common_passwords() {
        assert_eq!(check_policy("short"), Err(PolicyError::TooShort));
        assert_eq!(check_policy("fourteen chars"), Err(PolicyError::TooShort));
        assert_eq!(check_policy("correct horse battery staple"), Ok(()));
        assert_eq!(check_policy(&"x".repeat(1025)), Err(PolicyError::TooLong));
        assert!(COMMON.len() >= 29_000, "{}", COMMON.len());
        // Long entries of the list are refused whatever their case.
        let long_common = COMMON.iter().find(|p| p.chars().count() >= MIN_CHARS).expect("a long common password");
        assert_eq!(check_policy(&long_common.to_uppercase()), Err(PolicyError::Common));
        // Composition rules: none. Non-ASCII counts as characters, not bytes.
        assert_eq!(check_policy("þetta er lykilorð"), Ok(()));
    }

    #[test]
    fn hashes_are_argon2id_with_at_least_the_minimum_parameters() {
        let phc = hash_blocking("correct horse battery staple");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let parsed = PasswordHash::new(&phc).unwrap();
        let params = Params::try_from(&parsed).unwrap();
        assert!(params.m_cost() >= 19_456 && params.t_cost() >= 2 && params.p_cost() == 1);
        assert_eq!(
            verify_blocking("correct horse battery staple", Some(&phc)),
            Verification::Valid { needs_rehash: false }
        );
        assert_eq!(verify_blocking("Correct horse battery staple", Some(&phc)), Verification::Invalid);
        assert_eq!(verify_blocking("correct horse battery staple", None), Verification::Invalid);
    }

    #[test]
    fn weaker_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8192, 1, 1, None).unwrap());
        let salt = SaltString::encode_b64(&[3u8; 16]).unwrap();
        let phc = weak.hash_password(b"correct horse battery staple", &salt).unwrap().to_string();
        assert_eq!(
            verify_blocking("correct horse battery staple", Some(&phc)),
            Verification::Valid { needs_rehash: true }
        );
    }
}
