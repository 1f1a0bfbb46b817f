//! Payment references: the number a payer copies from an invoice so the payee's bank can
//! match the payment to it without anyone reading a message. Norway's KID, Sweden's
//! OCR-nummer, Finland's viitenumero and the international RF creditor reference
//! (ISO 11649), each with the check digit its scheme prescribes, and one deterministic
//! way to derive each from an invoice's number ([`reference_digits`]).
//!
//! A parsed reference is a newtype that can only hold a valid value, so the server
//! stores and prints it without checking again. The algorithms are in `check_digits`;
//! the tests hold the published vectors (Nets, Bankgirot, Finanssiala examples and the
//! reference libraries' tests). Account and giro numbers are in `bank_accounts`, the
//! Finnish barcode in `finnish_barcode`, the Danish FI codeline in `danish_fik`.

use std::fmt;

use crate::check_digits::{
    compact, finnish_check_digit, group_from_left, group_from_right, luhn_check_digit, mod11_check_digit,
    mod97_check_digits, mod97_holds, require_digits, split_check,
};

/// What is wrong with a typed or generated reference or account number. `Display` is
/// the English fragment shown after the field's label; the server words each variant
/// in the reader's language (English and Icelandic), so the variants carry data, not
/// sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ReferenceError {
    #[error("is empty")]
    Empty,
    #[error("may only contain digits")]
    NotDigits,
    #[error("may only contain the letters A–Z and digits")]
    InvalidCharacter,
    /// Fewer than `min` digits (or characters, for RF) where the scheme needs them.
    #[error("is too short: it needs at least {min} digits")]
    TooShort { min: usize },
    #[error("is too long: it may have at most {max} digits")]
    TooLong { max: usize },
    #[error("has a wrong check digit; please check it for a typo")]
    WrongCheckDigit,
    /// A Swedish OCR number under variable-length control whose length digit is wrong.
    #[error("has a wrong length digit (the second-to-last digit)")]
    WrongLengthDigit,
    /// A Swedish OCR number under fixed-length control with a length not agreed.
    #[error("does not have the length agreed with the bank")]
    LengthNotAgreed,
    /// MOD11 gives no digit for this base (the scheme would write "-"): generate from
    /// another base; a number ending in "-" is never valid.
    #[error("has no MOD11 check digit; choose another number")]
    NoCheckDigit,
    #[error("must start with RF")]
    NotRf,
    #[error("must be an IBAN from {expected}")]
    WrongCountry { expected: &'static str },
    /// An Icelandic IBAN whose last ten digits are not a valid kennitala.
    #[error("does not end with a valid kennitala")]
    NotKennitala,
    /// The number does not have the scheme's shape; `example` is one that does.
    #[error("should look like {example}")]
    Shape { example: &'static str },
}

/// The widest sequence field [`reference_digits`] pads to: a `u64` has at most 20 digits.
pub const MAX_SEQUENCE_WIDTH: usize = 20;

/// The digit base every `for_invoice` generator starts from: the four-digit year of
/// the invoice's numbering series (the issue year) and the invoice's number in that
/// series, zero-padded to `width` (at most [`MAX_SEQUENCE_WIDTH`]; a wider number
/// keeps all its digits, never truncated).
///
/// Why this: the reference must be the same every time it is printed (PDF, e-invoice,
/// reminder) without storing anything new, and unique among the business's invoices so
/// an incoming payment names exactly one. Invoice numbers are unique per business and
/// kind, but the default series resets every year, so the number alone repeats
/// (`2026-0001`, `2027-0001`); the year in front keeps (year, number) unique whether or
/// not the series resets. A fixed `width` gives every reference of a business the same
/// length, which Nets and Bankgirot agreements with fixed lengths need; pick it so the
/// series never outgrows it (6 covers a million invoices a year). Only invoices get
/// references: credit notes and quotes are not paid by reference.
pub fn reference_digits(year: i32, sequence: u64, width: usize) -> String {
    let width = width.min(MAX_SEQUENCE_WIDTH);
    format!("{:04}{sequence:0width$}", year.rem_euclid(10_000))
}

/// The check digit rule a Norwegian payee agreed with Nets for its KIDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KidMethod {
    /// Luhn.
    Mod10,
    /// Weights 2–7 from the right; a base whose digit would be "-" has no KID.
    Mod11,
}

impl KidMethod {
    fn check_digit(self, base: &str) -> Result<u8, ReferenceError> {
        match self {
            KidMethod::Mod10 => luhn_check_digit(base),
            KidMethod::Mod11 => mod11_check_digit(base),
        }
    }
}

/// A Norwegian KID (kundeidentifikasjon): 2–25 digits, the last a MOD10 or MOD11 check
/// digit, as the payee agreed with Nets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Kid {
    digits: String,
    method: KidMethod,
}

impl Kid {
    pub const MIN_LEN: usize = 2;
    pub const MAX_LEN: usize = 25;

    /// The KID of `base` (1–24 digits; spaces are ignored) with its check digit
    /// appended. A MOD11 base without a check digit is refused with
    /// [`ReferenceError::NoCheckDigit`]: the caller picks another base.
    pub fn generate(base: &str, method: KidMethod) -> Result<Self, ReferenceError> {
        let base = compact(base, &[]);
        require_digits(&base, 1, Self::MAX_LEN - 1)?;
        let check = method.check_digit(&base)?;
        Ok(Self { digits: format!("{base}{check}"), method })
    }

    /// A KID as typed (spaces ignored), checked with the agreed `method`.
    pub fn parse(input: &str, method: KidMethod) -> Result<Self, ReferenceError> {
        let value = compact(input, &[]);
        // "-" is what MOD11 would print where no digit exists: name that, not "not digits".
        if method == KidMethod::Mod11
            && let Some(base) = value.strip_suffix('-')
            && require_digits(base, Self::MIN_LEN - 1, Self::MAX_LEN - 1).is_ok()
        {
            return Err(ReferenceError::NoCheckDigit);
        }
        require_digits(&value, Self::MIN_LEN, Self::MAX_LEN)?;
        let (base, check) = split_check(&value).ok_or(ReferenceError::NotDigits)?;
        match method.check_digit(base) {
            Ok(expected) if expected == check => Ok(Self { digits: value, method }),
            Ok(_) | Err(ReferenceError::NoCheckDigit) => Err(ReferenceError::WrongCheckDigit),
            Err(e) => Err(e),
        }
    }

    /// The KID of an invoice: [`reference_digits`] and the check digit. For MOD11 one
    /// more digit goes before the check digit, 0 unless that base has no check digit,
    /// then 1 (changing the last base digit by one always changes the remainder, so 1
    /// then works). Every MOD11 KID of a business thus has the same length, 2 + 4 +
    /// `width` digits, and stays unique, as the base before that digit is.
    pub fn for_invoice(year: i32, sequence: u64, width: usize, method: KidMethod) -> Result<Self, ReferenceError> {
        let base = reference_digits(year, sequence, width);
        match method {
            KidMethod::Mod10 => Self::generate(&base, method),
            KidMethod::Mod11 => match Self::generate(&format!("{base}0"), method) {
                Err(ReferenceError::NoCheckDigit) => Self::generate(&format!("{base}1"), method),
                other => other,
            },
        }
    }

    /// The digits, as Nets and the payer's bank take them.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    pub fn method(&self) -> KidMethod {
        self.method
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

/// How strictly Bankgirot checks a payee's OCR numbers ("OCR-referenskontroll"), as
/// agreed in the payee's contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OcrControl {
    /// Mjuk: the check digit is computed but a wrong one is accepted.
    Soft,
    /// Hård: the check digit must be right.
    Hard,
    /// Variabel längd: hard, and the second-to-last digit is the length mod 10.
    VariableLength,
    /// Fast längd: hard, and the number has one of the two agreed lengths (give the
    /// same length twice when only one was agreed).
    FixedLength(usize, usize),
}

/// A Swedish OCR number (OCR-referens for Bankgiro and Plusgiro payments): 2–25
/// digits, the last a Luhn check digit over all before it, optionally preceded by a
/// length digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SwedishOcr(String);

impl SwedishOcr {
    pub const MIN_LEN: usize = 2;
    pub const MAX_LEN: usize = 25;

    /// The OCR number of `base` (digits; spaces are ignored): with a length digit
    /// ((length including the length and check digits) mod 10, counted in the Luhn sum)
    /// when `with_length_digit`, then the Luhn check digit.
    pub fn generate(base: &str, with_length_digit: bool) -> Result<Self, ReferenceError> {
        let mut value = compact(base, &[]);
        let extra = if with_length_digit { 2 } else { 1 };
        require_digits(&value, 1, Self::MAX_LEN - extra)?;
        if with_length_digit {
            value.push(char::from(b'0' + ((value.len() + 2) % 10) as u8));
        }
        let check = luhn_check_digit(&value)?;
        value.push(char::from(b'0' + check));
        Ok(Self(value))
    }

    /// An OCR number as typed (spaces ignored), checked under the payee's `control`.
    pub fn parse(input: &str, control: OcrControl) -> Result<Self, ReferenceError> {
        let value = compact(input, &[]);
        require_digits(&value, Self::MIN_LEN, Self::MAX_LEN)?;
        let (base, check) = split_check(&value).ok_or(ReferenceError::NotDigits)?;
        if let OcrControl::FixedLength(a, b) = control
            && value.len() != a
            && value.len() != b
        {
            return Err(ReferenceError::LengthNotAgreed);
        }
        if control != OcrControl::Soft && luhn_check_digit(base)? != check {
            return Err(ReferenceError::WrongCheckDigit);
        }
        if control == OcrControl::VariableLength {
            let length_digit = base.bytes().last().map(|b| usize::from(b - b'0'));
            if length_digit != Some(value.len() % 10) {
                return Err(ReferenceError::WrongLengthDigit);
            }
        }
        Ok(Self(value))
    }

    /// The OCR number of an invoice: [`reference_digits`], the length digit if
    /// `with_length_digit` (for payees under variable-length control), the check digit.
    pub fn for_invoice(
        year: i32,
        sequence: u64,
        width: usize,
        with_length_digit: bool,
    ) -> Result<Self, ReferenceError> {
        Self::generate(&reference_digits(year, sequence, width), with_length_digit)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SwedishOcr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Finnish national reference number (viitenumero): 4–20 digits, the last a 7-3-1
/// check digit. Leading zeros are not significant, so they are dropped: `0001234561`
/// and `1234561` are the same reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FinnishReference(String);

impl FinnishReference {
    pub const MIN_LEN: usize = 4;
    pub const MAX_LEN: usize = 20;

    /// The reference of `base` (3–19 significant digits; spaces are ignored).
    pub fn generate(base: &str) -> Result<Self, ReferenceError> {
        let value = compact(base, &[]);
        require_digits(&value, 1, Self::MAX_LEN - 1)?;
        let base = value.trim_start_matches('0');
        if base.len() < Self::MIN_LEN - 1 {
            return Err(ReferenceError::TooShort { min: Self::MIN_LEN - 1 });
        }
        let check = finnish_check_digit(base)?;
        Ok(Self(format!("{base}{check}")))
    }

    /// A reference as typed or printed (spaces ignored, `12 34561`).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let value = compact(input, &[]);
        require_digits(&value, 1, Self::MAX_LEN)?;
        let significant = value.trim_start_matches('0');
        if significant.len() < Self::MIN_LEN {
            return Err(ReferenceError::TooShort { min: Self::MIN_LEN });
        }
        let (base, check) = split_check(significant).ok_or(ReferenceError::NotDigits)?;
        if finnish_check_digit(base)? == check {
            Ok(Self(significant.to_owned()))
        } else {
            Err(ReferenceError::WrongCheckDigit)
        }
    }

    /// The reference of an invoice: [`reference_digits`] (whose year keeps it free of
    /// leading zeros, so it has 4 + `width` + 1 digits) and the check digit; `width`
    /// at most 15.
    pub fn for_invoice(year: i32, sequence: u64, width: usize) -> Result<Self, ReferenceError> {
        Self::generate(&reference_digits(year, sequence, width))
    }

    /// The digits without spaces: the electronic form (e-invoice, bank file, barcode).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form: groups of five from the right, `55958 22432 94671`.
    pub fn grouped(&self) -> String {
        group_from_right(&self.0, 5, ' ')
    }
}

impl fmt::Display for FinnishReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// An RF creditor reference (ISO 11649): `RF`, two MOD 97-10 check digits (02–98) and a
/// body of 1–21 letters and digits, kept uppercase without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RfReference(String);

impl RfReference {
    pub const MAX_BODY_LEN: usize = 21;

    /// The RF reference of `body` (letters and digits, any case; spaces ignored).
    pub fn generate(body: &str) -> Result<Self, ReferenceError> {
        let body = compact(body, &[]).to_ascii_uppercase();
        check_body(&body)?;
        Ok(Self::from_checked_body(&body))
    }

    /// A reference as typed or printed (spaces ignored, any case: `rf18 5390 0754 7034`).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let value = compact(input, &[]).to_ascii_uppercase();
        if value.is_empty() {
            return Err(ReferenceError::Empty);
        }
        let Some(rest) = value.strip_prefix("RF") else { return Err(ReferenceError::NotRf) };
        if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ReferenceError::InvalidCharacter);
        }
        if rest.len() < 3 {
            return Err(ReferenceError::TooShort { min: 5 });
        }
        if rest.len() > 2 + Self::MAX_BODY_LEN {
            return Err(ReferenceError::TooLong { max: 4 + Self::MAX_BODY_LEN });
        }
        // All ASCII from here, so byte offsets are character offsets.
        let (check, body) = rest.split_at(2);
        if !check.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReferenceError::Shape { example: "RF18 5390 0754 7034" });
        }
        if mod97_holds(body, "RF", check) { Ok(Self(value)) } else { Err(ReferenceError::WrongCheckDigit) }
    }

    /// The RF form of a Finnish reference: its digits (without leading zeros) as the
    /// body, as Finnish banks convert them; `1234561` becomes `RF34 1234 561`.
    pub fn from_finnish(reference: &FinnishReference) -> Self {
        Self::from_checked_body(reference.as_str())
    }

    /// The RF reference of an invoice: the RF form of its Finnish reference
    /// ([`FinnishReference::for_invoice`]), so the two never disagree and the body is
    /// numeric without leading zeros, as the version 5 barcode needs.
    pub fn for_invoice(year: i32, sequence: u64, width: usize) -> Result<Self, ReferenceError> {
        FinnishReference::for_invoice(year, sequence, width).map(|r| Self::from_finnish(&r))
    }

    fn from_checked_body(body: &str) -> Self {
        Self(format!("RF{:02}{body}", mod97_check_digits(body, "RF")))
    }

    /// The electronic form, without spaces: `RF18539007547034`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The two check digits, `18` in `RF18 5390 0754 7034`.
    pub fn check_digits(&self) -> &str {
        self.0.get(2..4).unwrap_or_default()
    }

    /// The reference proper, `539007547034` in `RF18 5390 0754 7034`.
    pub fn body(&self) -> &str {
        self.0.get(4..).unwrap_or_default()
    }

    /// The printed form: groups of four, `RF18 5390 0754 7034`.
    pub fn grouped(&self) -> String {
        group_from_left(&self.0, 4, ' ')
    }
}

impl fmt::Display for RfReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// Refuses an RF body that is not 1–21 uppercase ASCII letters and digits.
fn check_body(body: &str) -> Result<(), ReferenceError> {
    if body.is_empty() {
        Err(ReferenceError::Empty)
    } else if !body.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        Err(ReferenceError::InvalidCharacter)
    } else if body.len() > RfReference::MAX_BODY_LEN {
        Err(ReferenceError::TooLong { max: RfReference::MAX_BODY_LEN })
    } else {
        Ok(())
    }
}

#[cfg(test)]
#[path = "payment_references_tests.rs"]
mod tests;
