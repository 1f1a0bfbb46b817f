//! Invoice operations that span several rows: computing a document's totals from its
//! stored lines, issuing with a gap-free number, credit notes and payments.
//!
//! Amounts always come from `fastfaktura_domain::compute`, the single calculation that
//! the screen, the API and (later) the PDF, the e-invoice and the payment link use.

pub mod customer_links;
pub mod delivery;
pub mod delivery_sms;
pub mod documents;
pub mod recurring_send;
pub mod reminders;

use fastfaktura_domain::{
    Currency, Decimal, DocumentInput, DocumentKind, LineInput, PriceEntry, Totals, VatCategory, compute,
    money::round_to_currency,
};
use time::Duration;
use uuid::Uuid;

use crate::{
    db::{
        self,
        invoices::{Invoice, Issued, Line, Payment},
    },
    jobs::worker::WorkerContext,
    state::AppState,
};

#[derive(Debug, thiserror::Error)]
pub enum InvoicingError {
    #[error("not found")]
    NotFound,
    /// A user mistake, with the sentence to show.
    #[error("{0}")]
    Invalid(String),
    /// The business or customer profile lacks what a legal invoice needs (the sentence
    /// lists every gap).
    #[error("{0}")]
    Incomplete(String),
    /// The document's state does not allow this (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The domain's view of a stored invoice.
pub fn document_input(invoice: &Invoice, lines: &[Line]) -> Result<DocumentInput, InvoicingError> {
    let currency = Currency::parse(&invoice.currency).map_err(|e| InvoicingError::Invalid(e.to_string()))?;
    let lines = lines
        .iter()
        .map(|l| {
            Ok(LineInput {
                quantity: l.quantity,
                unit_price: l.unit_price,
                discount_percent: l.discount_percent,
                vat_category: VatCategory::parse(&l.vat_category)
                    .map_err(|e| InvoicingError::Invalid(e.to_string()))?,
                vat_rate: l.vat_rate,
                exemption_reason: Some(l.exemption_reason.clone()).filter(|r| !r.trim().is_empty()),
            })
        })
        .collect::<Result<Vec<_>, InvoicingError>>()?;
    Ok(DocumentInput {
        kind: if invoice.kind == "credit_note" { DocumentKind::CreditNote } else { DocumentKind::Invoice },
        currency,
        price_entry: if invoice.price_entry == "gross" { PriceEntry::Gross } else { PriceEntry::Net },
        lines,
        discount_percent: invoice.discount_percent,
    })
}

pub fn totals(invoice: &Invoice, lines: &[Line]) -> Result<Totals, InvoicingError> {
    compute(&document_input(invoice, lines)?).map_err(|e| InvoicingError::Invalid(e.to_string()))
}

/// Issues a draft: validates it, computes its totals, takes the next number of its
/// series and fixes the amounts, all in one transaction. Issuing a credit note that
/// covers the rest of its invoice voids that invoice.
pub async fn issue(state: &AppState, business_id: Uuid, id: Uuid) -> Result<String, InvoicingError> {
    issue_at(&state.db, state.clock.now(), business_id, id).await
}

/// [`issue`] with the pool and time given (for the demo seeder and benchmarks).
pub async fn issue_at(
    db: &sqlx::PgPool,
    now: time::OffsetDateTime,
    business_id: Uuid,
    id: Uuid,
) -> Result<String, InvoicingError> {
    let mut tx = db.begin().await?;
    let number = issue_in(&mut tx, now, business_id, id).await?;
    tx.commit().await?;
    tracing::info!(%business_id, invoice_id = %id, number = %number, "document issued");
    Ok(number)
}

/// [`issue`] inside the caller's transaction (a recurring invoice issued and sent in
/// one); returns the number.
pub async fn issue_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    now: time::OffsetDateTime,
    business_id: Uuid,
    id: Uuid,
) -> Result<String, InvoicingError> {
    let invoice = db::invoices::find_for_update(tx, business_id, id).await?.ok_or(InvoicingError::NotFound)?;
    if invoice.status != "draft" {
        return Err(InvoicingError::Conflict("This document is already issued.".into()));
    }
    let lines = db::invoices::lines(&mut **tx, business_id, id).await?;
    if lines.is_empty() {
        return Err(InvoicingError::Invalid("Add at least one line before issuing.".into()));
    }
    let totals = totals(&invoice, &lines)?;
    let profile = db::businesses::profile(&mut **tx, business_id).await?;
    let today = now.date();
    let due_date = today + Duration::days(i64::from(profile.payment_terms_days));
    if invoice.kind != "quote" {
        let sources = documents::load(tx, business_id, invoice.clone()).await?;
        let problems = documents::problems_for_issue(&sources, today, due_date)?;
        if !problems.is_empty() {
            return Err(InvoicingError::Incomplete(documents::explain(&problems)));
        }
    }
    if let Some(original_id) = invoice.credited_invoice_id {
        let original =
            db::invoices::find_for_update(tx, business_id, original_id).await?.ok_or(InvoicingError::NotFound)?;
        let original_payable = original.payable.unwrap_or_default();
        let credited = db::invoices::credited_total(&mut **tx, business_id, original_id).await?;
        let left = original_payable - credited;
        if totals.payable > left {
            return Err(InvoicingError::Invalid(format!(
                "This credit note ({}) is more than what is left to credit on invoice {} ({}).",
                totals.payable,
                original.number.unwrap_or_default(),
                left
            )));
        }
        if totals.payable == left {
            db::invoices::mark_voided(tx, business_id, original_id, now).await?;
        }
    }
    let number = db::invoices::take_number(tx, business_id, &invoice.kind, today.year()).await?;
    db::invoices::mark_issued(
        tx,
        business_id,
        id,
        Issued {
            number: &number,
            issue_date: today,
            due_date,
            tax_exclusive: totals.tax_exclusive,
            vat_total: totals.vat_total,
            payable: totals.payable,
        },
        now,
    )
    .await?;
    Ok(number.text)
}

/// Starts a credit note for an issued invoice, with the invoice's lines copied (edit
/// them for a partial credit). Returns the draft's id.
pub async fn start_credit_note(state: &AppState, business_id: Uuid, invoice_id: Uuid) -> Result<Uuid, InvoicingError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let original =
        db::invoices::find_for_update(&mut tx, business_id, invoice_id).await?.ok_or(InvoicingError::NotFound)?;
    if original.kind != "invoice" || original.status != "issued" {
        return Err(InvoicingError::Conflict("Only issued invoices can be credited.".into()));
    }
    if original.voided {
        return Err(InvoicingError::Conflict("This invoice is already fully credited.".into()));
    }
    let note = format!("Credit note for invoice {}", original.number.clone().unwrap_or_default());
    let draft =
        db::invoices::copy_as_draft(&mut tx, business_id, &original, "credit_note", Some(invoice_id), &note, now)
            .await?;
    tx.commit().await?;
    Ok(draft)
}

/// What is still to be paid on an issued invoice: payable − `paid` (the payments the
/// caller has already loaded) − issued credit notes.
pub async fn outstanding(
    state: &AppState,
    business_id: Uuid,
    invoice: &Invoice,
    paid: Decimal,
) -> Result<Decimal, InvoicingError> {
    let credited = db::invoices::credited_total(&state.db, business_id, invoice.id).await?;
    Ok(invoice.payable.unwrap_or_default() - paid - credited)
}

/// Records a manual payment. Overpayment is refused (the user records what is due;
/// a real overpayment is refunded outside FastFaktura), so an invoice's balance never
/// goes below zero.
pub async fn record_payment(
    state: &AppState,
    business_id: Uuid,
    invoice_id: Uuid,
    payment: Payment,
) -> Result<(), InvoicingError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let invoice =
        db::invoices::find_for_update(&mut tx, business_id, invoice_id).await?.ok_or(InvoicingError::NotFound)?;
    if invoice.kind != "invoice" || invoice.status != "issued" || invoice.voided {
        return Err(InvoicingError::Conflict("Payments can be recorded only on issued, not credited invoices.".into()));
    }
    let currency = Currency::parse(&invoice.currency).map_err(|e| InvoicingError::Invalid(e.to_string()))?;
    if payment.amount.normalize().scale() > currency.minor_units() {
        return Err(InvoicingError::Invalid(format!(
            "Amount: {} amounts have at most {} decimal places.",
            currency.code(),
            currency.minor_units()
        )));
    }
    let paid: Decimal = db::invoices::payments(&mut *tx, business_id, invoice_id).await?.iter().map(|p| p.amount).sum();
    let credited = db::invoices::credited_total(&mut *tx, business_id, invoice_id).await?;
    let left = invoice.payable.unwrap_or_default() - paid - credited;
    if payment.amount > left {
        return Err(InvoicingError::Invalid(format!(
            "Amount: only {} {} is still open on this invoice; overpayments are not recorded.",
            round_to_currency(left, currency),
            currency.code()
        )));
    }
    db::invoices::record_payment(&mut tx, business_id, invoice_id, &payment, now).await?;
    let event = crate::audit::AuditEvent::new(now, crate::audit::Category::Payment, "payment.recorded")
        .business(business_id)
        .target(invoice_id.to_string())
        .details(serde_json::json!({
            "amount": payment.amount.to_string(),
            "currency": currency.code(),
            "method": payment.method,
            "paid_on": payment.paid_on.to_string(),
        }));
    crate::audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %invoice_id, "payment recorded");
    Ok(())
}

/// Turns an issued quote into a draft invoice with the same customer and lines (once).
pub async fn convert_quote(state: &AppState, business_id: Uuid, quote_id: Uuid) -> Result<Uuid, InvoicingError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let quote = db::invoices::find_for_update(&mut tx, business_id, quote_id).await?.ok_or(InvoicingError::NotFound)?;
    if quote.kind != "quote" || quote.status != "issued" {
        return Err(InvoicingError::Conflict("Only issued quotes can be turned into invoices.".into()));
    }
    if let Some(existing) = db::invoices::converted_from(&mut *tx, business_id, quote_id).await? {
        return Err(InvoicingError::Conflict(format!("This quote was already turned into an invoice ({existing}).")));
    }
    let draft = db::invoices::copy_as_draft(&mut tx, business_id, &quote, "invoice", None, &quote.note, now).await?;
    db::invoices::set_source_quote(&mut tx, business_id, draft, quote_id).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %quote_id, invoice_id = %draft, "quote turned into a draft invoice");
    Ok(draft)
}

/// `date` plus `months`, on the same day of the month or the month's last day.
pub fn add_months(date: time::Date, months: i32) -> time::Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = time::Month::try_from(month0 as u8 + 1).unwrap_or(time::Month::January);
    let day = date.day().min(month.length(year));
    time::Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// Repeats an issued invoice every `every_months` months from its issue date.
pub async fn start_recurring(
    state: &AppState,
    business_id: Uuid,
    invoice_id: Uuid,
    every_months: i32,
    auto_send: bool,
) -> Result<(), InvoicingError> {
    if !(1..=24).contains(&every_months) {
        return Err(InvoicingError::Invalid("Repeat every 1 to 24 months.".into()));
    }
    let invoice = db::invoices::find(&state.db, business_id, invoice_id).await?.ok_or(InvoicingError::NotFound)?;
    let Some(issued_on) = invoice.issue_date.filter(|_| invoice.kind == "invoice") else {
        return Err(InvoicingError::Conflict("Only issued invoices can be repeated.".into()));
    };
    let mut next = add_months(issued_on, every_months);
    let today = state.clock.now().date();
    while next <= today {
        next = add_months(next, every_months);
    }
    db::recurring::create(&state.db, business_id, invoice_id, every_months, next, auto_send, state.clock.now()).await?;
    Ok(())
}

/// Creates the drafts of every recurring template due by `now` (each once per
/// period); returns how many. Several workers may run it: due templates are claimed
/// with SKIP LOCKED. A template set to send automatically has its invoice issued and
/// queued for email in the same transaction (`recurring_send`).
pub async fn create_due_recurring(ctx: &WorkerContext, now: time::OffsetDateTime) -> Result<usize, InvoicingError> {
    let mut tx = ctx.db.begin().await?;
    let due = db::recurring::claim_due(&mut tx, now.date(), 100).await?;
    for template in &due {
        let Some(source) = db::invoices::find(&mut *tx, template.business_id, template.source_invoice_id).await? else {
            continue;
        };
        let draft =
            db::invoices::copy_as_draft(&mut tx, template.business_id, &source, "invoice", None, &source.note, now)
                .await?;
        db::recurring::advance(
            &mut tx,
            template.business_id,
            template.id,
            add_months(template.next_run_on, template.every_months),
        )
        .await?;
        tracing::info!(business_id = %template.business_id, template_id = %template.id, invoice_id = %draft, "recurring draft created");
        if template.auto_send {
            recurring_send::issue_and_send(ctx, &mut tx, template.business_id, draft, now).await?;
        }
    }
    tx.commit().await?;
    Ok(due.len())
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
