//! Getting an issued document out: the owner's downloads and "Send" (email, SMS and
//! Peppol through the job queue, `invoicing::delivery`), and retrying a failed delivery.

use fastfaktura_domain::{EmailAddress, InvoiceStatus, PhoneNumber};
use uuid::Uuid;

use crate::{
    app::{Caller, Error, peppol::PeppolRoute},
    db::{self, deliveries::Delivery},
    i18n::{Tr, key},
    integrations::sms_accounts,
    invoicing::{
        delivery::{self, SendRequest},
        documents::{self, IssuedDocument},
    },
    state::AppState,
};

/// An issued invoice, credit note or quote with its files as issued.
pub async fn issued_document(state: &AppState, caller: &Caller, id: Uuid) -> Result<IssuedDocument, Error> {
    documents::issued_document(&state.db, caller.business_id, id).await
}

/// What the Send form asks for, as typed.
#[derive(Debug, Default)]
pub struct SendInput<'a> {
    pub by_email: bool,
    pub by_sms: bool,
    /// Over Peppol, to the buyer's participant id the document names.
    pub by_peppol: bool,
    pub recipient: &'a str,
    pub phone: &'a str,
    pub attach_xml: bool,
}

/// Queues an issued document for each channel asked for. A mistake in the form is a
/// mistake at `send` (in `t`'s language); a document that cannot be sent at all (a
/// draft) is refused by `delivery::send`.
pub async fn send_document(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    id: Uuid,
    input: SendInput<'_>,
) -> Result<Vec<Uuid>, Error> {
    let business_id = caller.business_id;
    let invoice = db::invoices::find(&state.db, business_id, id).await?.ok_or(Error::NotFound)?;
    let (by_email, by_sms, by_peppol) = (input.by_email, input.by_sms, input.by_peppol);
    let mut peppol = None;
    if invoice.status == InvoiceStatus::Issued && by_peppol {
        let issued = documents::issued_document(&state.db, business_id, id).await?;
        match crate::app::peppol::route_for(&state.db, business_id, &issued.frozen.buyer, invoice.kind).await? {
            PeppolRoute::Ready { participant } => {
                // Over Peppol the document must pass every rule, Peppol's and the
                // national ones included: what fails is shown, and nothing is sent.
                let ubl =
                    issued.ubl.as_deref().ok_or_else(|| Error::field("send", t.t("send-peppol-no-participant")))?;
                documents::refuse_failing_rules(ubl, |_| true).map_err(|e| match e {
                    Error::Unprocessable(text) => Error::field("send", text),
                    other => other,
                })?;
                peppol = Some(participant.to_string());
            }
            PeppolRoute::NotConnected => return Err(Error::field("send", t.t("send-peppol-not-connected"))),
            PeppolRoute::NoParticipant => return Err(Error::field("send", t.t("send-peppol-no-participant"))),
            PeppolRoute::NotReceiving { participant, .. } => {
                return Err(Error::field("send", t.t1("send-peppol-not-receiving", "id", participant.to_string())));
            }
        }
    }
    if invoice.status == InvoiceStatus::Issued {
        let mistake = if !by_email && !by_sms && !by_peppol {
            Some(key("send-no-channel"))
        } else if by_email && EmailAddress::parse(input.recipient).is_err() {
            Some(key("send-bad-email"))
        } else if by_sms && PhoneNumber::parse(input.phone).is_err() {
            Some(key("send-bad-phone"))
        } else if by_sms && !sms_accounts::available(&mut *state.db.acquire().await?, business_id).await? {
            Some(key("send-sms-unavailable"))
        } else {
            None
        };
        if let Some(message) = mistake {
            return Err(Error::field("send", t.t(message)));
        }
    }
    // An API token sends for the member who created it (the mail's Reply-To).
    let Some(requested_by) = caller.acting_user() else {
        return Err(Error::Forbidden(
            "Only a member (signed in or by their API token) can send a document.".to_owned().into(),
        ));
    };
    // Each message counts against the business's sending quota before it is queued.
    if invoice.status == InvoiceStatus::Issued {
        use crate::app::quotas::{Quota, take};
        if by_email {
            take(state, business_id, &caller.actor, Quota::Email).await?;
        }
        if by_sms && let Ok(phone) = PhoneNumber::parse(input.phone) {
            take(state, business_id, &caller.actor, Quota::sms_to(phone.as_str())).await?;
        }
    }
    let request = SendRequest {
        email: by_email.then_some(input.recipient.trim()),
        phone: by_sms.then_some(input.phone.trim()),
        peppol,
        attach_xml: input.attach_xml,
    };
    delivery::send(state, business_id, id, requested_by, request).await
}

/// The deliveries of one of the business's documents, newest first.
pub async fn deliveries(state: &AppState, caller: &Caller, id: Uuid) -> Result<Vec<Delivery>, Error> {
    db::invoices::find(&state.db, caller.business_id, id).await?.ok_or(Error::NotFound)?;
    Ok(db::deliveries::for_invoice(&state.db, caller.business_id, id).await?)
}

/// Puts a failed delivery back in the queue.
pub async fn retry_delivery(state: &AppState, caller: &Caller, delivery_id: Uuid) -> Result<(), Error> {
    delivery::retry(state, caller.business_id, delivery_id).await
}
