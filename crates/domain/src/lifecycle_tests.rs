//! Unit and property tests of the invoice lifecycle's decisions.

use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;

fn kinds() -> impl Strategy<Value = InvoiceKind> {
    prop::sample::select(InvoiceKind::ALL.to_vec())
}

fn statuses() -> impl Strategy<Value = InvoiceStatus> {
    prop::sample::select(vec![InvoiceStatus::Draft, InvoiceStatus::Issued])
}

fn amounts() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000, 0u32..5).prop_map(|(n, scale)| Decimal::new(n, scale))
}

#[test]
fn names_round_trip_and_unknown_names_are_refused() {
    for kind in InvoiceKind::ALL {
        assert_eq!(InvoiceKind::parse(kind.as_str()), Ok(kind));
    }
    for status in [InvoiceStatus::Draft, InvoiceStatus::Issued] {
        assert_eq!(InvoiceStatus::parse(status.as_str()), Ok(status));
    }
    for entry in [PriceEntry::Net, PriceEntry::Gross] {
        assert_eq!(PriceEntry::parse(entry.as_str()), Ok(entry));
    }
    assert!(InvoiceKind::parse("Invoice").is_err());
    assert!(InvoiceStatus::parse("paid").is_err());
    assert_eq!(PriceEntry::parse("").unwrap_err().to_string(), "\"\" is not a known price entry");
}

#[test]
fn a_quote_adds_up_like_an_invoice() {
    assert_eq!(InvoiceKind::Quote.totals_kind(), DocumentKind::Invoice);
    assert_eq!(InvoiceKind::CreditNote.totals_kind(), DocumentKind::CreditNote);
}

#[test]
fn only_drafts_with_lines_are_issued() {
    assert_eq!(check_issuable(InvoiceStatus::Draft, 1), Ok(()));
    assert_eq!(check_issuable(InvoiceStatus::Draft, 0), Err(Refusal::NoLines));
    assert_eq!(check_issuable(InvoiceStatus::Issued, 3), Err(Refusal::AlreadyIssued));
    assert_eq!(check_editable(InvoiceStatus::Issued).unwrap_err().to_string(), "This document is already issued.");
}

#[test]
fn only_issued_invoices_not_yet_voided_are_credited() {
    assert_eq!(check_creditable(InvoiceKind::Invoice, InvoiceStatus::Issued, false), Ok(()));
    assert_eq!(check_creditable(InvoiceKind::Invoice, InvoiceStatus::Issued, true), Err(Refusal::AlreadyCredited));
    assert_eq!(check_creditable(InvoiceKind::Invoice, InvoiceStatus::Draft, false), Err(Refusal::NotCreditable));
    assert_eq!(check_creditable(InvoiceKind::Quote, InvoiceStatus::Issued, false), Err(Refusal::NotCreditable));
    assert_eq!(check_creditable(InvoiceKind::CreditNote, InvoiceStatus::Issued, false), Err(Refusal::NotCreditable));
}

#[test]
fn a_credit_note_voids_its_invoice_when_it_covers_the_rest() {
    assert_eq!(credit_outcome(dec!(100), dec!(100), "2026-0001"), Ok(CreditOutcome::Full));
    assert_eq!(credit_outcome(dec!(40), dec!(100), "2026-0001"), Ok(CreditOutcome::Partial));
    assert_eq!(
        credit_outcome(dec!(100.01), dec!(100), "2026-0001").unwrap_err().to_string(),
        "This credit note (100.01) is more than what is left to credit on invoice 2026-0001 (100)."
    );
}

#[test]
fn payments_follow_the_currency_and_the_open_amount() {
    let (kind, issued) = (InvoiceKind::Invoice, InvoiceStatus::Issued);
    assert_eq!(check_payment(kind, issued, false, Currency::EUR, dec!(10.50), dec!(10.50)), Ok(()));
    assert_eq!(
        check_payment(kind, issued, false, Currency::ISK, dec!(10.5), dec!(100)).unwrap_err().to_string(),
        "Amount: ISK amounts have at most 0 decimal places."
    );
    assert_eq!(
        check_payment(kind, issued, false, Currency::EUR, dec!(11), dec!(10.5)).unwrap_err().to_string(),
        "Amount: only 10.50 EUR is still open on this invoice; overpayments are not recorded."
    );
    assert_eq!(check_payment(kind, issued, true, Currency::EUR, dec!(1), dec!(10)), Err(Refusal::NotPayable));
    assert_eq!(
        check_payment(InvoiceKind::Quote, issued, false, Currency::EUR, dec!(1), dec!(10)),
        Err(Refusal::NotPayable)
    );
    // Trailing zeros are not decimals: 10.00 ISK is ten krónur.
    assert_eq!(check_payment(kind, issued, false, Currency::ISK, dec!(10.00), dec!(100)), Ok(()));
}

#[test]
fn a_quote_becomes_an_invoice_once() {
    assert_eq!(check_convertible(InvoiceKind::Quote, InvoiceStatus::Issued, None), Ok(()));
    assert_eq!(
        check_convertible(InvoiceKind::Quote, InvoiceStatus::Issued, Some("x")).unwrap_err().to_string(),
        "This quote was already turned into an invoice (x)."
    );
    assert_eq!(check_convertible(InvoiceKind::Quote, InvoiceStatus::Draft, None), Err(Refusal::NotAnIssuedQuote));
    assert_eq!(check_convertible(InvoiceKind::Invoice, InvoiceStatus::Issued, None), Err(Refusal::NotAnIssuedQuote));
}

#[test]
fn repeating_needs_an_issued_invoice_and_a_sensible_interval() {
    assert_eq!(check_repeatable(InvoiceKind::Invoice, true, 1), Ok(()));
    assert_eq!(check_repeatable(InvoiceKind::Invoice, true, 24), Ok(()));
    assert_eq!(check_repeatable(InvoiceKind::Invoice, true, 0), Err(Refusal::RepeatInterval));
    assert_eq!(check_repeatable(InvoiceKind::Invoice, true, 25), Err(Refusal::RepeatInterval));
    assert_eq!(check_repeatable(InvoiceKind::Invoice, false, 1), Err(Refusal::NotRepeatable));
    assert_eq!(check_repeatable(InvoiceKind::Quote, true, 1), Err(Refusal::NotRepeatable));
}

#[test]
fn refusals_say_whether_the_state_or_the_input_is_in_the_way() {
    assert!(Refusal::AlreadyIssued.is_conflict());
    assert!(Refusal::AlreadyConverted("2026-0001".into()).is_conflict());
    assert!(!Refusal::NoLines.is_conflict());
    assert!(!Refusal::Overpayment { open: dec!(1), currency: Currency::EUR }.is_conflict());
    assert!(!Refusal::RepeatInterval.is_conflict());
}

proptest! {
    /// Whatever the state, only an issued invoice that is not voided takes a
    /// payment, and never more than is open.
    #[test]
    fn a_payment_never_exceeds_what_is_open(
        kind in kinds(), status in statuses(), voided in any::<bool>(), amount in amounts(), open in amounts()
    ) {
        if check_payment(kind, status, voided, Currency::EUR, amount, open).is_ok() {
            prop_assert_eq!(kind, InvoiceKind::Invoice);
            prop_assert_eq!(status, InvoiceStatus::Issued);
            prop_assert!(!voided);
            prop_assert!(amount <= open);
            prop_assert!(amount.normalize().scale() <= 2);
        }
    }

    /// Paying exactly what is open always succeeds on a payable invoice and leaves
    /// nothing open.
    #[test]
    fn paying_the_rest_closes_the_balance(payable in amounts(), paid_part in 0u32..=100) {
        let payable = payable.round_dp(2);
        let paid = (payable * Decimal::from(paid_part) / Decimal::from(100)).round_dp(2).min(payable);
        let balance = Balance { payable, paid, credited: Decimal::ZERO };
        let rest = balance.open();
        prop_assert!(check_payment(InvoiceKind::Invoice, InvoiceStatus::Issued, false, Currency::EUR, rest, rest).is_ok());
        prop_assert_eq!(Balance { paid: paid + rest, ..balance }.open(), Decimal::ZERO);
    }

    /// Credit notes never credit more than the invoice had left, and the one that
    /// takes the rest voids it.
    #[test]
    fn credits_never_exceed_the_invoice(credit in amounts(), left in amounts()) {
        match credit_outcome(credit, left, "1") {
            Ok(CreditOutcome::Full) => prop_assert_eq!(credit, left),
            Ok(CreditOutcome::Partial) => prop_assert!(credit < left),
            Err(refusal) => {
                prop_assert!(credit > left);
                prop_assert!(!refusal.is_conflict());
            }
        }
    }

    /// Nothing issued can be edited or issued again.
    #[test]
    fn issued_documents_are_final(lines in 0usize..10) {
        prop_assert_eq!(check_issuable(InvoiceStatus::Issued, lines), Err(Refusal::AlreadyIssued));
        prop_assert_eq!(check_editable(InvoiceStatus::Issued), Err(Refusal::AlreadyIssued));
    }
}

/// The `n`th of December 2026.
fn dec_(n: u8) -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::December, n).expect("a December day")
}

fn plus_14(d: time::Date) -> time::Date {
    d + time::Duration::days(14)
}

#[test]
fn issue_dates_default_to_today_and_the_terms() {
    assert_eq!(issue_dates(None, None, dec_(10), Some(dec_(8)), plus_14), Ok((dec_(10), dec_(24))));
    assert_eq!(issue_dates(Some(dec_(9)), Some(dec_(9)), dec_(10), Some(dec_(9)), plus_14), Ok((dec_(9), dec_(9))));
}

#[test]
fn issue_dates_keep_the_series_in_date_order() {
    assert_eq!(
        issue_dates(Some(dec_(7)), None, dec_(10), Some(dec_(8)), plus_14),
        Err(Refusal::IssueDateBeforeSeries(dec_(8)))
    );
    assert_eq!(issue_dates(Some(dec_(11)), None, dec_(10), None, plus_14), Err(Refusal::IssueDateInFuture));
    assert_eq!(issue_dates(None, Some(dec_(9)), dec_(10), None, plus_14), Err(Refusal::DueBeforeIssue));
}
