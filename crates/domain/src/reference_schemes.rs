//! Which payment reference a business's invoices carry, and the one key every
//! reference is matched by when a payment comes back from the bank.
//!
//! A business picks a scheme once (or leaves it automatic: its country's usual one);
//! each invoice's reference is then derived from the invoice's place in its numbering
//! series ([`reference_digits`](crate::reference_digits)), so it is the same on every
//! reprint and unique among the business's invoices. Matching compares
//! [`reference_key`]s, which forgive how banks and payers write references (spaces,
//! lower case, leading zeros).

use std::fmt;

use crate::{FikPaymentLine, FinnishReference, Kid, KidMethod, ReferenceError, RfReference, SwedishOcr, danish_fik};

/// The sequence digits every generated reference pads to: a million invoices a year
/// before a reference grows, and short enough to type.
pub const REFERENCE_WIDTH: usize = 6;

/// A business's choice of payment reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceScheme {
    /// The usual one in the business's country ([`ReferenceScheme::resolve`]).
    Automatic,
    /// RF creditor reference (ISO 11649), understood by every SEPA bank.
    Rf,
    /// Norwegian KID with a MOD10 (Luhn) check digit.
    KidMod10,
    /// Norwegian KID with a MOD11 check digit.
    KidMod11,
    /// Swedish OCR number with length and Luhn check digits, paid to a Bankgiro.
    SwedishOcr,
    /// Finnish national reference (viitenumero), 7-3-1 check digit.
    Finnish,
    /// Danish FI card 71 payment id (15 digits, Luhn), with the FI creditor number.
    Fik71,
    /// The invoice number as it is: no check digit, matched as written.
    InvoiceNumber,
}

/// A scheme code that is not one of [`ReferenceScheme::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown payment reference scheme")]
pub struct UnknownScheme;

impl ReferenceScheme {
    pub const ALL: [ReferenceScheme; 8] = [
        Self::Automatic,
        Self::Rf,
        Self::KidMod10,
        Self::KidMod11,
        Self::SwedishOcr,
        Self::Finnish,
        Self::Fik71,
        Self::InvoiceNumber,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Automatic => "automatic",
            Self::Rf => "rf",
            Self::KidMod10 => "kid_mod10",
            Self::KidMod11 => "kid_mod11",
            Self::SwedishOcr => "se_ocr",
            Self::Finnish => "fi_reference",
            Self::Fik71 => "dk_fik71",
            Self::InvoiceNumber => "invoice_number",
        }
    }

    pub fn parse(code: &str) -> Result<Self, UnknownScheme> {
        let code = code.trim();
        Self::ALL.into_iter().find(|s| s.code() == code).ok_or(UnknownScheme)
    }

    /// What [`ReferenceScheme::Automatic`] means for a business in `country` (ISO
    /// 3166 alpha-2): KID in Norway, OCR in Sweden, the viitenumero in Finland, FIK 71
    /// in Denmark, the invoice number in Iceland (where bank claims carry their own
    /// number), and the RF creditor reference everywhere else. Other schemes stay.
    pub fn resolve(self, country: &str) -> ReferenceScheme {
        if self != Self::Automatic {
            return self;
        }
        match country.trim().to_ascii_uppercase().as_str() {
            "NO" => Self::KidMod10,
            "SE" => Self::SwedishOcr,
            "FI" => Self::Finnish,
            "DK" => Self::Fik71,
            "IS" => Self::InvoiceNumber,
            _ => Self::Rf,
        }
    }

    /// The reference of the invoice numbered `sequence` in its series in `year`, as it
    /// is printed and paid with (`number` is its invoice number, for
    /// [`ReferenceScheme::InvoiceNumber`]). Call on a resolved scheme; `Automatic`
    /// resolves as a business outside the Nordics would.
    pub fn reference_for_invoice(self, year: i32, sequence: u64, number: &str) -> Result<String, ReferenceError> {
        let w = REFERENCE_WIDTH;
        Ok(match self.resolve("") {
            Self::Rf | Self::Automatic => RfReference::for_invoice(year, sequence, w)?.as_str().to_owned(),
            Self::KidMod10 => Kid::for_invoice(year, sequence, w, KidMethod::Mod10)?.as_str().to_owned(),
            Self::KidMod11 => Kid::for_invoice(year, sequence, w, KidMethod::Mod11)?.as_str().to_owned(),
            Self::SwedishOcr => SwedishOcr::for_invoice(year, sequence, w, true)?.as_str().to_owned(),
            Self::Finnish => FinnishReference::for_invoice(year, sequence, w)?.as_str().to_owned(),
            // The creditor number does not change the payment id; any valid one builds it.
            Self::Fik71 => FikPaymentLine::for_invoice(danish_fik::FikCard::Card71, year, sequence, "00000000")
                .map_err(|e| match e {
                    danish_fik::FikError::PaymentId(e) | danish_fik::FikError::Creditor(e) => e,
                    _ => ReferenceError::Shape { example: "000000067097535" },
                })?
                .payment_id()
                .unwrap_or_default()
                .to_owned(),
            Self::InvoiceNumber => number.trim().to_owned(),
        })
    }

    /// Whether the reference carries a check digit, so a payment naming it can be
    /// recorded without a person looking.
    pub fn is_checked(self) -> bool {
        self != Self::InvoiceNumber
    }
}

impl fmt::Display for ReferenceScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The key a reference is matched by: letters upper-cased, only letters and digits
/// kept, and leading zeros dropped from an all-digit reference (banks pad the Finnish
/// and FIK ones; a payer types `RF18 5390 0754 7034` or `rf18539007547034`). Empty when
/// nothing is left.
pub fn reference_key(text: &str) -> String {
    let kept: String = text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    if kept.bytes().all(|b| b.is_ascii_digit()) { kept.trim_start_matches('0').to_owned() } else { kept }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_is_the_countrys_usual_reference() {
        let a = ReferenceScheme::Automatic;
        assert_eq!(a.resolve("no"), ReferenceScheme::KidMod10);
        assert_eq!(a.resolve("SE"), ReferenceScheme::SwedishOcr);
        assert_eq!(a.resolve("FI"), ReferenceScheme::Finnish);
        assert_eq!(a.resolve("DK"), ReferenceScheme::Fik71);
        assert_eq!(a.resolve("IS"), ReferenceScheme::InvoiceNumber);
        assert_eq!(a.resolve("DE"), ReferenceScheme::Rf);
        assert_eq!(ReferenceScheme::KidMod11.resolve("SE"), ReferenceScheme::KidMod11);
    }

    #[test]
    fn codes_round_trip_and_unknown_ones_are_refused() {
        for s in ReferenceScheme::ALL {
            assert_eq!(ReferenceScheme::parse(s.code()), Ok(s));
        }
        assert_eq!(ReferenceScheme::parse("bpay"), Err(UnknownScheme));
    }

    #[test]
    fn each_scheme_gives_a_reference_its_own_parser_accepts() {
        let (year, seq) = (2026, 42);
        let r = |s: ReferenceScheme| s.reference_for_invoice(year, seq, "2026-0042").unwrap();
        assert!(RfReference::parse(&r(ReferenceScheme::Rf)).is_ok());
        assert!(Kid::parse(&r(ReferenceScheme::KidMod10), KidMethod::Mod10).is_ok());
        assert!(Kid::parse(&r(ReferenceScheme::KidMod11), KidMethod::Mod11).is_ok());
        assert!(SwedishOcr::parse(&r(ReferenceScheme::SwedishOcr), crate::OcrControl::VariableLength).is_ok());
        assert!(FinnishReference::parse(&r(ReferenceScheme::Finnish)).is_ok());
        assert!(FikPaymentLine::card_71(&r(ReferenceScheme::Fik71), "85799665").is_ok());
        assert_eq!(r(ReferenceScheme::InvoiceNumber), "2026-0042");
        assert_eq!(r(ReferenceScheme::KidMod10), "20260000425");
    }

    #[test]
    fn references_of_different_invoices_differ() {
        for s in ReferenceScheme::ALL {
            let a = s.reference_for_invoice(2026, 1, "1").unwrap();
            let b = s.reference_for_invoice(2026, 2, "2").unwrap();
            let c = s.reference_for_invoice(2027, 1, "3").unwrap();
            assert!(a != b && a != c && b != c, "{s}");
        }
    }

    #[test]
    fn keys_forgive_spacing_case_and_padding() {
        assert_eq!(reference_key("rf18 5390 0754 7034"), "RF18539007547034");
        assert_eq!(reference_key("000000067097535"), "67097535");
        assert_eq!(reference_key(" 2026-0042 "), "20260042");
        assert_eq!(reference_key("000"), "");
        assert_eq!(reference_key(""), "");
    }
}
