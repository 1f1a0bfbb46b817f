//! The published vectors of each scheme (Nets' manual, Bankgirot via banktools-se and
//! ocrgenerator, Finanssiala via finnish-bank-utils and nocfo, ISO 11649 via
//! python-stdnum), their typos, and properties over generated references.

use proptest::prelude::*;

use super::*;
use crate::check_digits::{finnish_check_digit, luhn_check_digit, mod11_check_digit, mod97};

#[test]
fn check_digit_helpers() {
    assert_eq!(luhn_check_digit("7992739871"), Ok(3));
    assert_eq!(luhn_check_digit("12345678"), Ok(2));
    assert_eq!(mod11_check_digit("12345678"), Ok(5));
    assert_eq!(mod11_check_digit("31"), Ok(0));
    assert_eq!(mod11_check_digit("40"), Err(ReferenceError::NoCheckDigit));
    assert_eq!(finnish_check_digit("123456"), Ok(1));
    assert_eq!(mod97("539007547034RF18"), Ok(1));
    assert_eq!(luhn_check_digit(""), Err(ReferenceError::Empty));
    assert_eq!(mod11_check_digit("12a"), Err(ReferenceError::NotDigits));
    assert_eq!(mod97("rf18"), Err(ReferenceError::InvalidCharacter));
}

#[test]
fn kid_vectors() {
    let kid = |base, method| Kid::generate(base, method).map(|k| k.as_str().to_owned());
    // The README's and the Nets manual's examples.
    assert_eq!(kid("1234", KidMethod::Mod10), Ok("12344".into()));
    assert_eq!(kid("1234", KidMethod::Mod11), Ok("12343".into()));
    assert_eq!(kid("12345678", KidMethod::Mod10), Ok("123456782".into()));
    assert_eq!(kid("12345678", KidMethod::Mod11), Ok("123456785".into()));
    // norwegian-numbers' tests.
    assert_eq!(kid("234567", KidMethod::Mod10), Ok("2345676".into()));
    assert_eq!(kid("0", KidMethod::Mod10), Ok("00".into()));
    assert_eq!(kid("1234567890", KidMethod::Mod11), Ok("12345678903".into()));
    assert_eq!(kid("31", KidMethod::Mod11), Ok("310".into()));
    assert_eq!(kid("40", KidMethod::Mod11), Err(ReferenceError::NoCheckDigit));
    assert_eq!(kid("", KidMethod::Mod11), Err(ReferenceError::Empty));
    assert_eq!(kid("abc", KidMethod::Mod10), Err(ReferenceError::NotDigits));
    assert_eq!(kid("0123456789012345678901234", KidMethod::Mod10), Err(ReferenceError::TooLong { max: 24 }));

    for (valid, method) in
        [("12344", KidMethod::Mod10), ("2345676", KidMethod::Mod10), ("12345678903", KidMethod::Mod11)]
    {
        assert_eq!(Kid::parse(valid, method).map(|k| k.method()), Ok(method), "{valid}");
    }
    assert_eq!(Kid::parse("1234 5678 903", KidMethod::Mod11).unwrap().as_str(), "12345678903");
    assert_eq!(Kid::parse("12345", KidMethod::Mod10), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(Kid::parse("12344", KidMethod::Mod11), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(Kid::parse("40-", KidMethod::Mod11), Err(ReferenceError::NoCheckDigit));
    // A base without a MOD11 digit fails whatever digit follows it.
    for d in 0..10 {
        assert_eq!(Kid::parse(&format!("40{d}"), KidMethod::Mod11), Err(ReferenceError::WrongCheckDigit));
    }
    assert_eq!(Kid::parse("0", KidMethod::Mod10), Err(ReferenceError::TooShort { min: 2 }));
    assert_eq!(Kid::parse(&"1".repeat(26), KidMethod::Mod10), Err(ReferenceError::TooLong { max: 25 }));
    assert_eq!(Kid::parse("1234-4", KidMethod::Mod10), Err(ReferenceError::NotDigits));
}

#[test]
fn swedish_ocr_vectors() {
    let ocr = |base, length| SwedishOcr::generate(base, length).map(|o| o.as_str().to_owned());
    assert_eq!(ocr("123", false), Ok("1230".into()));
    assert_eq!(ocr("123", true), Ok("12351".into()));
    assert_eq!(ocr("1234567890", true), Ok("123456789023".into()));
    assert_eq!(ocr("12345678900", true), Ok("1234567890037".into()));
    assert_eq!(ocr("00720191224200", true), Ok("0072019122420063".into()));
    assert_eq!(ocr("1234567890123456789012345", false), Err(ReferenceError::TooLong { max: 24 }));
    assert_eq!(ocr("12345678901234567890123", false).map(|o| o.len()), Ok(24));
    assert_eq!(ocr("123456789012345678901234", true), Err(ReferenceError::TooLong { max: 23 }));
    assert_eq!(ocr("garbage", false), Err(ReferenceError::NotDigits));

    for valid in ["1202951008", "18108401345678778", "1018966492531", "0072019122420063", "1234567890037"] {
        assert!(SwedishOcr::parse(valid, OcrControl::VariableLength).is_ok(), "{valid}");
        assert!(SwedishOcr::parse(valid, OcrControl::Hard).is_ok(), "{valid}");
    }
    assert!(SwedishOcr::parse("00", OcrControl::Hard).is_ok());
    assert_eq!(SwedishOcr::parse("0", OcrControl::Hard), Err(ReferenceError::TooShort { min: 2 }));
    assert_eq!(SwedishOcr::parse("1231", OcrControl::Hard), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(SwedishOcr::parse("00720191224200637", OcrControl::Hard), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(SwedishOcr::parse("0072019122420063A", OcrControl::Hard), Err(ReferenceError::NotDigits));
    // Soft control checks the shape but takes a wrong check digit.
    assert_eq!(SwedishOcr::parse("1231", OcrControl::Soft).unwrap().as_str(), "1231");
    assert_eq!(SwedishOcr::parse("12A1", OcrControl::Soft), Err(ReferenceError::NotDigits));
    // banktools-se: a right Luhn digit but a wrong length digit.
    assert_eq!(SwedishOcr::parse("12369", OcrControl::Hard).unwrap().as_str(), "12369");
    assert_eq!(SwedishOcr::parse("12369", OcrControl::VariableLength), Err(ReferenceError::WrongLengthDigit));
    assert_eq!(SwedishOcr::parse("1230", OcrControl::VariableLength), Err(ReferenceError::WrongLengthDigit));
    let fixed = OcrControl::FixedLength(16, 12);
    assert!(SwedishOcr::parse("0072019122420063", fixed).is_ok());
    assert!(SwedishOcr::parse("123456789023", fixed).is_ok());
    assert_eq!(SwedishOcr::parse("1230", fixed), Err(ReferenceError::LengthNotAgreed));
    assert_eq!(SwedishOcr::parse("0072 0191 2242 0063", OcrControl::Hard).unwrap().to_string(), "0072019122420063");
}

#[test]
fn finnish_reference_vectors() {
    // The README's (Finanssiala's examples), finnish-bank-utils' and nocfo's references.
    let valid = [
        ("1511890656", "15118 90656"),
        ("12 34561", "12 34561"),
        (" 123456 1 ", "12 34561"),
        ("55958 22432 94671", "55958 22432 94671"),
        ("69 87567 20834 35364", "69 87567 20834 35364"),
        ("7 75847 47906 47489", "7 75847 47906 47489"),
        ("86851 62596 19897", "86851 62596 19897"),
        ("8 68624", "8 68624"),
        ("3 22219 06315 25115", "3 22219 06315 25115"),
        ("1231180652526617", "1 23118 06525 26617"),
        ("0 10301 00067 17580 0018", "1030 10006 71758 00018"),
        ("3004101416423555", "3 00410 14164 23555"),
        ("7777776", "77 77776"),
        ("590738390", "5907 38390"),
        ("1357914", "13 57914"),
        ("92125374252539897737", "92125 37425 25398 97737"),
        ("11112", "11112"),
    ];
    for (input, printed) in valid {
        let reference = FinnishReference::parse(input);
        assert_eq!(reference.as_ref().map(ToString::to_string), Ok(printed.to_owned()), "{input}");
    }
    assert_eq!(FinnishReference::parse("01030100067175800018").unwrap().as_str(), "1030100067175800018");
    assert_eq!(FinnishReference::parse("001234561"), FinnishReference::parse("1234561"));
    assert_eq!(FinnishReference::parse("123"), Err(ReferenceError::TooShort { min: 4 }));
    assert_eq!(FinnishReference::parse("0000"), Err(ReferenceError::TooShort { min: 4 }));
    assert_eq!(FinnishReference::parse("123456789012345678901"), Err(ReferenceError::TooLong { max: 20 }));
    assert_eq!(FinnishReference::parse("1234562"), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(FinnishReference::parse("RF341234561"), Err(ReferenceError::NotDigits));
    assert_eq!(FinnishReference::parse(""), Err(ReferenceError::Empty));

    assert_eq!(FinnishReference::generate("123456").unwrap().as_str(), "1234561");
    assert_eq!(FinnishReference::generate("0001 23456").unwrap().as_str(), "1234561");
    assert_eq!(FinnishReference::generate("12"), Err(ReferenceError::TooShort { min: 3 }));
    assert_eq!(FinnishReference::generate("12345678901234567890"), Err(ReferenceError::TooLong { max: 19 }));
}

#[test]
fn rf_reference_vectors() {
    let valid = [
        ("RF61 6987 5672 0839", "RF61 6987 5672 0839"),
        ("RF84 7758 4747 9064 7489", "RF84 7758 4747 9064 7489"),
        ("RF60 7877 7679 6566 2868 7", "RF60 7877 7679 6566 2868 7"),
        ("RF34 1234 561", "RF34 1234 561"),
        ("RF18 5390 0754 7034", "RF18 5390 0754 7034"),
        ("rf18539007547034", "RF18 5390 0754 7034"),
        ("RF09 8685 1625 9619 897", "RF09 8685 1625 9619 897"),
        ("RF031030100067175800018", "RF03 1030 1000 6717 5800 018"),
        ("RF97C2H5OH", "RF97 C2H5 OH"),
    ];
    for (input, printed) in valid {
        assert_eq!(RfReference::parse(input).map(|r| r.to_string()), Ok(printed.to_owned()), "{input}");
    }
    // python-stdnum's random references from mobilefish.com, 1 to 21 body characters.
    for valid in ["RF03SW3EZRUFBK", "RF206KCJWVH20", "RF72YW", "RF529", "RF08P", "RF23EF4UHBVNPLHKG3HZ9SGGT", "RF097"] {
        assert!(RfReference::parse(valid).is_ok(), "{valid}");
    }
    let rf = RfReference::parse("RF18 5390 0754 7034").unwrap();
    assert_eq!((rf.as_str(), rf.check_digits(), rf.body()), ("RF18539007547034", "18", "539007547034"));
    assert_eq!(RfReference::generate("5390 0754 7034"), Ok(rf));
    assert_eq!(RfReference::generate("c2h5oh").unwrap().as_str(), "RF97C2H5OH");

    assert_eq!(RfReference::parse("RF19 5390 0754 7034"), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(RfReference::parse("RF18 5390 0754 7035"), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(RfReference::parse("RF18"), Err(ReferenceError::TooShort { min: 5 }));
    assert_eq!(RfReference::parse("RF123456789012345678901234"), Err(ReferenceError::TooLong { max: 25 }));
    assert_eq!(RfReference::parse("FI18 5390 0754 7034"), Err(ReferenceError::NotRf));
    assert_eq!(RfReference::parse("RF18 5390-0754-7034"), Err(ReferenceError::InvalidCharacter));
    assert_eq!(RfReference::parse("RFAB 5390"), Err(ReferenceError::Shape { example: "RF18 5390 0754 7034" }));
    assert_eq!(RfReference::parse(" "), Err(ReferenceError::Empty));
    assert_eq!(RfReference::generate("ÅÄÖ"), Err(ReferenceError::InvalidCharacter));
    assert_eq!(RfReference::generate(&"1".repeat(22)), Err(ReferenceError::TooLong { max: 21 }));

    // 00, 01 and 99 satisfy mod 97 where 97, 98 and 02 do, but are never issued.
    for body in ["1", "12", "123", "1234", "99999"] {
        let rf = RfReference::generate(body).unwrap();
        let twin = match rf.check_digits() {
            "97" => "00",
            "98" => "01",
            "02" => "99",
            _ => continue,
        };
        assert_eq!(RfReference::parse(&format!("RF{twin}{body}")), Err(ReferenceError::WrongCheckDigit));
    }
    let alias = (1..10_000).map(|n| n.to_string()).find(|b| RfReference::generate(b).unwrap().check_digits() == "98");
    let body = alias.unwrap();
    assert_eq!(RfReference::parse(&format!("RF01{body}")), Err(ReferenceError::WrongCheckDigit));
}

#[test]
fn finnish_references_convert_to_rf() {
    let pairs = [
        ("1234561", "RF341234561"),
        ("1511890656", "RF601511890656"),
        ("01030100067175800018", "RF031030100067175800018"),
        ("7758474790647489", "RF847758474790647489"),
        ("78777679656628687", "RF6078777679656628687"),
        ("868516259619897", "RF09868516259619897"),
        ("559582243294671", "RF06559582243294671"),
        ("868624", "RF10868624"),
        ("92125374252539897737", "RF7192125374252539897737"),
        ("590738390", "RF66590738390"),
        ("1357914", "RF951357914"),
        ("11112", "RF9811112"),
    ];
    for (finnish, rf) in pairs {
        let converted = RfReference::from_finnish(&FinnishReference::parse(finnish).unwrap());
        assert_eq!(converted.as_str(), rf, "{finnish}");
    }
}

#[test]
fn invoice_references_are_fixed_and_deterministic() {
    assert_eq!(reference_digits(2026, 42, 6), "2026000042");
    assert_eq!(reference_digits(2026, 1_234_567, 6), "20261234567");
    assert_eq!(reference_digits(2026, 1, usize::MAX).len(), 24);
    assert_eq!(reference_digits(2026, u64::MAX, 20), format!("2026{}", u64::MAX));

    assert_eq!(Kid::for_invoice(2026, 42, 6, KidMethod::Mod10).unwrap().as_str(), "20260000425");
    assert_eq!(Kid::for_invoice(2026, 42, 6, KidMethod::Mod11).unwrap().as_str(), "202600004206");
    // 2026000006 + 0 has no MOD11 digit, so the digit before the check digit is 1.
    assert_eq!(Kid::for_invoice(2026, 6, 6, KidMethod::Mod11).unwrap().as_str(), "202600000618");
    assert_eq!(SwedishOcr::for_invoice(2026, 42, 6, true).unwrap().as_str(), "202600004222");
    assert_eq!(FinnishReference::for_invoice(2026, 42, 6).unwrap().as_str(), "20260000422");
    assert_eq!(RfReference::for_invoice(2026, 42, 6).unwrap().body(), "20260000422");
    assert_eq!(FinnishReference::for_invoice(2026, 42, 16), Err(ReferenceError::TooLong { max: 19 }));
    // The same invoice always gets the same reference; the next year's 42 another.
    assert_eq!(Kid::for_invoice(2026, 42, 6, KidMethod::Mod11), Kid::for_invoice(2026, 42, 6, KidMethod::Mod11));
    assert_ne!(FinnishReference::for_invoice(2026, 42, 6), FinnishReference::for_invoice(2027, 42, 6));
}

fn methods() -> impl Strategy<Value = KidMethod> {
    prop::sample::select(vec![KidMethod::Mod10, KidMethod::Mod11])
}

/// `value` with the digit (or letter) at `at` replaced by another of its kind.
fn mutate(value: &str, at: usize, bump: u8) -> String {
    let mut bytes = value.as_bytes().to_vec();
    let i = at % bytes.len();
    bytes[i] = match bytes[i] {
        d @ b'0'..=b'9' => b'0' + (d - b'0' + bump % 9 + 1) % 10,
        l => b'A' + (l - b'A' + bump % 25 + 1) % 26,
    };
    String::from_utf8(bytes).unwrap()
}

proptest! {
    #[test]
    fn kids_round_trip_and_catch_one_changed_digit(base in "[0-9]{1,24}", method in methods(), at in any::<usize>(), bump in any::<u8>()) {
        match Kid::generate(&base, method) {
            Ok(kid) => {
                prop_assert_eq!(Kid::parse(kid.as_str(), method), Ok(kid.clone()));
                prop_assert!(Kid::parse(&mutate(kid.as_str(), at, bump), method).is_err());
            }
            Err(e) => prop_assert_eq!((e, method), (ReferenceError::NoCheckDigit, KidMethod::Mod11)),
        }
    }

    #[test]
    fn ocr_numbers_round_trip_and_catch_one_changed_digit(base in "[0-9]{1,23}", length in any::<bool>(), at in any::<usize>(), bump in any::<u8>()) {
        let ocr = SwedishOcr::generate(&base, length).unwrap();
        prop_assert_eq!(SwedishOcr::parse(ocr.as_str(), OcrControl::Hard), Ok(ocr.clone()));
        if length {
            prop_assert_eq!(SwedishOcr::parse(ocr.as_str(), OcrControl::VariableLength), Ok(ocr.clone()));
        }
        prop_assert!(SwedishOcr::parse(&mutate(ocr.as_str(), at, bump), OcrControl::Hard).is_err());
    }

    #[test]
    fn finnish_references_round_trip_and_catch_one_changed_digit(base in "[1-9][0-9]{2,18}", at in any::<usize>(), bump in any::<u8>()) {
        let reference = FinnishReference::generate(&base).unwrap();
        prop_assert_eq!(FinnishReference::parse(&reference.to_string()), Ok(reference.clone()));
        prop_assert!(FinnishReference::parse(&mutate(reference.as_str(), at, bump)).is_err());
        let rf = RfReference::from_finnish(&reference);
        prop_assert_eq!(RfReference::parse(&rf.to_string()), Ok(rf));
    }

    #[test]
    fn rf_references_round_trip_and_catch_one_changed_character(body in "[0-9A-Z]{1,21}", at in any::<usize>(), bump in any::<u8>()) {
        let rf = RfReference::generate(&body).unwrap();
        prop_assert_eq!(RfReference::parse(&rf.to_string().to_lowercase()), Ok(rf.clone()));
        // Digit for digit or letter for letter, in the check digits or the body.
        let changed = format!("RF{}", mutate(&rf.as_str()[2..], at, bump));
        prop_assert!(RfReference::parse(&changed).is_err());
    }

    #[test]
    fn invoice_references_are_valid_and_distinct(year in 2000i32..2100, a in 0u64..10_000_000, b in 0u64..10_000_000, method in methods()) {
        let kid = Kid::for_invoice(year, a, 7, method).unwrap();
        prop_assert_eq!(Kid::parse(kid.as_str(), method), Ok(kid.clone()));
        prop_assert_eq!(kid.as_str().len(), if method == KidMethod::Mod11 { 13 } else { 12 });
        let ocr = SwedishOcr::for_invoice(year, a, 7, true).unwrap();
        prop_assert!(SwedishOcr::parse(ocr.as_str(), OcrControl::FixedLength(13, 13)).is_ok());
        let finnish = FinnishReference::for_invoice(year, a, 7).unwrap();
        prop_assert_eq!(FinnishReference::parse(finnish.as_str()), Ok(finnish.clone()));
        let rf = RfReference::for_invoice(year, a, 7).unwrap();
        prop_assert_eq!(RfReference::parse(rf.as_str()), Ok(rf.clone()));
        if a != b {
            prop_assert_ne!(Some(kid), Kid::for_invoice(year, b, 7, method).ok());
            prop_assert_ne!(Some(finnish), FinnishReference::for_invoice(year, b, 7).ok());
            prop_assert_ne!(Some(rf), RfReference::for_invoice(year, b, 7).ok());
        }
    }

    #[test]
    fn parsing_never_panics(input in "\\PC{0,40}", digits in "[0-9 RFrf-]{0,30}") {
        for s in [&input, &digits] {
            let _ = Kid::parse(s, KidMethod::Mod10);
            let _ = Kid::parse(s, KidMethod::Mod11);
            for control in [OcrControl::Soft, OcrControl::Hard, OcrControl::VariableLength, OcrControl::FixedLength(0, usize::MAX)] {
                let _ = SwedishOcr::parse(s, control);
            }
            let _ = FinnishReference::parse(s);
            let _ = FinnishReference::generate(s);
            let _ = RfReference::parse(s);
            let _ = RfReference::generate(s);
            let _ = Kid::generate(s, KidMethod::Mod11);
            let _ = SwedishOcr::generate(s, true);
        }
    }
}
