//! The Danish FI payment line (FI-kort, "indbetalingskort"): the codeline
//! `+71<000000067097535+85799665<` a Danish invoice prints so the payer's bank fills in
//! the payee (the 8-digit FI creditor number) and, for card types 71 and 75, a payment
//! id that matches the payment to the invoice.
//!
//! Card type 71 (15-digit payment id, the last a Luhn check digit) is checked against
//! published vectors (Business::DK::FI). Card types 73 (no payment id) and 75 (16-digit
//! payment id with a MOD10 check digit; its free-text message is not modelled) follow
//! secondary sources and are NOT verified against the official Nets DK (Mastercard
//! Payment Services) specification; check it before relying on them. The older
//! girokort types (01, 04, 15) are not supported.

use std::fmt;

use crate::check_digits::{compact, luhn_check_digit, require_digits, split_check};
use crate::payment_references::{ReferenceError, reference_digits};

/// The card type ("kortartkode") of an FI payment line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FikCard {
    /// 15-digit payment id with a Luhn check digit.
    Card71,
    /// No payment id. Not verified against the Nets DK specification.
    Card73,
    /// 16-digit payment id with a MOD10 check digit. Not verified against the Nets DK
    /// specification.
    Card75,
}

impl FikCard {
    /// The two digits in the codeline: `71`, `73`, `75`.
    pub fn code(self) -> &'static str {
        match self {
            FikCard::Card71 => "71",
            FikCard::Card73 => "73",
            FikCard::Card75 => "75",
        }
    }

    /// The payment id's length, None for a card without one.
    pub fn payment_id_len(self) -> Option<usize> {
        match self {
            FikCard::Card71 => Some(15),
            FikCard::Card73 => None,
            FikCard::Card75 => Some(16),
        }
    }
}

/// What is wrong with an FI payment line, naming the part at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum FikError {
    #[error("the card type must be 71, 73 or 75")]
    UnknownCardType,
    #[error("should look like +71<000000067097535+85799665<")]
    Shape,
    #[error("the payment id {0}")]
    PaymentId(ReferenceError),
    #[error("the creditor number {0}")]
    Creditor(ReferenceError),
}

/// An FI payment line: card type, payment id (card types 71 and 75) and the 8-digit FI
/// creditor number ("kreditornummer").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FikPaymentLine {
    card: FikCard,
    payment_id: Option<String>,
    creditor: String,
}

impl FikPaymentLine {
    /// Card type 71 with a 15-digit payment id whose last digit is its Luhn check digit.
    pub fn card_71(payment_id: &str, creditor: &str) -> Result<Self, FikError> {
        Self::with_id(FikCard::Card71, payment_id, creditor)
    }

    /// Card type 73: the creditor only.
    pub fn card_73(creditor: &str) -> Result<Self, FikError> {
        Ok(Self { card: FikCard::Card73, payment_id: None, creditor: parse_creditor(creditor)? })
    }

    /// Card type 75 with a 16-digit payment id whose last digit is its MOD10 check digit.
    pub fn card_75(payment_id: &str, creditor: &str) -> Result<Self, FikError> {
        Self::with_id(FikCard::Card75, payment_id, creditor)
    }

    fn with_id(card: FikCard, payment_id: &str, creditor: &str) -> Result<Self, FikError> {
        let len = card.payment_id_len().unwrap_or_default();
        let id = compact(payment_id, &[]);
        require_digits(&id, len, len).map_err(FikError::PaymentId)?;
        let holds = split_check(&id).is_some_and(|(base, check)| luhn_check_digit(base) == Ok(check));
        if !holds {
            return Err(FikError::PaymentId(ReferenceError::WrongCheckDigit));
        }
        Ok(Self { card, payment_id: Some(id), creditor: parse_creditor(creditor)? })
    }

    /// The line for an invoice: the payment id is [`reference_digits`] with a sequence
    /// field of 10 digits (card 71) or 11 (card 75), so the id has its fixed length, and
    /// the Luhn check digit. A sequence wider than that is refused (`TooLong`). Card
    /// type 73 has no payment id, so the invoice cannot be told from the payment.
    pub fn for_invoice(card: FikCard, year: i32, sequence: u64, creditor: &str) -> Result<Self, FikError> {
        let Some(len) = card.payment_id_len() else { return Self::card_73(creditor) };
        let base = reference_digits(year, sequence, len - 5);
        if base.len() != len - 1 {
            return Err(FikError::PaymentId(ReferenceError::TooLong { max: len }));
        }
        let check = luhn_check_digit(&base).map_err(FikError::PaymentId)?;
        Self::with_id(card, &format!("{base}{check}"), creditor)
    }

    /// A codeline as printed (`+71<000000067097535+85799665<`; whitespace ignored).
    pub fn parse(codeline: &str) -> Result<Self, FikError> {
        let value = compact(codeline, &[]);
        let inner = value.strip_prefix('+').and_then(|v| v.strip_suffix('<')).ok_or(FikError::Shape)?;
        let (code, rest) = inner.split_once('<').ok_or(FikError::Shape)?;
        let (payment_id, creditor) = rest.split_once('+').ok_or(FikError::Shape)?;
        match code {
            "71" => Self::card_71(payment_id, creditor),
            "75" => Self::card_75(payment_id, creditor),
            "73" if payment_id.is_empty() => Self::card_73(creditor),
            "73" => Err(FikError::Shape),
            c if c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit()) => Err(FikError::UnknownCardType),
            _ => Err(FikError::Shape),
        }
    }

    /// The codeline, `+71<000000067097535+85799665<` (`+73<+85799665<` for card 73).
    pub fn codeline(&self) -> String {
        let id = self.payment_id.as_deref().unwrap_or_default();
        format!("+{}<{id}+{}<", self.card.code(), self.creditor)
    }

    pub fn card(&self) -> FikCard {
        self.card
    }

    pub fn payment_id(&self) -> Option<&str> {
        self.payment_id.as_deref()
    }

    pub fn creditor(&self) -> &str {
        &self.creditor
    }
}

impl fmt::Display for FikPaymentLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.codeline())
    }
}

/// An FI creditor number: 8 digits (no check digit is published for it).
fn parse_creditor(input: &str) -> Result<String, FikError> {
    let value = compact(input, &[]);
    require_digits(&value, 8, 8).map_err(FikError::Creditor)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn card_71_vectors() {
        // Business::DK::FI's vectors: a valid id and its one-digit typo.
        assert!(FikPaymentLine::card_71("026840149965328", "85799665").is_ok());
        assert_eq!(
            FikPaymentLine::card_71("026840149965327", "85799665"),
            Err(FikError::PaymentId(ReferenceError::WrongCheckDigit))
        );
        // A real-world line, as printed with a space after the card type.
        let line = FikPaymentLine::parse("+71< 000000067097535+85799665<").unwrap();
        assert_eq!(line.card(), FikCard::Card71);
        assert_eq!(line.payment_id(), Some("000000067097535"));
        assert_eq!(line.creditor(), "85799665");
        assert_eq!(line.codeline(), "+71<000000067097535+85799665<");
        assert_eq!(line.to_string(), "+71<000000067097535+85799665<");
    }

    #[test]
    fn cards_73_and_75() {
        let line = FikPaymentLine::card_73("85799665").unwrap();
        assert_eq!(line.codeline(), "+73<+85799665<");
        assert_eq!(FikPaymentLine::parse("+73<+85799665<"), Ok(line));
        assert_eq!(FikPaymentLine::parse("+73<026840149965328+85799665<"), Err(FikError::Shape));
        // 16 digits: the 15-digit base 002684014996532 and its Luhn digit.
        let line = FikPaymentLine::card_75("0026840149965328", "85799665").unwrap();
        assert_eq!(line.codeline(), "+75<0026840149965328+85799665<");
        assert_eq!(FikPaymentLine::parse(&line.codeline()), Ok(line));
        assert!(FikPaymentLine::card_75("0026840149965327", "85799665").is_err());
    }

    #[test]
    fn malformed_lines_name_the_part() {
        assert_eq!(FikPaymentLine::parse(""), Err(FikError::Shape));
        assert_eq!(FikPaymentLine::parse("+71<026840149965328+85799665"), Err(FikError::Shape));
        assert_eq!(FikPaymentLine::parse("+72<026840149965328+85799665<"), Err(FikError::UnknownCardType));
        assert_eq!(
            FikPaymentLine::parse("+71<02684014996532+85799665<"),
            Err(FikError::PaymentId(ReferenceError::TooShort { min: 15 }))
        );
        assert_eq!(
            FikPaymentLine::parse("+71<026840149965328+8579966<"),
            Err(FikError::Creditor(ReferenceError::TooShort { min: 8 }))
        );
        assert_eq!(
            FikPaymentLine::parse("+71<026840149965328+8579966X<"),
            Err(FikError::Creditor(ReferenceError::NotDigits))
        );
    }

    #[test]
    fn invoices_get_fixed_length_ids() {
        let line = FikPaymentLine::for_invoice(FikCard::Card71, 2026, 42, "85799665").unwrap();
        assert_eq!(line.payment_id().map(str::len), Some(15));
        assert!(line.payment_id().unwrap().starts_with("20260000000042"));
        let line = FikPaymentLine::for_invoice(FikCard::Card75, 2026, 42, "85799665").unwrap();
        assert_eq!(line.payment_id().map(str::len), Some(16));
        let line = FikPaymentLine::for_invoice(FikCard::Card73, 2026, 42, "85799665").unwrap();
        assert_eq!(line.payment_id(), None);
        assert_eq!(
            FikPaymentLine::for_invoice(FikCard::Card71, 2026, 10_000_000_000, "85799665"),
            Err(FikError::PaymentId(ReferenceError::TooLong { max: 15 }))
        );
    }

    proptest! {
        #[test]
        fn generated_lines_parse_back(year in 2000i32..2100, sequence in 0u64..10_000_000_000, seventy_five in any::<bool>()) {
            let card = if seventy_five { FikCard::Card75 } else { FikCard::Card71 };
            let line = FikPaymentLine::for_invoice(card, year, sequence, "85799665").unwrap();
            prop_assert_eq!(FikPaymentLine::parse(&line.codeline()), Ok(line));
        }

        #[test]
        fn one_changed_digit_is_caught(base in "[0-9]{14}", at in 0usize..15, bump in 1u8..10) {
            let check = luhn_check_digit(&base).unwrap();
            let mut id: Vec<u8> = format!("{base}{check}").into_bytes();
            id[at] = b'0' + (id[at] - b'0' + bump) % 10;
            let id = String::from_utf8(id).unwrap();
            prop_assert!(FikPaymentLine::card_71(&id, "85799665").is_err());
        }

        #[test]
        fn parsing_never_panics(input in "\\PC{0,40}", line in "[+<0-9 ]{0,40}") {
            let _ = FikPaymentLine::parse(&input);
            let _ = FikPaymentLine::parse(&line);
        }
    }
}
