//! The Finnish virtual bank barcode (virtuaaliviivakoodi): the 54 digits a Finnish
//! invoice prints (and encodes as a Code 128 barcode) so the payer's bank fills in the
//! account, amount, reference and due date without typing.
//!
//! Layout (Finanssiala's guide, positions 1-based):
//!
//! | pos   | version 4 (Finnish reference)      | version 5 (RF reference)          |
//! |-------|------------------------------------|-----------------------------------|
//! | 1     | `4`                                | `5`                               |
//! | 2–17  | IBAN without `FI`: check digits and 14-digit BBAN | same               |
//! | 18–25 | amount in cents, 8 digits (euros 6, cents 2)      | same               |
//! | 26–28 | `000` (reserve)                    | 26–27: the RF check digits        |
//! | 29–48 | reference, 20 digits, zero-padded  | 28–48: RF body, 21 digits, padded |
//! | 49–54 | due date YYMMDD, `000000` for none | same                              |
//!
//! Both directions are here: [`VirtualBarcode::digits`] builds the string and
//! [`VirtualBarcode::parse`] reads one back (what a bank or a test of ours reads off a
//! PDF), and the value holds exactly what the digits say, so the two round-trip.

use std::fmt;

use time::{Date, Month};

use crate::bank_accounts::FinnishIban;
use crate::payment_references::{FinnishReference, ReferenceError, RfReference};

/// The largest amount the 8-digit field holds: 999 999.99 euros, in cents.
pub const MAX_CENTS: u64 = 99_999_999;

/// What is wrong with a barcode or the parts it is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum BarcodeError {
    #[error("must be 54 digits")]
    NotDigits,
    #[error("must be exactly 54 digits")]
    WrongLength,
    /// The first digit is neither 4 (Finnish reference) nor 5 (RF reference).
    #[error("must start with 4 or 5 (the barcode version)")]
    UnknownVersion,
    /// A version 4 barcode whose reserve (positions 26–28) is not `000`.
    #[error("has a non-zero reserve field")]
    Reserve,
    #[error("the amount is over 999,999.99 euros, the most a barcode can hold")]
    AmountTooLarge,
    /// The barcode writes the year with two digits, read as 2000–2099.
    #[error("the due date must be in the years 2000–2099")]
    DueDateOutOfRange,
    #[error("the due date is not a date")]
    DueDate,
    /// Version 5 holds only an RF reference whose body is digits.
    #[error("the RF reference must have only digits after its check digits")]
    RfBodyNotNumeric,
    /// The body field is zero-padded, so a leading zero of an RF body would be lost.
    #[error("the RF reference's body must not start with 0")]
    RfBodyLeadingZero,
    #[error("the account: {0}")]
    Iban(ReferenceError),
    #[error("the reference: {0}")]
    Reference(ReferenceError),
}

/// The reference a barcode carries; it decides the version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BarcodeReference {
    /// Version 4.
    Finnish(FinnishReference),
    /// Version 5.
    Rf(RfReference),
}

/// A Finnish virtual barcode's content: account, amount, reference and due date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VirtualBarcode {
    iban: FinnishIban,
    cents: u64,
    reference: BarcodeReference,
    due_date: Option<Date>,
}

impl VirtualBarcode {
    /// A barcode for paying `cents` (at most [`MAX_CENTS`]; 0 leaves the amount to the
    /// payer, which the guide allows) to `iban` with `reference`, due on `due_date`
    /// (2000–2099) or with no due date.
    pub fn new(
        iban: FinnishIban,
        cents: u64,
        reference: BarcodeReference,
        due_date: Option<Date>,
    ) -> Result<Self, BarcodeError> {
        if cents > MAX_CENTS {
            return Err(BarcodeError::AmountTooLarge);
        }
        if due_date.is_some_and(|d| !(2000..=2099).contains(&d.year())) {
            return Err(BarcodeError::DueDateOutOfRange);
        }
        if let BarcodeReference::Rf(rf) = &reference {
            if !rf.body().bytes().all(|b| b.is_ascii_digit()) {
                return Err(BarcodeError::RfBodyNotNumeric);
            }
            if rf.body().starts_with('0') {
                return Err(BarcodeError::RfBodyLeadingZero);
            }
        }
        Ok(Self { iban, cents, reference, due_date })
    }

    /// Reads 54 digits (surrounding whitespace ignored) back into their parts; the
    /// account and reference must pass their checks, the date must exist.
    pub fn parse(input: &str) -> Result<Self, BarcodeError> {
        let s = input.trim();
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BarcodeError::NotDigits);
        }
        if s.len() != 54 {
            return Err(BarcodeError::WrongLength);
        }
        // 54 ASCII digits from here: every slice below is in bounds.
        let iban = FinnishIban::parse(&format!("FI{}", &s[1..17])).map_err(BarcodeError::Iban)?;
        let cents = s[17..25].parse::<u64>().map_err(|_| BarcodeError::NotDigits)?;
        let reference = match &s[..1] {
            "4" => {
                if &s[25..28] != "000" {
                    return Err(BarcodeError::Reserve);
                }
                BarcodeReference::Finnish(FinnishReference::parse(&s[28..48]).map_err(BarcodeError::Reference)?)
            }
            "5" => {
                let body = s[27..48].trim_start_matches('0');
                let rf = format!("RF{}{body}", &s[25..27]);
                BarcodeReference::Rf(RfReference::parse(&rf).map_err(BarcodeError::Reference)?)
            }
            _ => return Err(BarcodeError::UnknownVersion),
        };
        let due_date = match &s[48..54] {
            "000000" => None,
            yymmdd => Some(parse_yymmdd(yymmdd).ok_or(BarcodeError::DueDate)?),
        };
        Self::new(iban, cents, reference, due_date)
    }

    /// The 54 digits.
    pub fn digits(&self) -> String {
        let due = match self.due_date {
            Some(d) => format!("{:02}{:02}{:02}", d.year() % 100, u8::from(d.month()), d.day()),
            None => "000000".to_owned(),
        };
        let (iban, cents) = (self.iban.digits(), self.cents);
        match &self.reference {
            BarcodeReference::Finnish(r) => format!("4{iban}{cents:08}000{:0>20}{due}", r.as_str()),
            BarcodeReference::Rf(r) => format!("5{iban}{cents:08}{}{:0>21}{due}", r.check_digits(), r.body()),
        }
    }

    /// 4 for a Finnish reference, 5 for an RF reference.
    pub fn version(&self) -> u8 {
        match self.reference {
            BarcodeReference::Finnish(_) => 4,
            BarcodeReference::Rf(_) => 5,
        }
    }

    pub fn iban(&self) -> &FinnishIban {
        &self.iban
    }

    /// The amount in cents; 0 when the barcode leaves it to the payer.
    pub fn cents(&self) -> u64 {
        self.cents
    }

    pub fn reference(&self) -> &BarcodeReference {
        &self.reference
    }

    pub fn due_date(&self) -> Option<Date> {
        self.due_date
    }
}

impl fmt::Display for VirtualBarcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits())
    }
}

/// A YYMMDD date in 2000–2099, or None when it names no day.
fn parse_yymmdd(yymmdd: &str) -> Option<Date> {
    let part = |range: std::ops::Range<usize>| yymmdd.get(range).and_then(|p| p.parse::<u8>().ok());
    let (yy, mm, dd) = (part(0..2)?, part(2..4)?, part(4..6)?);
    let month = Month::try_from(mm).ok()?;
    Date::from_calendar_date(2000 + i32::from(yy), month, dd).ok()
}

#[cfg(test)]
#[path = "finnish_barcode_tests.rs"]
mod tests;
