//! Published numbers (banktools-se's Bankgiro and Plusgiro examples, norwegian-numbers,
//! the IBAN registry's and IOBWS's example IBANs), their typos, and print forms.

use proptest::prelude::*;

use super::*;

#[test]
fn bankgiro_numbers() {
    for (input, printed) in [
        ("5402-9681", "5402-9681"),
        ("297-3675", "297-3675"),
        (" 6-40 - 5070", "640-5070"),
        (" 5 4 0 2 - 9 6 8 1 ", "5402-9681"),
        ("902-0033", "902-0033"),
    ] {
        assert_eq!(Bankgiro::parse(input).map(|b| b.to_string()), Ok(printed.to_owned()), "{input}");
    }
    assert_eq!(Bankgiro::parse("5402-9681").unwrap().as_str(), "54029681");
    assert_eq!(Bankgiro::parse("5402-9682"), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(Bankgiro::parse("902-0034"), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(Bankgiro::parse("54-0296"), Err(ReferenceError::TooShort { min: 7 }));
    assert_eq!(Bankgiro::parse("5402-96810"), Err(ReferenceError::TooLong { max: 8 }));
    assert_eq!(Bankgiro::parse("5402-9681X"), Err(ReferenceError::NotDigits));
    assert_eq!(Bankgiro::parse(""), Err(ReferenceError::Empty));
}

#[test]
fn plusgiro_numbers() {
    for (input, printed) in [
        ("28 65 43-4", "28 65 43-4"),
        ("2865434", "28 65 43-4"),
        ("410 54 68-5", "410 54 68-5"),
        ("41054685", "410 54 68-5"),
        (" 4 - 2", "4-2"),
        ("90 20 03-3", "90 20 03-3"),
        ("4 1 0 5 4 6 8 - 5 ", "410 54 68-5"),
    ] {
        assert_eq!(Plusgiro::parse(input).map(|p| p.to_string()), Ok(printed.to_owned()), "{input}");
    }
    assert_eq!(Plusgiro::parse("410 54 68-6"), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(Plusgiro::parse("1"), Err(ReferenceError::TooShort { min: 2 }));
    assert_eq!(Plusgiro::parse("1---------"), Err(ReferenceError::TooShort { min: 2 }));
    assert_eq!(Plusgiro::parse("410 54 68-51"), Err(ReferenceError::TooLong { max: 8 }));
    assert_eq!(Plusgiro::parse("410 54 68-5X"), Err(ReferenceError::NotDigits));
}

#[test]
fn norwegian_accounts() {
    let account = NorwegianAccount::parse("12345678903").unwrap();
    assert_eq!(account.to_string(), "1234.56.78903");
    assert_eq!(NorwegianAccount::parse("1234.56.78903"), Ok(account.clone()));
    assert_eq!(NorwegianAccount::parse("1234 56 78903"), Ok(account));
    assert_eq!(NorwegianAccount::parse("1234.56.78904"), Err(ReferenceError::WrongCheckDigit));
    // 0000002001 has no MOD11 digit, so no account starts with it.
    for d in 0..10 {
        assert_eq!(NorwegianAccount::parse(&format!("0000002001{d}")), Err(ReferenceError::WrongCheckDigit));
    }
    assert_eq!(NorwegianAccount::parse("0000002001-"), Err(ReferenceError::NotDigits));
    assert_eq!(NorwegianAccount::parse("1234.56.7890"), Err(ReferenceError::TooShort { min: 11 }));
    // The IBAN registry's Norwegian example.
    let from_iban = NorwegianAccount::from_iban("NO93 8601 1117 947").unwrap();
    assert_eq!(from_iban.to_string(), "8601.11.17947");
    assert_eq!(NorwegianAccount::from_iban("NO94 8601 1117 947"), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(NorwegianAccount::from_iban("SE93 8601 1117 947"), Err(ReferenceError::WrongCountry { expected: "NO" }));
}

#[test]
fn icelandic_accounts() {
    let account = IcelandicAccount::parse("0159-26-007654").unwrap();
    assert_eq!((account.bank(), account.ledger(), account.number()), ("0159", "26", "007654"));
    assert_eq!(account.as_str(), "015926007654");
    assert_eq!(account.to_string(), "0159-26-007654");
    for same in ["015926007654", "159-26-7654", " 0159 - 26 - 007654 "] {
        assert_eq!(IcelandicAccount::parse(same).as_ref(), Ok(&account), "{same}");
    }
    let shape = Err(ReferenceError::Shape { example: "0159-26-007654" });
    for wrong in ["0159-26", "01599-26-7654", "0159-266-7654", "0159-26-0076543", "0159--7654", "0159-26-7654-1"] {
        assert_eq!(IcelandicAccount::parse(wrong), shape, "{wrong}");
    }
    assert_eq!(IcelandicAccount::parse("01592600765"), Err(ReferenceError::TooShort { min: 12 }));
    assert_eq!(IcelandicAccount::parse("0159-26-00765a"), Err(ReferenceError::NotDigits));
    assert_eq!(IcelandicAccount::parse(""), Err(ReferenceError::Empty));
}

#[test]
fn icelandic_ibans() {
    let iban = IcelandicIban::parse("IS14 0159 2600 7654 5510 7303 39").unwrap();
    assert_eq!(iban.account().to_string(), "0159-26-007654");
    assert_eq!(iban.kennitala(), "5510730339");
    assert_eq!(iban.to_string(), "IS14 0159 2600 7654 5510 7303 39");
    assert_eq!(IcelandicAccount::from_iban("is140159260076545510730339").unwrap().to_string(), "0159-26-007654");
    assert_eq!(kennitala_from_icelandic_iban("IS14 0159 2600 7654 5510 7303 39"), Ok("5510730339".to_owned()));
    assert_eq!(IcelandicIban::from_parts(&iban.account(), "551073-0339"), Ok(iban));
    // IOBWS 3.2's examples.
    let iban = IcelandicIban::parse("IS060537260002062306671449").unwrap();
    assert_eq!((iban.account().to_string().as_str(), iban.kennitala()), ("0537-26-000206", "2306671449"));
    let iban = IcelandicIban::parse("IS950528293004010101759689").unwrap();
    assert_eq!((iban.account().to_string().as_str(), iban.kennitala()), ("0528-29-300401", "0101759689"));

    assert_eq!(IcelandicIban::parse("IS15 0159 2600 7654 5510 7303 39"), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(IcelandicIban::parse("IS14 0159 2600 7654 5510 7303 3"), Err(ReferenceError::TooShort { min: 26 }));
    assert_eq!(
        IcelandicIban::parse("DE89 3704 0044 0532 0130 00"),
        Err(ReferenceError::WrongCountry { expected: "IS" })
    );
    // A right IBAN check around a kennitala with a wrong check digit.
    let bad_kennitala = iban_from_bban("IS", "0159260076545510730349");
    assert_eq!(IcelandicIban::parse(&bad_kennitala), Err(ReferenceError::NotKennitala));
    let account = IcelandicAccount::parse("0159-26-007654").unwrap();
    assert_eq!(IcelandicIban::from_parts(&account, "5510730349"), Err(ReferenceError::NotKennitala));
    assert_eq!(IcelandicIban::from_parts(&account, "551073"), Err(ReferenceError::TooShort { min: 10 }));
}

#[test]
fn finnish_ibans() {
    // finnish-bank-utils' valid IBANs and the barcode vectors' accounts.
    for valid in [
        "FI9080002627761348",
        "FI2680003710241081",
        "FI3039390038674263",
        "FI0218803500006967",
        "FI 90 800026 2776 1348",
        "fi58 1017 1000 0001 22",
    ] {
        assert!(FinnishIban::parse(valid).is_ok(), "{valid}");
    }
    let iban = FinnishIban::from_bban("10171000000122").unwrap();
    assert_eq!((iban.as_str(), iban.digits()), ("FI5810171000000122", "5810171000000122"));
    assert_eq!(iban.to_string(), "FI58 1017 1000 0001 22");
    assert_eq!(FinnishIban::parse("FI9080002627761348A"), Err(ReferenceError::NotDigits));
    assert_eq!(FinnishIban::parse("FI495000942002XXXX"), Err(ReferenceError::NotDigits));
    assert_eq!(FinnishIban::parse("AFI9080002627761348"), Err(ReferenceError::WrongCountry { expected: "FI" }));
    assert_eq!(
        FinnishIban::parse("   SE45 5000 0000 0583 9825 7466"),
        Err(ReferenceError::WrongCountry { expected: "FI" })
    );
    assert_eq!(FinnishIban::parse("FI9080002627761349"), Err(ReferenceError::WrongCheckDigit));
    assert_eq!(FinnishIban::parse("FI908000262776134"), Err(ReferenceError::TooShort { min: 18 }));
    assert_eq!(FinnishIban::parse("FI"), Err(ReferenceError::TooShort { min: 18 }));
    assert_eq!(FinnishIban::from_bban("1017100000012"), Err(ReferenceError::TooShort { min: 14 }));
}

proptest! {
    #[test]
    fn luhn_numbers_catch_one_changed_digit(base in "[0-9]{6,7}", at in 0usize..8, bump in 1u8..10) {
        let check = luhn_check_digit(&base).unwrap();
        let number = format!("{base}{check}");
        prop_assert_eq!(Bankgiro::parse(&number).map(|b| b.as_str().to_owned()), Ok(number.clone()));
        let bankgiro = Bankgiro::parse(&number).unwrap();
        prop_assert_eq!(Bankgiro::parse(&bankgiro.to_string()), Ok(bankgiro));
        let plusgiro = Plusgiro::parse(&number).unwrap();
        prop_assert_eq!(Plusgiro::parse(&plusgiro.to_string()), Ok(plusgiro));
        let mut bytes = number.into_bytes();
        let i = at % bytes.len();
        bytes[i] = b'0' + (bytes[i] - b'0' + bump) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert_eq!(Bankgiro::parse(&changed), Err(ReferenceError::WrongCheckDigit));
        prop_assert_eq!(Plusgiro::parse(&changed), Err(ReferenceError::WrongCheckDigit));
    }

    #[test]
    fn norwegian_accounts_catch_one_changed_digit(base in "[0-9]{10}", at in 0usize..11, bump in 1u8..10) {
        let Ok(check) = mod11_check_digit(&base) else { return Ok(()) };
        let account = NorwegianAccount::parse(&format!("{base}{check}")).unwrap();
        prop_assert_eq!(NorwegianAccount::parse(&account.to_string()), Ok(account.clone()));
        let mut bytes = account.as_str().as_bytes().to_vec();
        bytes[at] = b'0' + (bytes[at] - b'0' + bump) % 10;
        prop_assert!(NorwegianAccount::parse(&String::from_utf8(bytes).unwrap()).is_err());
    }

    #[test]
    fn ibans_round_trip(account in "[0-9]{12}", bban in "[0-9]{14}") {
        let account = IcelandicAccount::parse(&account).unwrap();
        let iban = IcelandicIban::from_parts(&account, "5902697199").unwrap();
        prop_assert_eq!(IcelandicIban::parse(&iban.to_string()), Ok(iban.clone()));
        prop_assert_eq!(IcelandicAccount::from_iban(iban.as_str()), Ok(account.clone()));
        prop_assert_eq!(IcelandicAccount::parse(&account.to_string()), Ok(account));
        let finnish = FinnishIban::from_bban(&bban).unwrap();
        prop_assert_eq!(FinnishIban::parse(&finnish.to_string()), Ok(finnish));
    }

    #[test]
    fn parsing_never_panics(input in "\\PC{0,40}", digits in "[0-9 .ISFNO-]{0,30}") {
        for s in [&input, &digits] {
            let _ = Bankgiro::parse(s);
            let _ = Plusgiro::parse(s);
            let _ = NorwegianAccount::parse(s);
            let _ = NorwegianAccount::from_iban(s);
            let _ = IcelandicAccount::parse(s);
            let _ = IcelandicIban::parse(s);
            let _ = FinnishIban::parse(s);
            let _ = FinnishIban::from_bban(s);
            let _ = kennitala_from_icelandic_iban(s);
        }
    }
}
