//! Before a draft is issued: what it will be (its number, dates, customer and total,
//! or what still keeps it from being a legal document) and a preview PDF marked DRAFT;
//! and a new draft made as a copy of any invoice or quote.

use fastfaktura_documents::{DocumentError, InvoiceDocument, render_draft_pdf};
use fastfaktura_domain::{InvoiceKind, Totals};
use time::Date;
use uuid::Uuid;

use super::{drafts::editable_draft, issue::issue_dates, totals};
use crate::{
    app::{Caller, Error},
    db,
    invoicing::documents,
    state::AppState,
};

/// What issuing this draft would make.
pub struct IssueReview {
    pub kind: InvoiceKind,
    pub customer_name: String,
    pub totals: Totals,
    pub currency: fastfaktura_domain::Currency,
    /// The number it will get if nothing else is issued first.
    pub number: String,
    pub issue_date: Date,
    pub due_date: Date,
    /// Why it cannot be issued yet (empty when it can), worded when shown.
    pub problems: Vec<crate::i18n::Text>,
}

pub async fn review_issue(state: &AppState, caller: &Caller, id: Uuid) -> Result<IssueReview, Error> {
    let business_id = caller.business_id;
    let invoice = editable_draft(state, caller, id).await?;
    let mut conn = state.db.acquire().await?;
    let sources = documents::load(&mut conn, business_id, invoice.clone()).await?;
    let totals = totals(&invoice, &sources.lines)?;
    let today = state.clock.now().date();
    let mut problems = Vec::new();
    let terms = sources.profile.payment_terms_days;
    let (issue_date, due_date) = match issue_dates(&mut conn, business_id, &invoice, terms, today).await? {
        Ok(dates) => dates,
        Err(refusal) => {
            problems.push(super::refusals::refusal_text(&refusal));
            (today, invoice.due_date.unwrap_or(today))
        }
    };
    problems.extend(documents::problems_for_issue(&sources, issue_date, due_date)?.iter().map(documents::problem_text));
    let series = db::numbering::list(&state.db, business_id).await?;
    let number = series
        .iter()
        .find(|s| s.kind == invoice.kind)
        .map(|s| db::numbering::preview(s, issue_date.year()))
        .unwrap_or_default();
    Ok(IssueReview {
        kind: invoice.kind,
        customer_name: sources.customer.name.clone(),
        currency: invoice.currency,
        totals,
        number,
        issue_date,
        due_date,
        problems,
    })
}

/// The draft as it would be issued, rendered with DRAFT across every page and its
/// would-be number; what still keeps it from being a legal document is a 422.
pub async fn draft_preview_pdf(state: &AppState, caller: &Caller, id: Uuid) -> Result<Vec<u8>, Error> {
    let review = review_issue(state, caller, id).await?;
    let invoice = editable_draft(state, caller, id).await?;
    let mut conn = state.db.acquire().await?;
    let sources = documents::load(&mut conn, caller.business_id, invoice).await?;
    let data = documents::invoice_data(&sources, &review.number, review.issue_date, review.due_date)?;
    let document = match InvoiceDocument::new(data) {
        Ok(document) => document,
        Err(DocumentError::Incomplete(problems)) => {
            return Err(Error::Unprocessable(documents::explain(&problems)));
        }
    };
    let rendered = tokio::task::spawn_blocking(move || render_draft_pdf(&document))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    Ok(rendered.bytes)
}

/// A new draft with the same customer, currency, prices, discount, note, references
/// and lines as an invoice or quote (issued or not); its dates are left to be set.
pub async fn duplicate_document(state: &AppState, caller: &Caller, id: Uuid) -> Result<Uuid, Error> {
    let business_id = caller.business_id;
    let mut tx = state.db.begin().await?;
    let source = db::invoices::find(&mut *tx, business_id, id).await?.ok_or(Error::NotFound)?;
    if source.kind == InvoiceKind::CreditNote {
        return Err(Error::Conflict(
            "A credit note cannot be copied; credit the invoice again instead.".to_owned().into(),
        ));
    }
    let customer = db::customers::find(&mut *tx, business_id, source.customer_id).await?.ok_or(Error::NotFound)?;
    if customer.archived {
        return Err(Error::Conflict(
            "This customer is archived; restore the customer first or start a new invoice.".to_owned().into(),
        ));
    }
    let now = state.clock.now();
    let copy = db::invoices::copy_as_draft(&mut tx, business_id, &source, source.kind, None, &source.note, now).await?;
    tx.commit().await?;
    tracing::info!(%business_id, source = %id, copy = %copy, "document duplicated as a new draft");
    Ok(copy)
}
