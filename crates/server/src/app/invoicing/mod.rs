//! Invoicing as the user meets it: drafts, issuing with a gap-free number, credit
//! notes, quotes, payments recorded by hand, recurring invoices, the customer link and
//! sending; and the read models every invoice page and the API show.
//!
//! Each operation owns its transaction, validation and audit event; the lifecycle
//! decisions (what may be issued, credited, paid, converted, repeated) are the domain's
//! (`fastfaktura_domain::lifecycle`), amounts come from `fastfaktura_domain::compute`,
//! the one calculation behind the screen, the API, the PDF and the e-invoice.

pub mod credit;
pub mod draft_dates;
pub mod drafts;
pub mod issue;
pub mod links;
pub mod payments;
pub mod quotes;
pub mod recurring;
pub mod recurring_send;
pub mod refusals;
pub mod review;
pub mod sending;
pub mod views;

use fastfaktura_domain::{DocumentInput, LineInput, Totals, VatCategory, compute};
use refusals::{calculation_refused, refused, vat_error_text};

pub use credit::start_credit_note;
pub use drafts::{DraftInput, LineFields, create_draft, create_draft_with_lines, delete_draft, save_draft};
pub use issue::{issue_at, issue_in, issue_invoice};
pub use payments::{PaymentInput, record_payment};
pub use quotes::convert_quote;
pub use recurring::{create_due_recurring, list_recurring, start_recurring, stop_recurring};

/// The stored rows the pages and the API read; `http/` names them through here.
pub use crate::db::{
    businesses::BusinessProfile,
    customers::Customer,
    deliveries::Delivery,
    invoice_lists::{ListFilter, ListedInvoice, PagedInvoice},
    invoices::{Invoice, Line, RecordedPayment},
    products::Product,
    recurring::Recurring,
};

use super::Error;

/// The domain's view of a stored invoice.
pub fn document_input(invoice: &Invoice, lines: &[Line]) -> Result<DocumentInput, Error> {
    let lines = lines
        .iter()
        .map(|l| {
            Ok(LineInput {
                quantity: l.quantity,
                unit_price: l.unit_price,
                discount_percent: l.discount_percent,
                vat_category: VatCategory::parse(&l.vat_category)
                    .map_err(|e| Error::field("lines", vat_error_text(&e)))?,
                vat_rate: l.vat_rate,
                exemption_reason: Some(l.exemption_reason.clone()).filter(|r| !r.trim().is_empty()),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(DocumentInput {
        kind: invoice.kind.totals_kind(),
        currency: invoice.currency,
        price_entry: invoice.price_entry,
        lines,
        discount_percent: invoice.discount_percent,
    })
}

/// The document's totals from its stored lines (a mistake the calculation finds is
/// reported at the line's cell).
pub fn totals(invoice: &Invoice, lines: &[Line]) -> Result<Totals, Error> {
    compute(&document_input(invoice, lines)?).map_err(|e| calculation_refused(&e))
}

/// `date` plus `months`, on the same day of the month or the month's last day.
pub fn add_months(date: time::Date, months: i32) -> time::Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = time::Month::try_from(month0 as u8 + 1).unwrap_or(time::Month::January);
    let day = date.day().min(month.length(year));
    time::Date::from_calendar_date(year, month, day).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::add_months;
    use time::macros::date;

    #[test]
    fn months_are_added_calendar_wise() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 15), 3), date!(2027 - 02 - 15));
        assert_eq!(add_months(date!(2026 - 12 - 01), 12), date!(2027 - 12 - 01));
    }
}
