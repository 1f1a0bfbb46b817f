//! Numbers, money and dates in the reader's language, and numbers typed in it.
//!
//! One layer for every surface (web pages, emails, SMS, the PDF, the customer page), so
//! that "545.600 kr." on the PDF is "545.600 kr." on the screen too. Grouping and
//! decimal separators come from CLDR through ICU4X (`icu_decimal`), not from a table of
//! our own. Typed numbers are read in the page's language: in Icelandic "18.500" is
//! eighteen thousand five hundred and "1.490,50" is 1490.50; a number that only makes
//! sense with the other language's separators ("18.5" on an Icelandic page) is refused
//! with both readings spelled out, never guessed.

use icu_decimal::{DecimalFormatter, input::Decimal as IcuDecimal};
use icu_locale_core::locale;
use rust_decimal::Decimal;
use time::Date;

use crate::{Currency, money::round_to_currency};

/// The languages FastFaktura writes: English and Icelandic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    En,
    Is,
}

impl Language {
    /// ISO 639-1 code (`en`, `is`).
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Is => "is",
        }
    }

    /// `(grouping separator, decimal separator)` as people type them.
    fn separators(self) -> (char, char) {
        match self {
            Language::En => (',', '.'),
            Language::Is => ('.', ','),
        }
    }
}

fn new_formatter(language: Language) -> DecimalFormatter {
    let locale = match language {
        Language::En => locale!("en"),
        Language::Is => locale!("is"),
    };
    DecimalFormatter::try_new(locale.into(), Default::default())
        .expect("the compiled CLDR data has English and Icelandic")
}

thread_local! {
    // ICU4X formatters are not `Sync` without its `sync` feature; one per thread and
    // language is made once and reused.
    static FORMATTERS: (DecimalFormatter, DecimalFormatter) =
        (new_formatter(Language::En), new_formatter(Language::Is));
}

/// A number as written in `language`, with exactly the decimals `value` carries:
/// `1,234.50` / `1.234,50`.
pub fn decimal(value: Decimal, language: Language) -> String {
    match value.to_string().parse::<IcuDecimal>() {
        Ok(icu) => FORMATTERS.with(|(en, is)| {
            let formatter = if language == Language::Is { is } else { en };
            formatter.format(&icu).to_string()
        }),
        // Every rust_decimal prints as a plain decimal, which ICU reads.
        Err(_) => value.to_string(),
    }
}

/// An amount with exactly the currency's minor units: `1,234.50` / `2.518.973`.
pub fn amount(value: Decimal, currency: Currency, language: Language) -> String {
    let mut rounded = round_to_currency(value, currency);
    rounded.rescale(currency.minor_units());
    decimal(rounded, language)
}

/// The currency as written after an amount: `kr.` for krónur in Icelandic, else the code.
pub fn currency_suffix(currency: Currency, language: Language) -> &'static str {
    match (language, currency.code()) {
        (Language::Is, "ISK") => "kr.",
        _ => currency.code(),
    }
}

/// An amount with its currency: `1,234.50 EUR` / `2.518.973 kr.`.
pub fn money(value: Decimal, currency: Currency, language: Language) -> String {
    format!("{} {}", amount(value, currency, language), currency_suffix(currency, language))
}

/// A quantity, rate or unit price without trailing zeros: `12.5` / `12,5`.
pub fn number(value: Decimal, language: Language) -> String {
    decimal(value.normalize(), language)
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const MONTHS_IS: [&str; 12] =
    ["jan.", "feb.", "mar.", "apr.", "maí", "jún.", "júl.", "ágú.", "sep.", "okt.", "nóv.", "des."];

/// A month's short name: `Dec` / `des.`.
pub fn month_short(month: time::Month, language: Language) -> &'static str {
    let i = month as usize - 1;
    match language {
        Language::En => MONTHS_EN[i],
        Language::Is => MONTHS_IS[i],
    }
}

/// A date as people write it: `4 Dec 2026` / `4.12.2026`.
pub fn date(value: Date, language: Language) -> String {
    match language {
        Language::En => format!("{} {} {}", value.day(), MONTHS_EN[value.month() as usize - 1], value.year()),
        Language::Is => format!("{}.{}.{}", value.day(), value.month() as u8, value.year()),
    }
}

/// Why a typed number was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberInputError {
    #[error("is empty")]
    Empty,
    #[error("is not a number")]
    NotANumber,
    #[error("can have at most {0} decimal places")]
    TooManyDecimals(u32),
    #[error("is too large")]
    TooLarge,
    /// "18.5" on an Icelandic page: `as_decimal` is how to write eighteen and a half
    /// here ("18,5"); `as_grouped` the number the separator would otherwise mean.
    #[error("could mean {as_decimal} or {as_grouped}; write {as_decimal} for a decimal number")]
    Ambiguous { as_decimal: String, as_grouped: String },
}

/// Whether `whole` is digits grouped in threes by `separator`, as `1.234.567`.
fn grouped_in_threes(whole: &str, separator: char) -> bool {
    let mut groups = whole.split(separator);
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// A number typed on a page in `language`: its grouping and decimal separators as the
/// language writes them (spaces also group). At most `max_decimals` decimal places;
/// values beyond ±10^12 are refused.
pub fn parse_number(input: &str, max_decimals: u32, language: Language) -> Result<Decimal, NumberInputError> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}').collect();
    if compact.is_empty() {
        return Err(NumberInputError::Empty);
    }
    let (group, dec) = language.separators();
    let (sign, body) = match compact.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", compact.as_str()),
    };
    let (whole, fraction) = match body.rsplit_once(dec) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (body, None),
    };
    let plain_whole = if whole.contains(group) {
        if !grouped_in_threes(whole, group) {
            // "18.5" in Icelandic, "18,50" in English: the other language's decimal mark.
            return match (fraction, whole.split_once(group)) {
                (None, Some((int, frac))) if !frac.contains(group) && !int.is_empty() && !frac.is_empty() => {
                    let both = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
                    if both(int) && both(frac) {
                        Err(NumberInputError::Ambiguous {
                            as_decimal: format!("{sign}{int}{dec}{frac}"),
                            as_grouped: format!("{sign}{int}{frac}"),
                        })
                    } else {
                        Err(NumberInputError::NotANumber)
                    }
                }
                _ => Err(NumberInputError::NotANumber),
            };
        }
        whole.replace(group, "")
    } else {
        whole.to_owned()
    };
    let valid = !plain_whole.is_empty()
        && plain_whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !valid {
        return Err(NumberInputError::NotANumber);
    }
    if fraction.is_some_and(|f| f.len() > max_decimals as usize) {
        return Err(NumberInputError::TooManyDecimals(max_decimals));
    }
    let canonical = match fraction {
        Some(f) => format!("{sign}{plain_whole}.{f}"),
        None => format!("{sign}{plain_whole}"),
    };
    let value: Decimal = canonical.parse().map_err(|_| NumberInputError::TooLarge)?;
    if value.abs() > Decimal::from(1_000_000_000_000i64) {
        return Err(NumberInputError::TooLarge);
    }
    Ok(value.normalize())
}

#[cfg(test)]
#[path = "locale_tests.rs"]
mod tests;
