//! Issuing a draft: its checks, its dates (set on the draft or today and from the
//! terms, in date order within the series), its totals fixed, the next number of its
//! series taken in the same transaction (gap-free), the document frozen as a record
//! with its files, and the credited invoice voided when a credit note covers the rest.

use fastfaktura_domain::{
    lifecycle::{self, CreditOutcome, InvoiceKind},
    webhooks::EventType,
};
use time::Duration;
use uuid::Uuid;

use super::{refused, totals};
use crate::{
    app::{Caller, Error},
    db::{self, invoices::Issued},
    invoicing::{documents, payee},
    state::AppState,
};

/// Issues a draft; returns its number.
pub async fn issue_invoice(state: &AppState, caller: &Caller, id: Uuid) -> Result<String, Error> {
    issue_at(&state.db, state.clock.now(), caller.business_id, id).await
}

/// [`issue_invoice`] with the pool and time given (the demo seeder and benchmarks).
pub async fn issue_at(
    db: &sqlx::PgPool,
    now: time::OffsetDateTime,
    business_id: Uuid,
    id: Uuid,
) -> Result<String, Error> {
    let mut tx = db.begin().await?;
    let number = issue_in(&mut tx, now, business_id, id).await?;
    tx.commit().await?;
    tracing::info!(%business_id, invoice_id = %id, number = %number, "document issued");
    Ok(number)
}

/// [`issue_invoice`] inside the caller's transaction (a recurring invoice issued and
/// sent in one); returns the number.
pub async fn issue_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    now: time::OffsetDateTime,
    business_id: Uuid,
    id: Uuid,
) -> Result<String, Error> {
    let invoice = db::invoices::find_for_update(tx, business_id, id).await?.ok_or(Error::NotFound)?;
    // Everything the document is made of, read once: the checks below and the record
    // frozen at the end (`documents::freeze_at_issue`) use the same reading.
    let sources = documents::load(tx, business_id, invoice.clone()).await?;
    lifecycle::check_issuable(invoice.status, sources.lines.len()).map_err(|r| refused(r, "lines"))?;
    let totals = totals(&invoice, &sources.lines)?;
    let profile = &sources.profile;
    let (issue_date, due_date) =
        issue_dates(tx, business_id, &invoice, profile.payment_terms_days, now.date()).await?.map_err(|r| {
            let field = if r == lifecycle::Refusal::DueBeforeIssue { "due_date" } else { "issue_date" };
            refused(r, field)
        })?;
    let problems = documents::problems_for_issue(&sources, issue_date, due_date)?;
    if !problems.is_empty() {
        return Err(Error::Unprocessable(documents::explain(&problems)));
    }
    if let Some(original_id) = invoice.credited_invoice_id {
        let original = db::invoices::find_for_update(tx, business_id, original_id).await?.ok_or(Error::NotFound)?;
        let credited = db::invoices::credited_total(&mut **tx, business_id, original_id).await?;
        let left = original.payable.unwrap_or_default() - credited;
        let number = original.number.unwrap_or_default();
        let outcome = lifecycle::credit_outcome(totals.payable, left, &number).map_err(|r| refused(r, "lines"))?;
        if outcome == CreditOutcome::Full {
            db::invoices::mark_voided(tx, business_id, original_id, now).await?;
        }
    }
    let number = db::invoices::take_number(tx, business_id, invoice.kind, issue_date.year()).await?;
    let payment_reference = match invoice.kind {
        InvoiceKind::Invoice => {
            Some(payee::reference_at_issue(profile, issue_date.year(), number.seq, &number.text).map_err(|e| {
                Error::Unprocessable(format!("The payment reference could not be made: it {e}.").into())
            })?)
        }
        InvoiceKind::CreditNote | InvoiceKind::Quote => None,
    };
    db::invoices::mark_issued(
        tx,
        business_id,
        id,
        Issued {
            number: &number,
            issue_date,
            due_date,
            tax_exclusive: totals.tax_exclusive,
            vat_total: totals.vat_total,
            payable: totals.payable,
            payment_reference: payment_reference.as_deref(),
        },
        now,
    )
    .await?;
    let claim = crate::app::bank_claims::IssuedForClaim {
        invoice_id: id,
        kind: invoice.kind,
        currency: invoice.currency,
        sequence: number.seq,
        due_date,
        payable: totals.payable,
        payor: &sources.customer.registration_id,
    };
    crate::app::bank_claims::open_at_issue(tx, business_id, profile, &claim, now).await?;
    documents::freeze_at_issue(tx, business_id, sources, now).await?;
    // A credit note lowers what the credited invoice's bank claim asks for.
    if let Some(original_id) = invoice.credited_invoice_id {
        crate::app::bank_claims::follow_invoice(tx, business_id, original_id, now).await?;
    }
    // Integrators hear of it with the commit (webhooks; nothing when nobody listens).
    let (event, object_id, extra) = match invoice.credited_invoice_id {
        Some(original_id) => (
            EventType::InvoiceCredited,
            original_id,
            serde_json::json!({ "credit_note": { "id": id, "number": &number.text, "total": totals.payable.to_string() } }),
        ),
        None if invoice.kind == InvoiceKind::Invoice => (EventType::InvoiceIssued, id, serde_json::json!({})),
        None => return Ok(number.text),
    };
    crate::webhooks::record_invoice_event(tx, business_id, event, object_id, extra, now).await?;
    Ok(number.text)
}

/// How long a quote is valid when no date is set.
const QUOTE_VALID_DAYS: i32 = 30;

/// The dates a draft would be issued with today: the domain's rule over what the draft
/// says, the series' newest issue date and the terms (a quote: valid for 30 days).
pub(super) async fn issue_dates(
    conn: &mut sqlx::PgConnection,
    business_id: Uuid,
    invoice: &crate::db::invoices::Invoice,
    payment_terms_days: i32,
    today: time::Date,
) -> Result<Result<(time::Date, time::Date), lifecycle::Refusal>, Error> {
    let terms_days = if invoice.kind == InvoiceKind::Quote { QUOTE_VALID_DAYS } else { payment_terms_days };
    let newest = db::invoices::newest_issue_date(conn, business_id, invoice.kind).await?;
    Ok(lifecycle::issue_dates(invoice.issue_date, invoice.due_date, today, newest, |d| {
        d + Duration::days(i64::from(terms_days))
    }))
}
