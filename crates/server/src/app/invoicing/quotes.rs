//! Quotes: issued like invoices (their own number series, no e-invoice), and turned
//! into a draft invoice with the same customer and lines, once.

use fastfaktura_domain::lifecycle::{self, InvoiceKind};
use uuid::Uuid;

use super::refused;
use crate::{
    app::{Caller, Error},
    db,
    state::AppState,
};

/// Turns an issued quote into a draft invoice; returns the draft's id.
pub async fn convert_quote(state: &AppState, caller: &Caller, quote_id: Uuid) -> Result<Uuid, Error> {
    let business_id = caller.business_id;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let quote = db::invoices::find_for_update(&mut tx, business_id, quote_id).await?.ok_or(Error::NotFound)?;
    let (kind, status) = (quote.kind, quote.status);
    // The existing invoice is only looked up for a quote that could be converted.
    lifecycle::check_convertible(kind, status, None).map_err(|r| refused(r, "lines"))?;
    let existing = db::invoices::converted_from(&mut *tx, business_id, quote_id).await?.map(|id| id.to_string());
    lifecycle::check_convertible(kind, status, existing.as_deref()).map_err(|r| refused(r, "lines"))?;
    let draft =
        db::invoices::copy_as_draft(&mut tx, business_id, &quote, InvoiceKind::Invoice, None, &quote.note, now).await?;
    db::invoices::set_source_quote(&mut tx, business_id, draft, quote_id).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %quote_id, invoice_id = %draft, "quote turned into a draft invoice");
    Ok(draft)
}
