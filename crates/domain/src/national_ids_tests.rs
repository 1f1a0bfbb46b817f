//! Real numbers, published by their registries, and their one-digit typos.

use super::*;
use crate::identifiers::IdError;

fn d(s: &str) -> Vec<u32> {
    digits(s).unwrap()
}

#[test]
fn kennitala() {
    // Hagstofa Íslands, Ríkisskattstjóri (Skatturinn), Reykjavíkurborg.
    for valid in ["5902697199", "6503760649", "5302697609"] {
        assert!(super::kennitala(&d(valid)), "{valid}");
    }
    assert!(!super::kennitala(&d("5902697189")), "wrong check digit");
    assert!(!super::kennitala(&d("5902697197")), "no such century");
    assert_eq!(registration_id("590269-7199", "IS"), Ok("590269-7199".into()));
    assert_eq!(registration_id("5902697199", "IS"), Ok("590269-7199".into()));
    assert!(registration_id("550101-2345", "IS").unwrap_err().to_string().contains("check digit"));
    assert_eq!(registration_id("12345", "IS"), Err(IdError::Shape { example: "590269-7199" }));
}

#[test]
fn nordic_organisation_numbers() {
    // Equinor ASA, DNB Bank ASA; Volvo AB; Novo Nordisk A/S; Nokia Oyj.
    assert_eq!(registration_id("923 609 016", "NO"), Ok("923609016".into()));
    assert_eq!(registration_id("984851006", "NO"), Ok("984851006".into()));
    assert!(registration_id("923609017", "NO").is_err());
    assert_eq!(registration_id("556012-5790", "SE"), Ok("556012-5790".into()));
    assert_eq!(registration_id("165560125790", "SE"), Ok("556012-5790".into()));
    assert!(registration_id("556012-5791", "SE").is_err());
    assert_eq!(registration_id("24 25 67 90", "DK"), Ok("24256790".into()));
    assert!(registration_id("24256791", "DK").is_err());
    assert_eq!(registration_id("0112038-9", "FI"), Ok("0112038-9".into()));
    assert_eq!(registration_id("112038-9", "FI"), Ok("0112038-9".into()));
    assert!(registration_id("0112038-8", "FI").is_err());
}

#[test]
fn other_countries_need_digits_only() {
    assert_eq!(registration_id(" HRB 86891 ", "DE"), Ok("HRB 86891".into()));
    assert!(registration_id("hello", "DE").is_err());
    assert_eq!(registration_id("", "DE"), Ok(String::new()));
}

#[test]
fn vat_ids_with_check_digits() {
    let valid = [
        ("DE", "136695976"),
        ("DE", "811569869"),
        ("BE", "0403170701"),
        ("AT", "U13585627"),
        ("PL", "5260250995"),
        ("FR", "40303265045"),
        ("NL", "004495445B01"),
        ("NL", "000099998B57"),
        ("IT", "00743110157"),
        ("DK", "24256790"),
        ("FI", "01120389"),
        ("SE", "556012579001"),
    ];
    for (country, rest) in valid {
        assert_eq!(vat_rest_is_valid(country, rest), Some(true), "{country}{rest}");
    }
    let typos = [
        ("DE", "136695977"),
        ("BE", "0403170702"),
        ("AT", "U13585628"),
        ("PL", "5260250996"),
        ("FR", "41303265045"),
        ("NL", "004495446B01"),
        ("IT", "00743110158"),
        ("DK", "24256791"),
        ("FI", "01120388"),
        ("SE", "556012579101"),
        ("SE", "5560125790"),
    ];
    for (country, rest) in typos {
        assert_eq!(vat_rest_is_valid(country, rest), Some(false), "{country}{rest}");
    }
    assert_eq!(vat_rest_is_valid("US", "123"), None);
}

#[test]
fn luhn_matches_the_iso_example() {
    assert!(luhn(&d("79927398713")));
    assert!(!luhn(&d("79927398710")));
}
