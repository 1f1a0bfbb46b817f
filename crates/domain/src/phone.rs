//! `PhoneNumber`: a mobile number in E.164, the form SMS providers take.
//!
//! People type numbers with spaces, dashes, dots and brackets, and sometimes `00`
//! for the international prefix; those are normalised away. What remains must be `+`
//! and 7 to 15 digits not starting with 0 (ITU-T E.164: at most 15 digits, country
//! codes never start with 0; the shortest real numbers, e.g. Saint Helena's, have 7).
//! A number without a country code is refused rather than guessed: the same digits
//! reach different people in different countries.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error("Please enter a mobile number.")]
    Empty,
    #[error("The number needs its country code in international form, such as +354 555 1234.")]
    NotInternational,
    #[error("A phone number has 7 to 15 digits after the +, such as +354 555 1234.")]
    Malformed,
}

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, PhoneNumberError> {
        let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}')).collect();
        if compact.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let digits = match (compact.strip_prefix('+'), compact.strip_prefix("00")) {
            (Some(rest), _) => rest,
            (None, Some(rest)) => rest,
            (None, None) => return Err(PhoneNumberError::NotInternational),
        };
        if (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0') {
            Ok(Self(format!("+{digits}")))
        } else {
            Err(PhoneNumberError::Malformed)
        }
    }

    /// `+` and the digits, as providers take it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typed_forms_are_normalised() {
        assert_eq!(PhoneNumber::parse("+354 555-1234").unwrap().as_str(), "+3545551234");
        assert_eq!(PhoneNumber::parse("0046 (70) 123.45.67").unwrap().as_str(), "+46701234567");
        assert_eq!(PhoneNumber::parse(" +1 415 555 2671 ").unwrap().as_str(), "+14155552671");
    }

    #[test]
    fn what_is_not_e164_is_refused_with_a_reason() {
        assert_eq!(PhoneNumber::parse("  "), Err(PhoneNumberError::Empty));
        assert_eq!(PhoneNumber::parse("555 1234"), Err(PhoneNumberError::NotInternational));
        assert_eq!(PhoneNumber::parse("+0354 5551234"), Err(PhoneNumberError::Malformed));
        assert_eq!(PhoneNumber::parse("+354"), Err(PhoneNumberError::Malformed));
        assert_eq!(PhoneNumber::parse("+1234567890123456"), Err(PhoneNumberError::Malformed));
        assert_eq!(PhoneNumber::parse("+354 555 CALL"), Err(PhoneNumberError::Malformed));
        assert_eq!(PhoneNumber::parse("+354555\n1234"), Err(PhoneNumberError::Malformed));
    }

    proptest! {
        #[test]
        fn valid_numbers_survive_formatting(cc in 1u32..999, rest in "[0-9]{6,12}", sep in "[ .-]{0,2}") {
            let digits = format!("{cc}{rest}");
            prop_assume!(digits.len() <= 15);
            let typed = format!("+{}{sep}{}", &digits[..2], &digits[2..]);
            let parsed = PhoneNumber::parse(&typed).unwrap();
            prop_assert_eq!(parsed.as_str(), format!("+{digits}"));
            // Parsing the normal form again changes nothing.
            prop_assert_eq!(PhoneNumber::parse(parsed.as_str()).unwrap(), parsed);
        }

        #[test]
        fn anything_parsed_is_plus_and_7_to_15_digits(input in ".{0,24}") {
            if let Ok(n) = PhoneNumber::parse(&input) {
                let digits = n.as_str().strip_prefix('+').unwrap();
                prop_assert!((7..=15).contains(&digits.len()));
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0'));
            }
        }
    }
}
