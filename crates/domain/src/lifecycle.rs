//! The invoice lifecycle: what a document is (invoice, credit note, quote), where it
//! stands (draft or issued, possibly voided by credit notes), and the decisions that
//! move it on: edit, issue, credit, record a payment, turn a quote into an invoice,
//! repeat it.
//!
//! Every decision is a pure function of the document's state, so the rules are stated
//! once and tested here; the server's application layer loads the state, asks, and
//! writes the outcome. A refusal's text is the sentence shown to the person (English;
//! the server passes it on as it is).

use std::fmt;

use rust_decimal::Decimal;

use crate::{Currency, DocumentKind, PriceEntry, money::round_to_currency};

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
    Quote,
}

/// A stored value that names no kind, status or price entry we know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a known {what}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
}

impl InvoiceKind {
    pub const ALL: [InvoiceKind; 3] = [InvoiceKind::Invoice, InvoiceKind::CreditNote, InvoiceKind::Quote];

    /// The stored and API name: `invoice`, `credit_note`, `quote`.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "invoice",
            InvoiceKind::CreditNote => "credit_note",
            InvoiceKind::Quote => "quote",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownValue> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
            .ok_or_else(|| UnknownValue { what: "document kind", value: value.to_owned() })
    }

    /// How the totals are signed and labelled: a quote adds up like an invoice.
    pub fn totals_kind(self) -> DocumentKind {
        match self {
            InvoiceKind::CreditNote => DocumentKind::CreditNote,
            InvoiceKind::Invoice | InvoiceKind::Quote => DocumentKind::Invoice,
        }
    }
}

impl fmt::Display for InvoiceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a document stands. An issued document never changes again; "paid",
/// "overdue" and "voided" are read from its payments, dates and credit notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    Draft,
    Issued,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Issued => "issued",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownValue> {
        match value {
            "draft" => Ok(InvoiceStatus::Draft),
            "issued" => Ok(InvoiceStatus::Issued),
            _ => Err(UnknownValue { what: "document status", value: value.to_owned() }),
        }
    }
}

impl fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PriceEntry {
    /// The stored and API name: `net` or `gross`.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceEntry::Net => "net",
            PriceEntry::Gross => "gross",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownValue> {
        match value {
            "net" => Ok(PriceEntry::Net),
            "gross" => Ok(PriceEntry::Gross),
            _ => Err(UnknownValue { what: "price entry", value: value.to_owned() }),
        }
    }
}

/// What an issued invoice has received: its payable amount less payments and issued
/// credit notes is what is still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balance {
    pub payable: Decimal,
    pub paid: Decimal,
    pub credited: Decimal,
}

impl Balance {
    /// What is still to be paid (never rounded; may be negative only if data was
    /// written outside these rules).
    pub fn open(&self) -> Decimal {
        self.payable - self.paid - self.credited
    }
}

/// Why a step is not allowed now. `Display` is the sentence shown to the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("This document is already issued.")]
    AlreadyIssued,
    #[error("Add at least one line before issuing.")]
    NoLines,
    #[error("Only issued invoices can be credited.")]
    NotCreditable,
    #[error("This invoice is already fully credited.")]
    AlreadyCredited,
    #[error("This credit note ({credit}) is more than what is left to credit on invoice {number} ({left}).")]
    CreditExceeds { credit: Decimal, number: String, left: Decimal },
    #[error("Payments can be recorded only on issued, not credited invoices.")]
    NotPayable,
    #[error("Amount: {currency} amounts have at most {places} decimal places.")]
    TooManyDecimals { currency: Currency, places: u32 },
    #[error("Amount: only {open} {currency} is still open on this invoice; overpayments are not recorded.")]
    Overpayment { open: Decimal, currency: Currency },
    #[error("Only issued quotes can be turned into invoices.")]
    NotAnIssuedQuote,
    #[error("This quote was already turned into an invoice ({0}).")]
    AlreadyConverted(String),
    #[error("Only issued invoices can be repeated.")]
    NotRepeatable,
    #[error("Repeat every 1 to 24 months.")]
    RepeatInterval,
    #[error("The issue date cannot be in the future.")]
    IssueDateInFuture,
    #[error("The issue date cannot be before {0}, the date of the last issued document in this series.")]
    IssueDateBeforeSeries(time::Date),
    #[error("The due date cannot be before the issue date.")]
    DueBeforeIssue,
}

impl Refusal {
    /// True when the document's state is in the way (a conflict); false when what was
    /// typed is wrong (the input should be corrected).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            Refusal::AlreadyIssued
                | Refusal::NotCreditable
                | Refusal::AlreadyCredited
                | Refusal::NotPayable
                | Refusal::NotAnIssuedQuote
                | Refusal::AlreadyConverted(_)
                | Refusal::NotRepeatable
        )
    }
}

/// A draft may be edited (or deleted); an issued document may not.
pub fn check_editable(status: InvoiceStatus) -> Result<(), Refusal> {
    match status {
        InvoiceStatus::Draft => Ok(()),
        InvoiceStatus::Issued => Err(Refusal::AlreadyIssued),
    }
}

/// A draft with at least one line may be issued.
/// The dates a document is issued with: the issue date set on the draft (or today),
/// neither in the future nor before the newest issued document of its series (so the
/// numbers stay in date order); the due date set (or the issue date plus `terms_days`),
/// not before the issue date.
pub fn issue_dates(
    set_issue: Option<time::Date>,
    set_due: Option<time::Date>,
    today: time::Date,
    newest_in_series: Option<time::Date>,
    due_from_terms: impl FnOnce(time::Date) -> time::Date,
) -> Result<(time::Date, time::Date), Refusal> {
    let issue = set_issue.unwrap_or(today);
    if issue > today {
        return Err(Refusal::IssueDateInFuture);
    }
    if let Some(newest) = newest_in_series
        && issue < newest
    {
        return Err(Refusal::IssueDateBeforeSeries(newest));
    }
    let due = set_due.unwrap_or_else(|| due_from_terms(issue));
    if due < issue {
        return Err(Refusal::DueBeforeIssue);
    }
    Ok((issue, due))
}

pub fn check_issuable(status: InvoiceStatus, line_count: usize) -> Result<(), Refusal> {
    check_editable(status)?;
    if line_count == 0 { Err(Refusal::NoLines) } else { Ok(()) }
}

/// Only an issued invoice that is not already fully credited may get a credit note.
pub fn check_creditable(kind: InvoiceKind, status: InvoiceStatus, voided: bool) -> Result<(), Refusal> {
    if kind != InvoiceKind::Invoice || status != InvoiceStatus::Issued {
        return Err(Refusal::NotCreditable);
    }
    if voided { Err(Refusal::AlreadyCredited) } else { Ok(()) }
}

/// What issuing a credit note does to its invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditOutcome {
    /// Something is left to credit (or to pay) on the invoice.
    Partial,
    /// The credit note covers the rest: the invoice is voided.
    Full,
}

/// A credit note may credit at most what is left to credit on its invoice.
pub fn credit_outcome(credit: Decimal, left_to_credit: Decimal, number: &str) -> Result<CreditOutcome, Refusal> {
    if credit > left_to_credit {
        Err(Refusal::CreditExceeds { credit, number: number.to_owned(), left: left_to_credit })
    } else if credit == left_to_credit {
        Ok(CreditOutcome::Full)
    } else {
        Ok(CreditOutcome::Partial)
    }
}

/// A payment may be recorded on an issued, not voided invoice, in the currency's
/// minor unit, up to what is still open (an overpayment is refunded outside
/// FastFaktura, so a balance never goes below zero).
pub fn check_payment(
    kind: InvoiceKind,
    status: InvoiceStatus,
    voided: bool,
    currency: Currency,
    amount: Decimal,
    open: Decimal,
) -> Result<(), Refusal> {
    if kind != InvoiceKind::Invoice || status != InvoiceStatus::Issued || voided {
        return Err(Refusal::NotPayable);
    }
    if amount.normalize().scale() > currency.minor_units() {
        return Err(Refusal::TooManyDecimals { currency, places: currency.minor_units() });
    }
    if amount > open {
        return Err(Refusal::Overpayment { open: round_to_currency(open, currency), currency });
    }
    Ok(())
}

/// An issued quote may become a draft invoice, once (`converted_into` is the number or
/// id of the invoice it already became).
pub fn check_convertible(
    kind: InvoiceKind,
    status: InvoiceStatus,
    converted_into: Option<&str>,
) -> Result<(), Refusal> {
    if kind != InvoiceKind::Quote || status != InvoiceStatus::Issued {
        return Err(Refusal::NotAnIssuedQuote);
    }
    match converted_into {
        Some(existing) => Err(Refusal::AlreadyConverted(existing.to_owned())),
        None => Ok(()),
    }
}

/// An issued invoice may be repeated every 1 to 24 months.
pub fn check_repeatable(kind: InvoiceKind, issued: bool, every_months: i32) -> Result<(), Refusal> {
    if !(1..=24).contains(&every_months) {
        return Err(Refusal::RepeatInterval);
    }
    if kind != InvoiceKind::Invoice || !issued { Err(Refusal::NotRepeatable) } else { Ok(()) }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
