//! ISO 4217 currencies and their minor units.
//!
//! The minor unit decides how every amount in that currency is rounded and shown:
//! euros have cents, Icelandic krónur and Japanese yen have none. Only currencies we
//! can invoice in are listed; anything else is refused with a clear message rather
//! than guessed at.

use std::fmt;

/// (code, minor units, English name)
const CURRENCIES: &[(&str, u32, &str)] = &[
    ("EUR", 2, "Euro"),
    ("ISK", 0, "Icelandic króna"),
    ("SEK", 2, "Swedish krona"),
    ("NOK", 2, "Norwegian krone"),
    ("DKK", 2, "Danish krone"),
    ("USD", 2, "US dollar"),
    ("GBP", 2, "Pound sterling"),
    ("CHF", 2, "Swiss franc"),
    ("PLN", 2, "Polish złoty"),
    ("CZK", 2, "Czech koruna"),
    ("HUF", 2, "Hungarian forint"),
    ("RON", 2, "Romanian leu"),
    ("BGN", 2, "Bulgarian lev"),
    ("CAD", 2, "Canadian dollar"),
    ("AUD", 2, "Australian dollar"),
    ("NZD", 2, "New Zealand dollar"),
    ("JPY", 0, "Japanese yen"),
    ("KRW", 0, "South Korean won"),
    ("CNY", 2, "Chinese yuan"),
    ("INR", 2, "Indian rupee"),
    ("BHD", 3, "Bahraini dinar"),
    ("KWD", 3, "Kuwaiti dinar"),
];

/// A currency we support, with its ISO 4217 minor units.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    minor_units: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a currency we support; use an ISO 4217 code such as EUR, ISK, SEK, NOK, DKK or USD")]
pub struct UnknownCurrency(pub String);

impl Currency {
    pub const EUR: Currency = Currency { code: "EUR", minor_units: 2 };
    pub const ISK: Currency = Currency { code: "ISK", minor_units: 0 };

    pub fn parse(code: &str) -> Result<Self, UnknownCurrency> {
        let wanted = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _, _)| *c == wanted)
            .map(|(code, minor_units, _)| Currency { code, minor_units: *minor_units })
            .ok_or_else(|| UnknownCurrency(code.trim().to_owned()))
    }

    pub fn code(self) -> &'static str {
        self.code
    }

    /// Decimal places of the currency's smallest unit (EUR 2, ISK 0).
    pub fn minor_units(self) -> u32 {
        self.minor_units
    }

    /// Every supported currency, for forms.
    pub fn all() -> impl Iterator<Item = (Currency, &'static str)> {
        CURRENCIES.iter().map(|(code, minor_units, name)| (Currency { code, minor_units: *minor_units }, *name))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_parse_with_their_minor_units() {
        assert_eq!(Currency::parse("eur").unwrap(), Currency::EUR);
        assert_eq!(Currency::parse(" ISK ").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("JPY").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_units(), 3);
        assert_eq!(Currency::parse("SEK").unwrap().minor_units(), 2);
    }

    #[test]
    fn unknown_codes_are_refused_with_the_code_named() {
        let err = Currency::parse("XYZ").unwrap_err();
        assert!(err.to_string().contains("\"XYZ\""));
        assert!(Currency::parse("").is_err());
        assert!(Currency::parse("EURO").is_err());
    }
}
