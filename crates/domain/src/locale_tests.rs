//! Locale formatting and parsing: the examples users gave, both languages, and round
//! trips (what we write, we read back as the same number).

use proptest::prelude::*;
use rust_decimal_macros::dec;
use time::macros::date;

use super::*;

#[test]
fn numbers_and_money_are_written_as_each_language_writes_them() {
    assert_eq!(money(dec!(545600), Currency::ISK, Language::Is), "545.600 kr.");
    assert_eq!(money(dec!(545600), Currency::ISK, Language::En), "545,600 ISK");
    assert_eq!(money(dec!(1234.5), Currency::EUR, Language::Is), "1.234,50 EUR");
    assert_eq!(money(dec!(1234.5), Currency::EUR, Language::En), "1,234.50 EUR");
    assert_eq!(money(dec!(-0.005), Currency::EUR, Language::En), "-0.01 EUR");
    assert_eq!(number(dec!(12.5000), Language::Is), "12,5");
    assert_eq!(number(dec!(1000000), Language::En), "1,000,000");
    assert_eq!(date(date!(2026 - 12 - 04), Language::Is), "4.12.2026");
    assert_eq!(date(date!(2026 - 12 - 04), Language::En), "4 Dec 2026");
}

#[test]
fn typed_numbers_follow_the_pages_language() {
    assert_eq!(parse_number("18.500", 4, Language::Is), Ok(dec!(18500)));
    assert_eq!(parse_number("1.490,50", 4, Language::Is), Ok(dec!(1490.5)));
    assert_eq!(parse_number("18,5", 4, Language::Is), Ok(dec!(18.5)));
    assert_eq!(parse_number("1 490,50", 4, Language::Is), Ok(dec!(1490.5)));
    assert_eq!(parse_number("18,500", 4, Language::En), Ok(dec!(18500)));
    assert_eq!(parse_number("1,490.50", 4, Language::En), Ok(dec!(1490.5)));
    assert_eq!(parse_number("-3", 4, Language::En), Ok(dec!(-3)));
    assert_eq!(parse_number("250000", 4, Language::Is), Ok(dec!(250000)));
}

#[test]
fn a_number_that_could_mean_two_things_is_refused_with_both_readings() {
    let ambiguous = parse_number("18.5", 4, Language::Is).unwrap_err();
    assert_eq!(ambiguous, NumberInputError::Ambiguous { as_decimal: "18,5".into(), as_grouped: "185".into() });
    assert!(ambiguous.to_string().contains("write 18,5"));
    assert!(matches!(parse_number("18,50", 4, Language::En), Err(NumberInputError::Ambiguous { .. })));
    assert_eq!(parse_number("1.2.3", 4, Language::En), Err(NumberInputError::NotANumber));
    assert_eq!(parse_number("1.490.50", 4, Language::Is), Err(NumberInputError::NotANumber));
    assert_eq!(parse_number("abc", 4, Language::Is), Err(NumberInputError::NotANumber));
    assert_eq!(parse_number("", 4, Language::Is), Err(NumberInputError::Empty));
    assert_eq!(parse_number("1,123", 2, Language::Is), Err(NumberInputError::TooManyDecimals(2)));
    assert_eq!(parse_number("10000000000000", 2, Language::En), Err(NumberInputError::TooLarge));
}

proptest! {
    #[test]
    fn what_we_write_we_read_back(units in -1_000_000_000_000i64..1_000_000_000_000i64, scale in 0u32..=4) {
        let value = Decimal::new(units, scale);
        prop_assume!(value.abs() <= Decimal::from(1_000_000_000_000i64));
        for language in [Language::En, Language::Is] {
            let written = decimal(value, language);
            prop_assert_eq!(parse_number(&written, 4, language), Ok(value.normalize()), "{}", written);
        }
    }
}
