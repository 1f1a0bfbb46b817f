//! The identifiers people type into forms and the API: country codes, VAT ids, IBAN,
//! BIC, E.164 phone numbers, email addresses, one-time codes, VAT categories and rates.
//!
//! Each accepted value must be in normal form (parsing it again changes nothing) and
//! have the shape its type promises; an IBAN's checksum is recomputed here digit by
//! digit, and the documents crate's own IBAN check must agree with the domain's.
#![no_main]

use fastfaktura_documents::model::iban_is_valid;
use fastfaktura_domain::{
    EmailAddress, OtpCode, PhoneNumber, VatCategory, identifiers, parse_decimal, totals::QUANTITY_DECIMALS,
};
use libfuzzer_sys::fuzz_target;

const COUNTRIES: &[&str] = &["IS", "NO", "SE", "DE", "GR", "FR", "US", "", "XX"];

/// ISO 13616: move the first four characters to the end, letters become 10..35, and
/// the whole decimal number mod 97 is 1. Digit by digit, unlike the code under test.
fn iban_checksum_holds(iban: &str) -> bool {
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let digits: String = rearranged.chars().map(|c| c.to_digit(36).expect("alphanumeric").to_string()).collect();
    digits.bytes().fold(0u32, |r, d| (r * 10 + u32::from(d - b'0')) % 97) == 1
}

fuzz_target!(|input: (u8, &str)| {
    let (selector, text) = input;

    if let Ok(code) = identifiers::country(text) {
        assert!(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()), "{code:?}");
        assert_eq!(identifiers::country(&code), Ok(code.clone()));
    }

    let country = COUNTRIES[usize::from(selector) % COUNTRIES.len()];
    if let Ok(vat) = identifiers::vat_id(text, country) {
        assert!(vat.len() <= 16 && vat.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()), "{vat:?}");
        assert_eq!(identifiers::vat_id(&vat, country), Ok(vat.clone()), "{country}");
    }

    match identifiers::iban(text) {
        Ok(iban) if !iban.is_empty() => {
            assert!((15..=34).contains(&iban.len()) && iban.bytes().all(|b| b.is_ascii_alphanumeric()), "{iban}");
            assert!(iban.bytes().all(|b| !b.is_ascii_lowercase()), "{iban}");
            assert!(iban_checksum_holds(&iban), "{iban} accepted with a wrong checksum");
            assert!(iban_is_valid(&iban), "the documents crate refuses the IBAN {iban}");
            assert_eq!(identifiers::iban(&iban), Ok(iban.clone()));
        }
        Ok(_) => assert!(text.trim().is_empty()),
        Err(message) => {
            assert!(!message.to_string().is_empty());
            // Both checks of an IBAN agree on what is valid.
            assert!(!iban_is_valid(text), "{text:?}: valid for documents, refused by the form");
        }
    }

    if let Ok(bic) = identifiers::bic(text) {
        assert!(bic.is_empty() || bic.len() == 8 || bic.len() == 11, "{bic:?}");
        assert_eq!(identifiers::bic(&bic), Ok(bic.clone()));
    }

    match PhoneNumber::parse(text) {
        Ok(phone) => {
            let digits = phone.as_str().strip_prefix('+').expect("starts with +");
            assert!((7..=15).contains(&digits.len()), "{phone:?}");
            assert!(digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0'), "{phone:?}");
            assert_eq!(PhoneNumber::parse(phone.as_str()), Ok(phone.clone()));
            assert_eq!(identifiers::phone_e164(text).as_deref(), Ok(phone.as_str()));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }

    if let Ok(email) = EmailAddress::parse(text) {
        let address = email.as_str();
        assert!(address.len() <= 254 && address.matches('@').count() == 1, "{address:?}");
        assert!(!address.chars().any(|c| c.is_whitespace() || c.is_control()), "{address:?}");
        assert_eq!(address, address.to_lowercase());
        assert_eq!(EmailAddress::parse(address), Ok(email.clone()));
    }

    if let Ok(code) = OtpCode::parse(text) {
        let digits = code.expose_digits();
        assert!(digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()));
        assert!(!format!("{code:?}").contains(digits), "a code's Debug shows its digits");
    }

    if let Ok(category) = VatCategory::parse(text) {
        assert_eq!(category.code(), text.trim().to_ascii_uppercase());
    }

    // A VAT rate or discount as typed: whatever a category accepts is 0..=100 with at
    // most two decimals, positive exactly for the standard rate.
    if let Ok(rate) = parse_decimal(text, QUANTITY_DECIMALS) {
        for category in VatCategory::ALL {
            if category.check_rate(rate).is_ok() {
                assert!(rate >= 0.into() && rate <= 100.into() && rate.normalize().scale() <= 2, "{rate}");
                assert_eq!(category == VatCategory::Standard, !rate.is_zero(), "{category:?} at {rate}");
            }
        }
    }
});
