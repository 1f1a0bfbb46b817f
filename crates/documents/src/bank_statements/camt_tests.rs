//! The camt reader against sample messages (genkgo/camt, MIT, in
//! tests/fixtures/camt) and against hostile or broken input.

use time::Month;

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/camt/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn a_camt053_v2_statement_is_read_with_its_entry_and_reference() {
    let statement = parse_camt(&fixture("camt053.v2.minimal.xml")).unwrap();
    assert_eq!(statement.kind, StatementKind::Statement);
    assert_eq!(statement.version, "001.02");
    assert_eq!(statement.message_id, "CAMT053RIB000000000001");
    let [report] = &statement.reports[..] else { panic!("one report: {statement:?}") };
    assert_eq!(report.iban.as_deref(), Some("NL26VAYB8060476890"));
    assert_eq!(report.currency.as_deref(), Some("EUR"));
    let [entry] = &report.entries[..] else { panic!("one entry") };
    assert_eq!((entry.amount, entry.currency.as_str(), entry.credit), (dec("8.85"), "EUR", true));
    assert_eq!(entry.status.as_deref(), Some("BOOK"));
    assert_eq!(entry.booking_date, Some(Date::from_calendar_date(2014, Month::December, 31).unwrap()));
    assert_eq!(entry.value_date, Some(Date::from_calendar_date(2015, Month::January, 2).unwrap()));
    let [tx] = &entry.transactions[..] else { panic!("one transaction") };
    assert_eq!(tx.reference.as_deref(), Some("4654654654654654"));
    assert_eq!(tx.debtor_name.as_deref(), Some("NAME NAME"));
    assert_eq!(tx.debtor_iban.as_deref(), Some("NL56AGDH9619008421"));
}

#[test]
fn a_camt053_v8_statement_reads_the_same_places_in_their_new_wrappers() {
    let statement = parse_camt(&fixture("camt053.v8.xml")).unwrap();
    assert_eq!(statement.version, "001.08");
    let entry = &statement.reports[0].entries[0];
    assert_eq!((entry.amount, entry.credit), (dec("8.85"), true));
    assert_eq!(entry.status.as_deref(), Some("BOOK"), "v8 writes Sts/Cd");
    assert_eq!(entry.account_servicer_reference.as_deref(), Some("AAAASESS-FP-CN_98765/01"));
    let tx = &entry.transactions[0];
    assert_eq!(tx.reference.as_deref(), Some("4654654654654654"));
    assert_eq!(tx.debtor_name.as_deref(), Some("NAME NAME"), "v8 writes Dbtr/Pty/Nm");
}

#[test]
fn a_camt054_notification_lists_each_transaction_with_its_remittance() {
    let statement = parse_camt(&fixture("camt054.v2.xml")).unwrap();
    assert_eq!(statement.kind, StatementKind::Notification);
    let entry = &statement.reports[0].entries[0];
    assert_eq!((entry.amount, entry.currency.as_str(), entry.credit), (dec("200000"), "SEK", false));
    assert_eq!(entry.account_servicer_reference.as_deref(), Some("AAAASESS-FP-ACCR001"));
    let references: Vec<_> = entry.transactions.iter().map(|t| t.reference.as_deref()).collect();
    assert_eq!(references, [Some("ISR ref number V1"), Some("ISR ref number V2"), Some("Ref number V3 block 1")]);
    assert_eq!(entry.transactions[0].unstructured, ["Unstructured Remittance Information V1"]);
    assert_eq!(entry.transactions[2].unstructured.len(), 2);
    assert!(entry.transactions.iter().all(|t| t.debtor_name.as_deref() == Some("MUELLER")));
}

#[test]
fn several_statements_in_one_message_are_kept_apart() {
    let statement = parse_camt(&fixture("camt053.v2.multi.statement.xml")).unwrap();
    assert_eq!(statement.reports.len(), 2);
    assert_eq!(statement.reports[0].entries[0].transactions[0].unstructured, ["Transaction Description 1"]);
    assert_eq!(statement.reports[1].entries[0].transactions[0].unstructured, ["Transaction Description 2"]);
}

#[test]
fn hostile_and_broken_files_are_refused_whole() {
    // An entity bomb needs a DTD, and a DTD is refused before anything expands.
    let bomb = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&lol2;</BkToCstmrStmt></Document>"#;
    assert!(matches!(parse_camt(bomb), Err(StatementError::NotXml(_))));
    let external = br#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&x;</Document>"#;
    assert!(matches!(parse_camt(external), Err(StatementError::NotXml(_))));
    let huge = vec![b' '; MAX_STATEMENT_BYTES + 1];
    assert_eq!(parse_camt(&huge), Err(StatementError::TooLarge));
    assert!(matches!(parse_camt(b"<Invoice xmlns=\"urn:oasis:names\"/>"), Err(StatementError::NotCamt(_))));
    assert!(matches!(parse_camt(b"\xff\xfe"), Err(StatementError::NotXml(_))));
    assert!(matches!(parse_camt(b"<Document"), Err(StatementError::NotXml(_))));
    // An entry without a direction cannot be booked either way.
    let xml = String::from_utf8(fixture("camt053.v2.minimal.xml")).unwrap();
    let broken = xml.replacen("<CdtDbtInd>CRDT</CdtDbtInd>\n                <RvslInd>", "<RvslInd>", 1);
    assert_ne!(broken, xml);
    match parse_camt(broken.as_bytes()) {
        Err(StatementError::BadEntry { entry: 1, what, .. }) => assert_eq!(what, "the credit or debit indicator"),
        other => panic!("{other:?}"),
    }
    let negative = xml.replacen("<Amt Ccy=\"EUR\">8.85</Amt>", "<Amt Ccy=\"EUR\">-8.85</Amt>", 1);
    assert!(matches!(parse_camt(negative.as_bytes()), Err(StatementError::BadEntry { what: "the amount", .. })));
}

#[test]
fn the_wrong_sample_does_not_panic() {
    // genkgo's "wrong" sample breaks its schema; whatever we make of it, we say so calmly.
    let _ = parse_camt(&fixture("camt053.v2.wrong.xml"));
}
