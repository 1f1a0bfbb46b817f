//! "Issue and send automatically" for recurring invoices: the new draft is issued and
//! queued for email to the customer in the transaction that created it, so a crash
//! leaves neither a half-issued invoice nor an issued one that was never queued.
//!
//! Inside a savepoint: when the invoice cannot be issued (the business profile lost
//! something a legal invoice needs) or the customer has no usable email address, the
//! draft stays a draft for a person to look at, and the other templates go on.

use fastfaktura_domain::EmailAddress;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::issue_in;
use crate::{
    app::Error,
    db,
    invoicing::{
        customer_links,
        delivery::{self, Queued},
    },
    jobs::WorkerContext,
};

pub async fn issue_and_send(
    ctx: &WorkerContext,
    tx: &mut Transaction<'_, Postgres>,
    business_id: Uuid,
    draft_id: Uuid,
    now: time::OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    match attempt(ctx, &mut savepoint, business_id, draft_id, now).await {
        Ok(number) => {
            savepoint.commit().await?;
            tracing::info!(%business_id, invoice_id = %draft_id, %number, "recurring invoice issued and queued for email");
        }
        Err(e) => {
            savepoint.rollback().await?;
            tracing::warn!(%business_id, invoice_id = %draft_id, reason = %e, "recurring invoice left as a draft: it could not be issued and sent");
        }
    }
    Ok(())
}

async fn attempt(
    ctx: &WorkerContext,
    tx: &mut Transaction<'_, Postgres>,
    business_id: Uuid,
    draft_id: Uuid,
    now: time::OffsetDateTime,
) -> Result<String, Error> {
    let number = issue_in(tx, now, business_id, draft_id).await?;
    let invoice = db::invoices::find(&mut **tx, business_id, draft_id).await?.ok_or(Error::NotFound)?;
    let customer = db::customers::find(&mut **tx, business_id, invoice.customer_id).await?.ok_or(Error::NotFound)?;
    let email = EmailAddress::parse(&customer.email)
        .map_err(|e| Error::field("email", format!("the customer's email address: {e}")))?;
    customer_links::create_first_in(tx, &ctx.link_key, business_id, draft_id, now).await?;
    let queued = Queued {
        invoice_id: draft_id,
        channel: "email",
        kind: "recurring",
        recipient: email.as_str(),
        attach_xml: false,
    };
    delivery::queue(tx, business_id, queued, None, now).await?;
    Ok(number)
}
