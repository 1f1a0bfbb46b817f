//! Amounts in Stripe's integer form, which is not always the ISO 4217 minor unit.
//!
//! Stripe counts most currencies in hundredths; zero-decimal currencies (JPY, KRW) in
//! whole units; three-decimal ones (BHD, KWD) in thousandths whose last digit must be
//! 0. ISK is the trap: ISO says it has no minor unit, Stripe still counts it in
//! hundredths but accepts only multiples of 100. Getting this wrong charges a customer
//! a hundred times too much or too little, so an amount that cannot be expressed
//! exactly is refused rather than rounded.

use fastfaktura_domain::{Currency, Decimal};

/// Currencies Stripe counts in whole units (of those we invoice in).
const ZERO_DECIMAL: &[&str] = &["JPY", "KRW"];
/// Currencies Stripe counts in thousandths, last digit 0.
const THREE_DECIMAL: &[&str] = &["BHD", "KWD"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{amount} {currency} cannot be charged by card: Stripe accepts {currency} only in steps of {step}")]
pub struct NotChargeable {
    pub amount: Decimal,
    pub currency: &'static str,
    pub step: Decimal,
}

/// Stripe's exponent for `currency` and the step it insists on, in that exponent.
fn rules(currency: Currency) -> (u32, i64) {
    let code = currency.code();
    if ZERO_DECIMAL.contains(&code) {
        (0, 1)
    } else if THREE_DECIMAL.contains(&code) {
        (3, 10)
    } else if code == "ISK" {
        (2, 100)
    } else {
        (2, 1)
    }
}

/// `amount` as the integer Stripe expects.
pub fn to_stripe(amount: Decimal, currency: Currency) -> Result<i64, NotChargeable> {
    let (exponent, step) = rules(currency);
    let refuse = || NotChargeable { amount, currency: currency.code(), step: Decimal::new(step, exponent).normalize() };
    // Checked: an amount near Decimal's limit would overflow (and panic) when scaled.
    let scaled = amount.checked_mul(Decimal::from(10i64.pow(exponent))).ok_or_else(refuse)?;
    if scaled.fract() != Decimal::ZERO || scaled <= Decimal::ZERO {
        return Err(refuse());
    }
    let value: i64 = scaled.try_into().map_err(|_| refuse())?;
    if value % step != 0 {
        return Err(refuse());
    }
    Ok(value)
}

/// An integer amount from Stripe in `currency`.
pub fn from_stripe(value: i64, currency: Currency) -> Decimal {
    let (exponent, _) = rules(currency);
    Decimal::new(value, exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn currency(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn each_kind_of_currency_converts_both_ways() {
        let cases = [
            (d("12.34"), "EUR", 1234),
            (d("12500"), "ISK", 1_250_000),
            (d("500"), "JPY", 500),
            (d("1.23"), "KWD", 1230),
            (d("0.01"), "SEK", 1),
            (d("99.99"), "HUF", 9999),
        ];
        for (amount, code, stripe) in cases {
            assert_eq!(to_stripe(amount, currency(code)), Ok(stripe), "{amount} {code}");
            assert_eq!(from_stripe(stripe, currency(code)), amount, "{stripe} {code}");
        }
    }

    #[test]
    fn amounts_stripe_cannot_take_exactly_are_refused() {
        assert!(to_stripe(d("10.5"), currency("ISK")).is_err());
        assert!(to_stripe(d("1.234"), currency("KWD")).is_err());
        assert!(to_stripe(d("1.005"), currency("EUR")).is_err());
        assert!(to_stripe(d("0"), currency("EUR")).is_err());
        assert!(to_stripe(d("-5"), currency("EUR")).is_err());
        // Scaling Decimal's largest value used to overflow and panic.
        assert!(to_stripe(Decimal::MAX, currency("KWD")).is_err());
        let message = to_stripe(d("10.5"), currency("ISK")).unwrap_err().to_string();
        assert!(message.contains("steps of 1"), "{message}");
    }
}
