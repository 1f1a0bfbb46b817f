//! The domain's typed refusals and calculation errors worded in the reader's language,
//! and placed where they belong: a state conflict for the page as a whole, a mistake at
//! the field (or the line's cell) that has to change. The domain keeps its English
//! `Display` for logs; people read these catalogue messages.

use fastfaktura_domain::{CalcError, LineField, LineProblem, lifecycle::Refusal, vat::VatError};

use super::super::Error;
use crate::i18n::{ArgValue, Text, key};

/// A lifecycle refusal as the operation's error: a state conflict (409), or a mistake
/// reported at `field` (shown at the form, 422 in the API).
pub(super) fn refused(refusal: Refusal, field: &str) -> Error {
    if refusal.is_conflict() {
        Error::Conflict(refusal_text(&refusal))
    } else {
        Error::field(field, refusal_text(&refusal))
    }
}

/// A refusal in the reader's language, with amounts and dates in their conventions.
pub fn refusal_text(refusal: &Refusal) -> Text {
    match refusal {
        Refusal::AlreadyIssued => Text::key(key("refusal-already-issued")),
        Refusal::NoLines => Text::key(key("refusal-no-lines")),
        Refusal::NotCreditable => Text::key(key("refusal-not-creditable")),
        Refusal::AlreadyCredited => Text::key(key("refusal-already-credited")),
        Refusal::CreditExceeds { credit, number, left } => Text::key(key("refusal-credit-exceeds"))
            .with("credit", ArgValue::Number(*credit))
            .with("number", number.clone())
            .with("left", ArgValue::Number(*left)),
        Refusal::NotPayable => Text::key(key("refusal-not-payable")),
        Refusal::TooManyDecimals { currency, places } => Text::key(key("refusal-amount-decimals"))
            .with("currency", currency.code())
            .with("places", i64::from(*places)),
        Refusal::Overpayment { open, currency } => {
            Text::key(key("refusal-overpayment")).with("open", ArgValue::Money(*open, *currency))
        }
        Refusal::NotAnIssuedQuote => Text::key(key("refusal-not-an-issued-quote")),
        Refusal::AlreadyConverted(number) => Text::key(key("refusal-already-converted")).with("number", number.clone()),
        Refusal::NotRepeatable => Text::key(key("refusal-not-repeatable")),
        Refusal::RepeatInterval => Text::key(key("refusal-repeat-interval")),
        Refusal::IssueDateInFuture => Text::key(key("refusal-issue-date-future")),
        Refusal::IssueDateBeforeSeries(newest) => {
            Text::key(key("refusal-issue-date-before-series")).with("date", ArgValue::Date(*newest))
        }
        Refusal::DueBeforeIssue => Text::key(key("refusal-due-before-issue")),
    }
}

/// A calculation error at the cell it is about (`lines[0][unit_price]`: the API calls
/// it `lines[0].unit_price`), worded "Line 1: unit price is too large (…)".
pub(super) fn calculation_refused(error: &CalcError) -> Error {
    match error {
        CalcError::Line { line, field, problem } => {
            let (input, label) = match (field, problem) {
                (LineField::Quantity, _) => ("quantity", key("line-quantity")),
                (LineField::UnitPrice, _) => ("unit_price", key("line-unit-price")),
                // quantity × price: shown at the price, named as the amount.
                (LineField::Amount, _) => ("unit_price", key("line-amount")),
                (LineField::Discount, _) => ("discount_percent", key("line-discount")),
                (LineField::Vat, LineProblem::Vat(VatError::ReasonRequired)) => {
                    ("exemption_reason", key("line-exemption-reason"))
                }
                (LineField::Vat, _) => ("vat_rate", key("line-vat-rate")),
            };
            let label = Text::key(key("line-field")).with("n", *line as i64).with("field", Text::key(label));
            let text = Text::key(key("field-error")).with("label", label).with("message", problem_text(problem));
            Error::field(&format!("lines[{}][{input}]", line.saturating_sub(1)), text)
        }
        CalcError::DocumentDiscount(problem) => {
            let text = Text::key(key("field-error"))
                .with("label", Text::key(key("label-invoice-discount-percent")))
                .with("message", problem_text(problem));
            Error::field("discount_percent", text)
        }
        CalcError::TooLarge => Error::field("lines", Text::key(key("calc-total-too-large"))),
    }
}

fn problem_text(problem: &LineProblem) -> Text {
    match problem {
        LineProblem::TooLarge(_) => Text::key(key("form-too-large")),
        LineProblem::TooManyDecimals(max) => Text::key(key("form-decimals")).with("max", i64::from(*max)),
        LineProblem::NegativeOnInvoice => Text::key(key("line-not-negative-on-invoice")),
        LineProblem::Negative => Text::key(key("form-not-negative")),
        LineProblem::Percent => Text::key(key("form-percent-range")),
        LineProblem::Vat(error) => vat_error_text(error),
    }
}

/// What is wrong with a line's VAT, in the reader's language.
pub fn vat_error_text(error: &VatError) -> Text {
    match error {
        VatError::UnknownCategory(_) => Text::key(key("vat-error-unknown-category")),
        VatError::StandardNeedsRate => Text::key(key("vat-error-standard-needs-rate")),
        VatError::MustBeZero(code) => Text::key(key("vat-error-must-be-zero")).with("category", *code),
        VatError::BadRate => Text::key(key("vat-error-bad-rate")),
        VatError::ReasonRequired => Text::key(key("vat-error-reason-required")),
    }
}
