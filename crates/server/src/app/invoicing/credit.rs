//! Credit notes: started from an issued invoice with its lines copied (edit them for a
//! partial credit); issuing one that covers the rest voids the invoice (`issue`).

use fastfaktura_domain::lifecycle::{self, InvoiceKind};
use uuid::Uuid;

use super::refused;
use crate::{
    app::{Caller, Error},
    db,
    state::AppState,
};

/// Starts a credit note for an issued invoice; returns the draft's id.
pub async fn start_credit_note(state: &AppState, caller: &Caller, invoice_id: Uuid) -> Result<Uuid, Error> {
    let business_id = caller.business_id;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let original = db::invoices::find_for_update(&mut tx, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    lifecycle::check_creditable(original.kind, original.status, original.voided).map_err(|r| refused(r, "lines"))?;
    let note = format!("Credit note for invoice {}", original.number.clone().unwrap_or_default());
    let draft = db::invoices::copy_as_draft(
        &mut tx,
        business_id,
        &original,
        InvoiceKind::CreditNote,
        Some(invoice_id),
        &note,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(draft)
}
