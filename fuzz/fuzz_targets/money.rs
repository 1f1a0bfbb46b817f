//! Amounts, quantities and prices as people type them (`parse_decimal`), shown back
//! (`Money`), currency codes, and Stripe's integer amounts.
//!
//! Beyond "does not panic": what is accepted is exactly the documented shape (checked
//! by a hand-written recogniser here), what we display parses back to the same value,
//! and an amount sent to Stripe comes back unchanged.
#![no_main]

use fastfaktura_domain::{Currency, Decimal, Money, money::round_to_currency, parse_decimal};
use fastfaktura_stripe_wire::amounts::{from_stripe, to_stripe};
use libfuzzer_sys::fuzz_target;

/// The documented grammar, written out: optional `-`, digits, optionally one `.` or `,`
/// and more digits; whitespace anywhere is ignored. Returns (whole, fraction) digits.
fn shape(input: &str) -> Option<(String, String)> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let body = compact.strip_prefix('-').unwrap_or(&compact);
    let (whole, fraction) = match body.find(['.', ',']) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, ""),
    };
    let has_separator = whole.len() < body.len();
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    (!whole.is_empty() && digits(whole) && digits(fraction) && (!has_separator || !fraction.is_empty()))
        .then(|| (whole.to_owned(), fraction.to_owned()))
}

/// At most 10^12 in absolute value, decided on the digits (no Decimal involved).
fn within_limit(whole: &str, fraction: &str) -> bool {
    let whole = whole.trim_start_matches('0');
    match whole.len() {
        0..=12 => true,
        13 => whole == "1000000000000" && fraction.chars().all(|c| c == '0'),
        _ => false,
    }
}

fuzz_target!(|input: (u8, &str)| {
    let (selector, text) = input;
    let max_decimals = u32::from(selector % 6);
    let currencies: Vec<Currency> = Currency::all().map(|(c, _)| c).collect();
    let currency = currencies[usize::from(selector / 6) % currencies.len()];

    let parsed = parse_decimal(text, max_decimals);
    let expected = shape(text).filter(|(_, f)| f.len() <= max_decimals as usize).filter(|(w, f)| within_limit(w, f));
    assert_eq!(parsed.is_ok(), expected.is_some(), "{text:?} with {max_decimals} decimals gave {parsed:?}");
    match parsed {
        Ok(value) => {
            assert!(value.abs() <= Decimal::from(1_000_000_000_000i64));
            assert!(value.scale() <= max_decimals, "{value} has more than {max_decimals} decimals");
            // What we print, with either separator, reads back as the same number.
            let printed = value.to_string();
            assert_eq!(parse_decimal(&printed, max_decimals), Ok(value), "{printed}");
            assert_eq!(parse_decimal(&printed.replace('.', ","), max_decimals), Ok(value), "{printed}");

            // Shown as money: rounded to the currency, grouped, and readable back.
            let money = Money::new(value, currency);
            let rounded = round_to_currency(value, currency);
            assert_eq!(money.amount(), rounded);
            assert_eq!(rounded.scale(), currency.minor_units());
            assert!((rounded - value).abs() * Decimal::TWO <= Decimal::new(1, currency.minor_units()));
            let shown = money.display();
            let number = shown.strip_suffix(&format!(" {}", currency.code())).expect("ends with the code");
            assert_eq!(number.replace(',', ""), money.plain(), "{shown}");
            // People retype what we show with spaces for thousands.
            assert_eq!(parse_decimal(&number.replace(',', " "), currency.minor_units()), Ok(rounded.normalize()));

            // To Stripe and back, exactly, or refused.
            if let Ok(stripe) = to_stripe(rounded, currency) {
                assert!(stripe > 0);
                assert_eq!(from_stripe(stripe, currency), rounded, "{rounded} {currency} as {stripe}");
            } else if rounded > Decimal::ZERO && !matches!(currency.code(), "ISK" | "BHD" | "KWD") {
                panic!("{rounded} {currency} should be chargeable");
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }

    // Currency codes: a known code, in any case and padding, is the code itself.
    if let Ok(c) = Currency::parse(text) {
        assert_eq!(c.code(), text.trim().to_ascii_uppercase());
        assert_eq!(Currency::parse(c.code()), Ok(c));
        assert!(c.minor_units() <= 3);
    }
});
