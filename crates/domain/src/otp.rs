//! One-time codes: six decimal digits, drawn uniformly from 000000–999999.
//!
//! The server supplies randomness (the OS CSPRNG); this module owns the arithmetic that
//! turns 32 random bits into a code without modulo bias, and the parsing of what a
//! person types. Keeping it pure lets the uniformity test run over 10^6 draws quickly.

use std::fmt;

/// Number of distinct codes.
pub const CODE_SPACE: u32 = 1_000_000;
/// The largest multiple of `CODE_SPACE` that fits in a `u32`: draws at or above it are
/// rejected, so every code is exactly equally likely (no modulo bias).
const REJECTION_BOUND: u32 = (u32::MAX / CODE_SPACE) * CODE_SPACE;
// Checked when compiling: every code has exactly REJECTION_BOUND / CODE_SPACE
// preimages (no bias), and fewer than CODE_SPACE draws are ever rejected.
const _: () = assert!(REJECTION_BOUND.is_multiple_of(CODE_SPACE) && u32::MAX - REJECTION_BOUND < CODE_SPACE);

/// A six-digit one-time code. Its `Debug` is redacted so it cannot leak through `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct OtpCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpCodeError {
    #[error("Please enter the 6-digit code from the email.")]
    Empty,
    #[error("The code has exactly 6 digits (0–9). Please check it and type it again.")]
    NotSixDigits,
}

impl OtpCode {
    /// Maps one uniformly random `u32` to a code, or `None` when the draw must be
    /// rejected (probability < 0.03 %); the caller draws again.
    pub fn from_random_u32(draw: u32) -> Option<Self> {
        (draw < REJECTION_BOUND).then(|| Self(format!("{:06}", draw % CODE_SPACE)))
    }

    /// Parses what a person typed: surrounding whitespace and inner spaces or dashes
    /// (as in "123 456" or "123-456") are ignored.
    pub fn parse(input: &str) -> Result<Self, OtpCodeError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '\t')).collect();
        if digits.is_empty() {
            return Err(OtpCodeError::Empty);
        }
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OtpCodeError::NotSixDigits);
        }
        Ok(Self(digits))
    }

    /// The digits, for the email body and the keyed hash only.
    pub fn expose_digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OtpCode(******)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn draws_map_to_six_digits_including_leading_zeros() {
        assert_eq!(OtpCode::from_random_u32(0).unwrap().expose_digits(), "000000");
        assert_eq!(OtpCode::from_random_u32(42).unwrap().expose_digits(), "000042");
        assert_eq!(OtpCode::from_random_u32(1_999_999).unwrap().expose_digits(), "999999");
        assert!(OtpCode::from_random_u32(REJECTION_BOUND - 1).is_some());
        assert!(OtpCode::from_random_u32(REJECTION_BOUND).is_none());
        assert!(OtpCode::from_random_u32(u32::MAX).is_none());
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(OtpCode::parse(" 012345 ").unwrap().expose_digits(), "012345");
        assert_eq!(OtpCode::parse("012 345").unwrap().expose_digits(), "012345");
        assert_eq!(OtpCode::parse("012-345").unwrap().expose_digits(), "012345");
        assert_eq!(OtpCode::parse(""), Err(OtpCodeError::Empty));
        for bad in ["12345", "1234567", "12345a", "１２３４５６", "abcdef"] {
            assert_eq!(OtpCode::parse(bad), Err(OtpCodeError::NotSixDigits), "{bad}");
        }
    }

    #[test]
    fn debug_output_never_shows_the_digits() {
        let code = OtpCode::parse("314159").unwrap();
        assert!(!format!("{code:?}").contains("314159"));
    }

    proptest! {
        #[test]
        fn any_accepted_draw_parses_back(draw in any::<u32>()) {
            if let Some(code) = OtpCode::from_random_u32(draw) {
                prop_assert_eq!(OtpCode::parse(code.expose_digits()).unwrap(), code);
            }
        }
    }
}
