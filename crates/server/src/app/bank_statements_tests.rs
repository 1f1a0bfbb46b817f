//! The matching decisions, without a database: which payment is recorded on which
//! invoice, what is applied, and why the others wait.

use time::macros::date;

use super::*;

fn payment(reference: Option<&str>, amount: &str, currency: &str) -> IncomingPayment {
    IncomingPayment {
        account: "NO9386011117947".into(),
        bank_id: format!("id-{reference:?}-{amount}"),
        booked_on: date!(2026 - 12 - 04),
        amount: amount.parse().unwrap(),
        currency: currency.into(),
        reference: reference.map(str::to_owned),
        message: None,
        payer: Some("Fjord AS".into()),
    }
}

fn invoice(key: &str, open: &str) -> ReferencedInvoice {
    ReferencedInvoice {
        id: Uuid::new_v4(),
        key: key.into(),
        number: format!("2026-{key}"),
        kind: "invoice".into(),
        currency: "NOK".into(),
        voided: false,
        open: open.parse().unwrap(),
    }
}

#[test]
fn a_reference_naming_one_open_invoice_is_recorded_and_the_rest_wait_with_reasons() {
    let a = invoice("20260000070", "1000");
    let (paid, voided) =
        (invoice("20260000088", "0"), ReferencedInvoice { voided: true, ..invoice("20260000096", "5") });
    let (twin1, twin2) = (invoice("20260000104", "5"), invoice("20260000104", "5"));
    let payments = [
        payment(Some("2026 0000 070"), "400", "NOK"),
        payment(Some("20260000070"), "700", "NOK"),
        payment(Some("20260000070"), "1", "NOK"),
        payment(None, "5", "NOK"),
        payment(Some("999"), "5", "NOK"),
        payment(Some("20260000088"), "5", "NOK"),
        payment(Some("20260000096"), "5", "NOK"),
        payment(Some("20260000104"), "5", "NOK"),
        payment(Some("20260000112"), "5", "NOK"),
    ];
    let mut wrong_currency = invoice("20260000112", "5");
    wrong_currency.currency = "EUR".into();
    let refs: Vec<&IncomingPayment> = payments.iter().collect();
    let entries = decide(&refs, vec![a.clone(), paid, voided, twin1, twin2, wrong_currency]);
    let outcome: Vec<(Option<Decimal>, Option<&str>)> =
        entries.iter().map(|e| (e.matched.map(|m| m.1), e.reason)).collect();
    let d = |s: &str| Some(s.parse::<Decimal>().unwrap());
    assert_eq!(
        outcome,
        [
            (d("400"), None),
            (d("600"), None),
            (None, Some("already_paid")),
            (None, Some("no_reference")),
            (None, Some("unknown_reference")),
            (None, Some("already_paid")),
            (None, Some("not_payable")),
            (None, Some("ambiguous")),
            (None, Some("currency")),
        ],
        "a partial payment, then an overpayment applying what is open, then nothing left"
    );
    assert!(entries[..2].iter().all(|e| e.matched.map(|m| m.0) == Some(a.id)));
    assert_eq!(entries[0].reference_key.as_deref(), Some("20260000070"));
}

fn candidate(number: &str, customer: &str, open: &str, due: time::Date) -> Candidate {
    Candidate {
        entry_id: Uuid::nil(),
        invoice_id: Uuid::new_v4(),
        number: number.into(),
        customer: customer.into(),
        due_date: due,
        open: open.parse().unwrap(),
    }
}

#[test]
fn suggestions_rank_amount_number_and_name_over_chance() {
    let entry = Entry {
        id: Uuid::nil(),
        booked_on: date!(2026 - 12 - 04),
        amount: "250".parse().unwrap(),
        currency: "EUR".into(),
        reference: None,
        message: Some("invoice 2026-0042 thanks".into()),
        payer: Some("KALLIO OY".into()),
        state: "unmatched".into(),
        reason: Some("no_reference".into()),
        invoice_id: None,
        invoice_number: None,
        applied: None,
        matched_by: None,
        matched_at: None,
    };
    let named = candidate("2026-0042", "Kallio Oy", "250", date!(2026 - 12 - 01));
    let same_amount = candidate("2026-0007", "Someone Else Ltd", "250", date!(2026 - 06 - 01));
    let only_number = candidate("2026-0042", "Other", "100", date!(2026 - 12 - 01));
    let s = |c: &Candidate| suggestion_score(&entry, c);
    assert!(s(&named) > s(&same_amount) && s(&named) > s(&only_number));
    assert!(s(&same_amount) > 0 && s(&only_number) > 0);
}

#[test]
fn statements_for_other_accounts_are_not_the_businesss() {
    let mut profile = crate::db::businesses::BusinessProfile {
        name: "Fjord".into(),
        address_line: String::new(),
        postal_code: String::new(),
        city: String::new(),
        country: "NO".into(),
        vat_number: String::new(),
        registration_id: String::new(),
        iban: "NO93 8601 1117 947".into(),
        bic: String::new(),
        default_currency: "NOK".into(),
        payment_terms_days: 14,
        invoice_language: "en".into(),
        payment_reference_scheme: "automatic".into(),
        bankgiro: "54029681".into(),
        fik_creditor: String::new(),
        ..Default::default()
    };
    let own = own_accounts(&profile);
    for account in ["NO9386011117947", "86011117947", "54029681"] {
        assert!(is_own(&own, account), "{account}");
    }
    for account in ["", "NO9386011117948", "DE89370400440532013000", "1117947"] {
        assert!(!is_own(&own, account), "{account}");
    }
    profile.iban = "IS140159260076545510730339".into();
    assert!(is_own(&own_accounts(&profile), "015926007654"));
}
