//! `EmailAddress`: the one way an email address enters the system.
//!
//! Parsing is deliberately pragmatic (RFC 5321 sizes, one `@`, a dotted domain, no
//! whitespace or control characters) rather than a full RFC 5322 grammar: the address
//! is proven by the one-time code that is mailed to it, not by the parser. Addresses
//! are normalised to lower case so `Alice@Example.com` and `alice@example.com` are one
//! account.

use std::fmt;

/// A syntactically plausible, normalised (lower-case, trimmed) email address.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("Please enter your email address.")]
    Empty,
    #[error("That email address is too long (at most 254 characters).")]
    TooLong,
    #[error(
        "That does not look like an email address: it needs one @ with a name before it and a domain such as example.com after it."
    )]
    Malformed,
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailAddressError> {
        // Judged as it will be kept: lower case can be longer in bytes ('Ⱥ' is two, 'ⱥ'
        // three), and a kept address must parse again to itself.
        let lowered = input.trim().to_lowercase();
        let trimmed = lowered.as_str();
        if trimmed.is_empty() {
            return Err(EmailAddressError::Empty);
        }
        if trimmed.len() > 254 {
            return Err(EmailAddressError::TooLong);
        }
        if trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"' | '\\'))
        {
            return Err(EmailAddressError::Malformed);
        }
        let (local, domain) = trimmed.split_once('@').ok_or(EmailAddressError::Malformed)?;
        let domain_ok = !domain.contains('@')
            && domain.len() <= 253
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty() && label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-')
            });
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(EmailAddressError::Malformed);
        }
        Ok(Self(lowered))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lengths_are_judged_in_lower_case_so_a_kept_address_parses_to_itself() {
        // 31 'Ⱥ' are 62 bytes, a label that fits; in lower case ('ⱥ') 93 bytes, one
        // that does not (the fuzzer's find: accepted once, refused when read back).
        let label = "Ⱥ".repeat(31);
        assert_eq!(EmailAddress::parse(&format!("a@{label}.is")), Err(EmailAddressError::Malformed));
        let fits = format!("a@{}.is", "Ⱥ".repeat(21));
        let kept = EmailAddress::parse(&fits).unwrap();
        assert_eq!(EmailAddress::parse(kept.as_str()), Ok(kept.clone()));
    }

    #[test]
    fn accepts_and_normalises_ordinary_addresses() {
        let e = EmailAddress::parse("  Anna.Jonsdottir@Example.IS ").unwrap();
        assert_eq!(e.as_str(), "anna.jonsdottir@example.is");
        assert!(EmailAddress::parse("a+tag@sub.example.co.uk").is_ok());
    }

    #[test]
    fn rejects_malformed_addresses_with_a_reason() {
        assert_eq!(EmailAddress::parse(""), Err(EmailAddressError::Empty));
        assert_eq!(EmailAddress::parse("   "), Err(EmailAddressError::Empty));
        for bad in [
            "no-at-sign",
            "@example.com",
            "a@",
            "a@b@example.com",
            "a@localhost",
            "a b@example.com",
            "a@exa mple.com",
            "a@-example.com",
            "a@example..com",
            "<a@example.com>",
            "a@example.com\r\nBcc: x@y.z",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(EmailAddressError::Malformed), "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailAddressError::TooLong));
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_accepted_addresses_are_stable(s in "\\PC{0,80}") {
            if let Ok(e) = EmailAddress::parse(&s) {
                prop_assert_eq!(EmailAddress::parse(e.as_str()).unwrap(), e.clone());
                prop_assert!(!e.as_str().contains(char::is_whitespace));
            }
        }
    }
}
