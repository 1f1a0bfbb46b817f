//! The Peppol side of a delivery: one attempt at handing an issued invoice or credit
//! note, as the UBL it was issued with, to the business's access point provider.
//!
//! The idempotency key given to the provider is the delivery's id, and a document has
//! at most one live Peppol delivery (a unique index), so a retry after a lost answer,
//! a crash or a second click is the same submission and the provider sends once. The
//! provider's submission id is kept as the delivery's provider message id; its verdict
//! (delivered, or failed with a reason) comes later by webhook or by polling
//! (`peppol::follow`).

use fastfaktura_documents::DocumentType;
use fastfaktura_domain::ParticipantId;
use uuid::Uuid;

use super::{delivery_attempt::Attempt, documents};
use crate::{
    db,
    integrations::access_point::{AccessPointError, DocumentKind, LegalEntityId, Submission},
    jobs::WorkerContext,
    peppol::connection,
};

pub(super) async fn attempt(ctx: &WorkerContext, business_id: Uuid, delivery: &db::deliveries::Delivery) -> Attempt {
    let Ok(receiver) = ParticipantId::parse(&delivery.recipient) else {
        return Attempt::Refused(format!("{} is not a Peppol participant id", delivery.recipient));
    };
    let issued = match documents::issued_document(&ctx.db, business_id, delivery.invoice_id).await {
        Ok(issued) => issued,
        Err(e) => return Attempt::Retry(format!("the document: {e}")),
    };
    let kind = match issued.document.kind {
        DocumentType::Invoice => DocumentKind::Invoice,
        DocumentType::CreditNote { .. } => DocumentKind::CreditNote,
        DocumentType::Quote => return Attempt::Refused("a quote is not sent over Peppol".into()),
    };
    let Some(ubl) = issued.ubl else {
        return Attempt::Refused("this document was issued without an e-invoice".into());
    };
    let connection = match connection::open(ctx, business_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return Attempt::Refused("the business is no longer connected to an access point".into()),
        Err(e) => return Attempt::Retry(e),
    };
    match db::deliveries::mark_sending(&ctx.db, business_id, delivery.id, ctx.clock.now(), None).await {
        Ok(true) => {}
        Ok(false) => return Attempt::AlreadyDone,
        Err(e) => return Attempt::Retry(format!("database: {e}")),
    }
    let submission = Submission {
        sender: LegalEntityId(connection.legal_entity.clone()),
        receiver,
        kind,
        ubl: ubl.into_bytes(),
        idempotency_key: delivery.id,
    };
    match connection.access_point.submit(&submission).await {
        Ok(id) => Attempt::Sent(Some((connection.provider, id.0))),
        Err(AccessPointError::Unavailable { reason }) => Attempt::Retry(reason),
        Err(AccessPointError::Refused { reason }) => Attempt::Refused(reason),
        Err(e @ AccessPointError::Unauthorized) => Attempt::Refused(e.to_string()),
    }
}
