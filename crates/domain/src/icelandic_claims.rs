//! Identifiers of an Icelandic bank claim (krafa): the bill a business creates in its
//! customer's online bank through the banks' claims API (IOBWS 3, ÍST TS 315).
//!
//! The API names a claim by a composite key, not by one reference number: the
//! claimant's kennitala, an "account" made of the claimant's bank/branch (4 digits),
//! the claims ledger `66` and a 6-digit claim number, and the due date. Its path form
//! (`claimId`) is `0101010101000166000001+20221231`: kennitala, bank, 66, claim number,
//! `+`, due date as YYYYMMDD. The claim number is ours to choose; the rest comes from the
//! business's bank agreement and the invoice. (The claim's free-text fields, `billNumber`
//! of at most 7 characters shown on the payer's statement and `reference` of at most 16,
//! carry the invoice number; they need no type of their own.)

use std::fmt;

use time::Date;

use crate::check_digits::{compact, require_digits};
use crate::payment_references::ReferenceError;

/// The claims ledger ("höfuðbók") in a claim's account, fixed by the API.
pub const CLAIMS_LEDGER: &str = "66";

/// A claim number: the 6 digits after the claims ledger in a claim's account. Shorter
/// input is zero-padded on the left (`42` is `000042`), as the account field needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClaimNumber(String);

impl ClaimNumber {
    pub const LEN: usize = 6;

    /// A claim number as typed (1–6 digits; spaces ignored).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let value = compact(input, &[]);
        require_digits(&value, 1, Self::LEN)?;
        Ok(Self(format!("{value:0>6}")))
    }

    /// The claim number of an invoice: its number in its series. The claim's key also
    /// holds the due date, so a number reused after the series' yearly reset names a
    /// different claim unless the due dates coincide too; numbers over 999 999 do not
    /// fit and are refused (`TooLong`).
    pub fn for_invoice(sequence: u64) -> Result<Self, ReferenceError> {
        Self::parse(&sequence.to_string())
    }

    /// The six digits, `000042`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClaimNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What is wrong with a claim key, naming the part at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ClaimKeyError {
    #[error("the claimant's kennitala {0}")]
    Claimant(ReferenceError),
    #[error("the bank (branch) number {0}")]
    Bank(ReferenceError),
}

/// The key the claims API identifies a claim by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClaimKey {
    claimant: String,
    bank: String,
    number: ClaimNumber,
    due_date: Date,
}

impl ClaimKey {
    /// The claimant's kennitala (`590269-7199` or ten digits, checked), the bank/branch
    /// that holds the claim (1–4 digits, zero-padded), the claim number and due date.
    pub fn new(claimant: &str, bank: &str, number: ClaimNumber, due_date: Date) -> Result<Self, ClaimKeyError> {
        let claimant = compact(claimant, &['-']);
        require_digits(&claimant, 10, 10).map_err(ClaimKeyError::Claimant)?;
        let values: Vec<u32> = claimant.bytes().map(|b| u32::from(b - b'0')).collect();
        if !crate::national_ids::kennitala(&values) {
            return Err(ClaimKeyError::Claimant(ReferenceError::WrongCheckDigit));
        }
        let bank = compact(bank, &[]);
        require_digits(&bank, 1, 4).map_err(ClaimKeyError::Bank)?;
        Ok(Self { claimant, bank: format!("{bank:0>4}"), number, due_date })
    }

    /// The claim's `account`: bank (4), `66`, claim number (6): `000166000042`.
    pub fn account(&self) -> String {
        format!("{}{CLAIMS_LEDGER}{}", self.bank, self.number)
    }

    /// The API's `claimId`: kennitala, account, `+`, due date YYYYMMDD.
    pub fn claim_id(&self) -> String {
        let d = self.due_date;
        format!("{}{}+{:04}{:02}{:02}", self.claimant, self.account(), d.year(), u8::from(d.month()), d.day())
    }

    pub fn claimant(&self) -> &str {
        &self.claimant
    }

    pub fn bank(&self) -> &str {
        &self.bank
    }

    pub fn number(&self) -> &ClaimNumber {
        &self.number
    }

    pub fn due_date(&self) -> Date {
        self.due_date
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    #[test]
    fn claim_numbers_are_six_digits() {
        assert_eq!(ClaimNumber::parse("42").unwrap().as_str(), "000042");
        assert_eq!(ClaimNumber::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(ClaimNumber::parse(""), Err(ReferenceError::Empty));
        assert_eq!(ClaimNumber::parse("1234567"), Err(ReferenceError::TooLong { max: 6 }));
        assert_eq!(ClaimNumber::parse("12a"), Err(ReferenceError::NotDigits));
        assert_eq!(ClaimNumber::for_invoice(999_999).unwrap().as_str(), "999999");
        assert_eq!(ClaimNumber::for_invoice(1_000_000), Err(ReferenceError::TooLong { max: 6 }));
    }

    #[test]
    fn the_key_has_the_apis_shape() {
        // The API's example is 0101010101000166000001+20221231; its kennitala is a
        // placeholder without a valid check digit, so Hagstofa Íslands' stands in.
        let key = ClaimKey::new("590269-7199", "1", ClaimNumber::parse("1").unwrap(), date!(2022 - 12 - 31)).unwrap();
        assert_eq!(key.account(), "000166000001");
        assert_eq!(key.claim_id(), "5902697199000166000001+20221231");
        assert_eq!(
            ClaimKey::new("0101010101", "0001", ClaimNumber::parse("1").unwrap(), date!(2022 - 12 - 31)),
            Err(ClaimKeyError::Claimant(ReferenceError::WrongCheckDigit))
        );
        assert_eq!(
            ClaimKey::new("5902697199", "00001", ClaimNumber::parse("1").unwrap(), date!(2022 - 12 - 31)),
            Err(ClaimKeyError::Bank(ReferenceError::TooLong { max: 4 }))
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(input in "\\PC{0,12}") {
            let _ = ClaimNumber::parse(&input);
            let _ = ClaimKey::new(&input, &input, ClaimNumber::parse("1").unwrap(), date!(2026 - 1 - 1));
        }
    }
}
