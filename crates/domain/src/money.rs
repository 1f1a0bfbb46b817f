//! Exact money: a decimal amount in a currency, rounded to the currency's minor unit.
//!
//! Rounding is half away from zero (EN 16931 and common commercial practice). No
//! floating point anywhere: amounts are `rust_decimal::Decimal`, and what people type
//! is parsed with a limit on decimal places so nothing is silently truncated.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::currency::Currency;

/// Rounds `value` to `currency`'s minor unit, half away from zero, and fixes the scale
/// so `Display` shows exactly that many decimals (ISK `1500`, EUR `1500.00`).
pub fn round_to_currency(value: Decimal, currency: Currency) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(currency.minor_units(), RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(currency.minor_units());
    rounded
}

/// An amount in a currency, always rounded to its minor unit.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount: round_to_currency(amount, currency), currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::new(Decimal::ZERO, currency)
    }

    pub fn amount(self) -> Decimal {
        self.amount
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The amount with exactly the currency's decimals and no grouping: `1234.50`.
    pub fn plain(self) -> String {
        self.amount.to_string()
    }

    /// For people: grouped thousands, the currency's decimals, and the code:
    /// `1,234.50 EUR`, `150,000 ISK`.
    pub fn display(self) -> String {
        format!("{} {}", group_thousands(&self.plain()), self.currency.code())
    }
}

fn group_thousands(plain: &str) -> String {
    let (sign, digits) = plain.strip_prefix('-').map_or(("", plain), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.amount, self.currency.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalInputError {
    #[error("is required")]
    Empty,
    #[error("must be a number such as 1250.50")]
    NotANumber,
    #[error("can have at most {0} decimal places")]
    TooManyDecimals(u32),
    #[error("must not be negative")]
    Negative,
    #[error("is too large")]
    TooLarge,
}

/// Parses a number as people type it: `1250.5`, `1 250,50`, `-3`. Either `.` or `,`
/// is the decimal separator (not both); spaces group thousands. At most
/// `max_decimals` decimal places; values beyond ±10^12 are refused.
pub fn parse_decimal(input: &str, max_decimals: u32) -> Result<Decimal, DecimalInputError> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    if compact.is_empty() {
        return Err(DecimalInputError::Empty);
    }
    if compact.contains('.') && compact.contains(',') {
        return Err(DecimalInputError::NotANumber);
    }
    let normalised = compact.replace(',', ".");
    let valid_shape = {
        let body = normalised.strip_prefix('-').unwrap_or(&normalised);
        let mut parts = body.split('.');
        let whole = parts.next().unwrap_or("");
        let fraction = parts.next();
        parts.next().is_none()
            && !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    };
    if !valid_shape {
        return Err(DecimalInputError::NotANumber);
    }
    if normalised.split_once('.').is_some_and(|(_, f)| f.len() > max_decimals as usize) {
        return Err(DecimalInputError::TooManyDecimals(max_decimals));
    }
    let value: Decimal = normalised.parse().map_err(|_| DecimalInputError::TooLarge)?;
    if value.abs() > Decimal::from(1_000_000_000_000i64) {
        return Err(DecimalInputError::TooLarge);
    }
    Ok(value.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero_to_the_minor_unit() {
        assert_eq!(Money::new(dec!(2.345), Currency::EUR).plain(), "2.35");
        assert_eq!(Money::new(dec!(-2.345), Currency::EUR).plain(), "-2.35");
        assert_eq!(Money::new(dec!(2.344), Currency::EUR).plain(), "2.34");
        assert_eq!(Money::new(dec!(1499.5), Currency::ISK).plain(), "1500");
        assert_eq!(Money::new(dec!(7), Currency::EUR).plain(), "7.00");
    }

    #[test]
    fn displays_grouped_with_the_code() {
        assert_eq!(Money::new(dec!(1234567.5), Currency::EUR).display(), "1,234,567.50 EUR");
        assert_eq!(Money::new(dec!(150000), Currency::ISK).display(), "150,000 ISK");
        assert_eq!(Money::new(dec!(-999.99), Currency::EUR).display(), "-999.99 EUR");
        assert_eq!(Money::new(dec!(0), Currency::ISK).display(), "0 ISK");
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_decimal("1250.5", 2), Ok(dec!(1250.5)));
        assert_eq!(parse_decimal(" 1 250,50 ", 2), Ok(dec!(1250.5)));
        assert_eq!(parse_decimal("-3", 4), Ok(dec!(-3)));
        assert_eq!(parse_decimal("", 2), Err(DecimalInputError::Empty));
        assert_eq!(parse_decimal("1.005", 2), Err(DecimalInputError::TooManyDecimals(2)));
        for bad in ["abc", "1.2.3", "1,200.50", ".5", "5.", "1e5", "--1", "0x10"] {
            assert_eq!(parse_decimal(bad, 4), Err(DecimalInputError::NotANumber), "{bad}");
        }
        assert_eq!(parse_decimal("99999999999999999", 2), Err(DecimalInputError::TooLarge));
    }

    proptest! {
        #[test]
        fn isk_never_shows_decimals(cents in -10_000_000_000i64..10_000_000_000i64) {
            let money = Money::new(Decimal::new(cents, 2), Currency::ISK);
            prop_assert!(!money.plain().contains('.'));
            prop_assert!(!money.display().contains('.'));
        }

        #[test]
        fn eur_always_shows_two_decimals(millis in -10_000_000_000i64..10_000_000_000i64) {
            let plain = Money::new(Decimal::new(millis, 3), Currency::EUR).plain();
            prop_assert_eq!(plain.split_once('.').map(|(_, f)| f.len()), Some(2));
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,24}") {
            let _ = parse_decimal(&s, 4);
        }
    }
}
