//! The BgMax reader against sample files (tests/fixtures/bgmax) and broken ones.

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/bgmax/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn kr(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn the_minimal_file_has_one_payment_with_its_ocr_reference() {
    let file = parse_bgmax(&fixture("zimpler-minimal.txt")).unwrap();
    assert_eq!(file.written, "20040525173035010331");
    assert!(!file.test);
    let [deposit] = &file.deposits[..] else { panic!("one deposit") };
    assert_eq!((deposit.payee_bankgiro.as_str(), deposit.currency.as_str()), ("9912346", "SEK"));
    assert_eq!(deposit.payment_date, Some(Date::from_calendar_date(2004, Month::May, 25).unwrap()));
    assert_eq!(deposit.amount, kr("1100.00"));
    let [payment] = &deposit.payments[..] else { panic!("one payment") };
    assert_eq!(payment.reference.as_deref(), Some("650861"));
    assert_eq!((payment.reference_code, payment.amount), (2, kr("1100.00")));
    assert_eq!(payment.sender_bankgiro, "97012333");
}

#[test]
fn bankgirots_example_reads_every_deposit_payment_and_name_in_latin_1() {
    let file = parse_bgmax(&fixture("zimpler-BgMaxfil4.txt")).unwrap();
    assert_eq!(file.deposits.len(), 4);
    let payments: usize = file.deposits.iter().map(|d| d.payments.len()).sum();
    assert_eq!(payments, 9);
    let first = &file.deposits[0].payments[0];
    assert_eq!(first.payer_name.as_deref(), Some("Kalles Plåt AB"), "ISO-8859-1 decoded");
    assert_eq!(first.reference, None);
    assert_eq!(first.extra_references.len(), 4);
    let several = &file.deposits[3].payments[0];
    assert_eq!(several.reference.as_deref(), Some("8012577,8013575"));
    assert_eq!(several.reference_code, 3, "several references in one field");
    assert_eq!(file.deposits[3].currency, "EUR");
    assert_eq!(file.deposits[3].amount, kr("4000.00"));
}

#[test]
fn a_cut_altered_or_foreign_file_is_refused_whole() {
    let good = String::from_utf8(fixture("zimpler-minimal.txt")).unwrap();
    // Cut before its closing record.
    let cut: String = good.lines().take(4).map(|l| format!("{l}\n")).collect();
    assert_eq!(parse_bgmax(cut.as_bytes()), Err(BgMaxError::CountsDisagree));
    // A payment's amount changed: the deposit total no longer agrees.
    let altered = good.replacen("000000000000110000210", "000000000000990000210", 1);
    assert_ne!(altered, good);
    assert_eq!(parse_bgmax(altered.as_bytes()), Err(BgMaxError::DepositSumDisagrees { deposit: 1 }));
    // Letters where öre belong.
    let letters = good.replacen("000000000000110000210", "0000000000001100X0210", 1);
    assert!(matches!(parse_bgmax(letters.as_bytes()), Err(BgMaxError::Line { line: 3, .. })));
    assert_eq!(parse_bgmax(b"not a bank file at all"), Err(BgMaxError::NotBgMax));
    assert_eq!(parse_bgmax(b""), Err(BgMaxError::NotBgMax));
    assert_eq!(parse_bgmax(&vec![b'0'; MAX_BGMAX_BYTES + 1]), Err(BgMaxError::TooLarge));
    // A payment on its own, outside any deposit, is not a file.
    assert!(parse_bgmax(&fixture("zimpler-isolated_payment.txt")).is_err());
    let unknown = good.replacen("\n05", "\n99", 1);
    assert!(matches!(parse_bgmax(unknown.as_bytes()), Err(BgMaxError::Line { problem: "an unknown record type", .. })));
}

#[test]
fn arbitrary_bytes_never_panic() {
    for input in [&b"01BGMAX"[..], b"01BGMAX               01\n05", b"01BGMAX\n\xff\xfe\n70", b"01BGMAX\n20\n"] {
        let _ = parse_bgmax(input);
    }
}
