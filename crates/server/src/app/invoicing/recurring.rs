//! Recurring invoices: an issued invoice repeated every 1 to 24 months from its issue
//! date, as a new draft each period (issued and emailed at once when the template says
//! so, `recurring_send`).

use fastfaktura_domain::lifecycle::{self, InvoiceKind};
use uuid::Uuid;

use super::{add_months, recurring_send, refused};
use crate::{
    app::{Caller, Error},
    db::{self, recurring::Recurring},
    jobs::WorkerContext,
    state::AppState,
};

/// Repeats an issued invoice every `every_months` months from its issue date.
pub async fn start_recurring(
    state: &AppState,
    caller: &Caller,
    invoice_id: Uuid,
    every_months: i32,
    auto_send: bool,
) -> Result<(), Error> {
    let business_id = caller.business_id;
    let invoice = db::invoices::find(&state.db, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    lifecycle::check_repeatable(invoice.kind, invoice.issue_date.is_some(), every_months)
        .map_err(|r| refused(r, "every_months"))?;
    let Some(issued_on) = invoice.issue_date else { return Err(Error::NotFound) };
    let mut next = add_months(issued_on, every_months);
    let today = state.clock.now().date();
    while next <= today {
        next = add_months(next, every_months);
    }
    db::recurring::create(&state.db, business_id, invoice_id, every_months, next, auto_send, state.clock.now()).await?;
    Ok(())
}

/// The business's active recurring templates.
pub async fn list_recurring(state: &AppState, caller: &Caller) -> Result<Vec<Recurring>, Error> {
    let mut reads = crate::app::reads(state, caller).await?;
    Ok(db::recurring::list_active(&mut *reads, caller.business_id).await?)
}

/// Stops a template (the invoices it made stay).
pub async fn stop_recurring(state: &AppState, caller: &Caller, id: Uuid) -> Result<(), Error> {
    if db::recurring::stop(&state.db, caller.business_id, id).await? { Ok(()) } else { Err(Error::NotFound) }
}

/// Creates the drafts of every recurring template due by `now` (each once per
/// period); returns how many. Several workers may run it: due templates are claimed
/// with SKIP LOCKED. A template set to send automatically has its invoice issued and
/// queued for email in the same transaction (`recurring_send`).
pub async fn create_due_recurring(ctx: &WorkerContext, now: time::OffsetDateTime) -> Result<usize, Error> {
    let mut tx = ctx.db.begin().await?;
    let due = db::recurring::claim_due(&mut tx, now.date(), 100).await?;
    for template in &due {
        let Some(source) = db::invoices::find(&mut *tx, template.business_id, template.source_invoice_id).await? else {
            continue;
        };
        let draft = db::invoices::copy_as_draft(
            &mut tx,
            template.business_id,
            &source,
            InvoiceKind::Invoice,
            None,
            &source.note,
            now,
        )
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
