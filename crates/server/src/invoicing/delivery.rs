//! Sending an issued document to the customer by email and/or SMS, through the job
//! queue.
//!
//! "Send" records one delivery and one job per channel in one transaction, so nothing
//! is sent for a request that failed and nothing is lost when the process dies. The
//! job makes the message when it runs (email: PDF attached, optionally the UBL and
//! CII, plain text and HTML, in the customer's language, Reply-To the person who sent
//! it, a link to the customer page; SMS: see `delivery_sms`) and marks the delivery
//! sent. A delivery already sent is never sent again. Just before the message is
//! handed over, the delivery is marked `sending` (committed), so a crash during the
//! hand-over leaves it visibly in doubt; what the next attempt does then is in
//! docs/decisions.md ("Exactly once at the SMS provider"). The Message-ID is the
//! delivery's id, so an email that did go out twice is recognisably the same message.

use fastfaktura_documents::DocumentType;

use super::documents::IssuedDocument;
use fastfaktura_domain::{EmailAddress, PhoneNumber, locale};
use lettre::{
    Message,
    message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType},
};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{customer_links, delivery_attempt::Attempt, delivery_sms, documents};
use crate::{
    app::Error,
    audit::{self, Actor, AuditEvent, Category, Outcome},
    db::{self, deliveries::NewDelivery},
    i18n::{self, Lang, Text, key},
    integrations::sms_accounts,
    jobs::{self, Job, WorkerContext},
    metrics::DeliveryOutcome,
    quotas::{self, Quota},
    state::AppState,
};

/// What "Send" asks for: each channel with its recipient, as typed.
#[derive(Debug, Default)]
pub struct SendRequest<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    /// The buyer's participant id, already found to receive this document over Peppol.
    pub peppol: Option<String>,
    pub attach_xml: bool,
}

/// Queues the document for each requested channel. The document must be issued and
/// still pass its checks; the customer link is created if it does not exist yet.
/// Returns the deliveries' ids.
pub async fn send(
    state: &AppState,
    business_id: Uuid,
    invoice_id: Uuid,
    requested_by: Uuid,
    request: SendRequest<'_>,
) -> Result<Vec<Uuid>, Error> {
    let email = match request.email {
        Some(e) => Some(
            EmailAddress::parse(e)
                .map_err(|_| Error::field("recipient", Text::key(key("send-bad-email"))))?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    let phone = match request.phone {
        Some(p) => Some(PhoneNumber::parse(p).map_err(|_| Error::field("phone", Text::key(key("send-bad-phone"))))?),
        None => None,
    };
    if email.is_none() && phone.is_none() && request.peppol.is_none() {
        return Err(Error::field("channels", Text::key(key("send-no-channel"))));
    }
    documents::issued_document(&state.db, business_id, invoice_id).await?;
    customer_links::link_token(state, business_id, invoice_id).await?;
    let mut tx = state.db.begin().await?;
    if phone.is_some() && !sms_accounts::available(&mut tx, business_id).await? {
        return Err(Error::Conflict(Text::key(key("send-sms-unavailable"))));
    }
    let mut ids = Vec::new();
    let channels = [("email", email), ("sms", phone.map(|p| p.as_str().to_owned())), ("peppol", request.peppol)];
    for (channel, recipient) in channels.iter().filter_map(|(c, r)| r.as_ref().map(|r| (*c, r))) {
        let delivery = Queued { invoice_id, channel, kind: "send", recipient, attach_xml: request.attach_xml };
        let queued = queue(&mut tx, business_id, delivery, Some(requested_by), state.clock.now()).await;
        ids.push(queued.map_err(already_over_peppol)?);
    }
    tx.commit().await?;
    tracing::info!(%business_id, %invoice_id, deliveries = ids.len(), "document queued for delivery");
    Ok(ids)
}

/// A document goes over Peppol once (`invoice_deliveries_one_peppol`): a second send
/// while one is under way or done is the user's mistake, not a fault.
fn already_over_peppol(e: sqlx::Error) -> Error {
    match &e {
        sqlx::Error::Database(d) if d.constraint() == Some("invoice_deliveries_one_peppol") => {
            Error::field("send", Text::key(key("send-peppol-already")))
        }
        _ => e.into(),
    }
}

/// One delivery to queue.
pub struct Queued<'a> {
    pub invoice_id: Uuid,
    pub channel: &'a str,
    /// `send`, `reminder` or `recurring`.
    pub kind: &'a str,
    pub recipient: &'a str,
    pub attach_xml: bool,
}

/// Inserts a delivery and its job in the caller's transaction.
pub async fn queue(
    tx: &mut PgConnection,
    business_id: Uuid,
    d: Queued<'_>,
    requested_by: Option<Uuid>,
    now: time::OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    let row = NewDelivery {
        id,
        invoice_id: d.invoice_id,
        channel: d.channel,
        kind: d.kind,
        recipient: d.recipient,
        attach_xml: d.attach_xml,
        requested_by,
    };
    db::deliveries::create(&mut *tx, business_id, row, now).await?;
    jobs::enqueue(tx, &Job::DeliverInvoice { business_id, delivery_id: id }).await?;
    let event = AuditEvent::new(now, Category::Dispatch, &format!("dispatch.{}.queued", d.channel))
        .actor(requested_by.map_or(Actor::System, Actor::User))
        .business(business_id)
        .target(id.to_string())
        .details(serde_json::json!({
            "invoice_id": d.invoice_id,
            "kind": d.kind,
            "recipient": audit::mask_recipient(d.recipient),
        }));
    audit::record(&mut *tx, &event).await?;
    Ok(id)
}

/// Puts a failed delivery back in the queue.
pub async fn retry(state: &AppState, business_id: Uuid, delivery_id: Uuid) -> Result<(), Error> {
    let mut tx = state.db.begin().await?;
    let delivery = db::deliveries::find(&mut *tx, business_id, delivery_id).await?.ok_or(Error::NotFound)?;
    if delivery.channel == "peppol" && delivery.status == "failed" {
        // A new submission: the provider answers a repeated idempotency key with the
        // submission that failed, so a Peppol retry is a new delivery with its own id
        // (the failed one stays in the history).
        let again = Queued {
            invoice_id: delivery.invoice_id,
            channel: "peppol",
            kind: &delivery.kind,
            recipient: &delivery.recipient,
            attach_xml: false,
        };
        let queued = queue(&mut tx, business_id, again, delivery.requested_by, state.clock.now()).await;
        queued.map_err(already_over_peppol)?;
        tx.commit().await?;
        return Ok(());
    }
    if !db::deliveries::requeue(&mut *tx, business_id, delivery_id).await? {
        return Err(Error::Conflict("Only a failed delivery can be retried.".to_owned().into()));
    }
    jobs::enqueue(&mut tx, &Job::DeliverInvoice { business_id, delivery_id }).await?;
    tx.commit().await?;
    Ok(())
}

/// The dispatch audit event of one attempt: `dispatch.<channel>.sent|failed`, with the
/// provider's message id or the reason; counted in the metrics as it is made.
fn dispatch_event(
    ctx: &WorkerContext,
    business_id: Uuid,
    delivery: &db::deliveries::Delivery,
    (what, info, last): (&str, Option<String>, bool),
    now: time::OffsetDateTime,
) -> AuditEvent {
    let failed = what == "failed";
    ctx.metrics.delivery(
        &delivery.channel,
        match (failed, last) {
            (false, _) => DeliveryOutcome::Sent,
            (true, false) => DeliveryOutcome::Retrying,
            (true, true) => DeliveryOutcome::Failed,
        },
    );
    let mut details = serde_json::json!({
        "invoice_id": delivery.invoice_id,
        "kind": delivery.kind,
        "recipient": audit::mask_recipient(&delivery.recipient),
    });
    match (failed, info) {
        (true, Some(reason)) => {
            details["reason"] = reason.chars().take(300).collect::<String>().into();
            details["final"] = last.into();
        }
        (false, Some(provider_message)) => details["provider_message"] = provider_message.into(),
        _ => {}
    }
    AuditEvent::new(now, Category::Dispatch, &format!("dispatch.{}.{what}", delivery.channel))
        .business(business_id)
        .target(delivery.id.to_string())
        .outcome(if failed { Outcome::Failure } else { Outcome::Success })
        .details(details)
}

/// What an attempt did, as the delivery row keeps it.
#[derive(Clone, Copy)]
enum Stored<'a> {
    Sent { provider: Option<(&'a str, &'a str)> },
    Failed { reason: &'a str, last: bool },
}

/// Stores an attempt's outcome on the delivery and, in the same transaction, its audit
/// event and the webhook event integrators hear of it (`invoice.sent`, or
/// `invoice.delivery_failed` once it failed for good), so none is kept without the
/// others. Should the events not be writable, the outcome alone is stored and that is
/// logged, not retried (sending again could send twice).
async fn store_outcome(
    ctx: &WorkerContext,
    business_id: Uuid,
    delivery: &db::deliveries::Delivery,
    (stored, note): (Stored<'_>, (&str, Option<String>, bool)),
    now: time::OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let audited = dispatch_event(ctx, business_id, delivery, note, now);
    let update = async |conn: &mut PgConnection| match stored {
        Stored::Sent { provider } => db::deliveries::mark_sent(conn, business_id, delivery.id, now, provider).await,
        Stored::Failed { reason, last } => {
            db::deliveries::record_failure(conn, business_id, delivery.id, reason, last).await
        }
    };
    let told = match stored {
        Stored::Sent { .. } => Some((crate::webhooks::EventType::InvoiceSent, None)),
        Stored::Failed { reason, last: true } => {
            Some((crate::webhooks::EventType::InvoiceDeliveryFailed, Some(reason)))
        }
        Stored::Failed { last: false, .. } => None,
    };
    let together = async {
        let mut tx = ctx.db.begin().await?;
        update(&mut tx).await?;
        audit::record(&mut *tx, &audited).await?;
        if let Some((event, reason)) = told {
            let extra = serde_json::json!({ "delivery": {
                "id": delivery.id, "channel": delivery.channel, "kind": delivery.kind,
                "reason": reason.map(|r| r.chars().take(300).collect::<String>()),
            }});
            crate::webhooks::record_invoice_event(&mut tx, business_id, event, delivery.invoice_id, extra, now).await?;
        }
        tx.commit().await
    };
    match together.await {
        Ok(()) => Ok(()),
        Err(e) => {
            tracing::error!(%business_id, delivery_id = %delivery.id, error = %e, "the delivery's outcome and its events could not be stored together; storing the outcome alone");
            let mut conn = ctx.db.acquire().await?;
            update(&mut conn).await?;
            if let Err(e) = audit::record(&mut *conn, &audited).await {
                tracing::error!(%business_id, delivery_id = %delivery.id, error = %e, "the dispatch could not be recorded in the audit log");
            }
            Ok(())
        }
    }
}

/// The job: sends one delivery unless it was sent already.
pub async fn deliver(
    ctx: &WorkerContext,
    business_id: Uuid,
    delivery_id: Uuid,
    last_attempt: bool,
) -> Result<(), String> {
    let delivery = db::deliveries::find(&ctx.db, business_id, delivery_id)
        .await
        .map_err(|e| format!("database: {e}"))?
        .ok_or_else(|| format!("delivery {delivery_id} does not exist"))?;
    match delivery.status.as_str() {
        "queued" => {}
        "sending" => {
            // A crash (or an answer that never came) during the hand-over.
            tracing::warn!(%business_id, %delivery_id, channel = %delivery.channel, "delivery in doubt; settling it");
            db::deliveries::count_interruption(&ctx.db, business_id, delivery_id)
                .await
                .map_err(|e| format!("database: {e}"))?;
        }
        _ => return Ok(()),
    }
    if delivery.kind == "reminder" && delivery.status == "queued" {
        match delivery_sms::still_open(ctx, business_id, delivery.invoice_id).await {
            Ok(true) => {}
            Ok(false) => {
                let reason = "not sent: the invoice was paid or credited before the reminder went out";
                db::deliveries::cancel(&ctx.db, business_id, delivery_id, reason)
                    .await
                    .map_err(|e| format!("database: {e}"))?;
                tracing::info!(%business_id, %delivery_id, "reminder cancelled: the invoice is settled");
                return Ok(());
            }
            Err(reason) => {
                db::deliveries::record_failure(&ctx.db, business_id, delivery_id, &reason, last_attempt)
                    .await
                    .map_err(|e| format!("database: {e}"))?;
                return Err(reason);
            }
        }
    }
    // An automatic send (a reminder, a recurring invoice) counts against the sending
    // quota when it first goes out, as a person's send does when they press Send; else
    // hundreds of "send automatically" schedules would be a mail cannon of their own.
    if delivery.requested_by.is_none() && delivery.status == "queued" && delivery.attempts == 0 {
        let quota = if delivery.channel == "sms" { Quota::sms_to(&delivery.recipient) } else { Quota::Email };
        let counted = quotas::take(&ctx.db, ctx.clock.now(), business_id, &Actor::System, quota)
            .await
            .map_err(|e| format!("database: {e}"))?;
        if counted.is_err() {
            ctx.metrics.quota_refused(quota.kind());
            let reason = "not sent: the business's sending limit for today is reached; send it from the invoice page";
            let note = ("failed", Some(reason.to_owned()), true);
            store_outcome(ctx, business_id, &delivery, (Stored::Failed { reason, last: true }, note), ctx.clock.now())
                .await
                .map_err(|e| format!("database: {e}"))?;
            tracing::warn!(%business_id, %delivery_id, "automatic delivery refused by the sending quota");
            return Ok(());
        }
    }
    let attempt = match delivery.channel.as_str() {
        "sms" => delivery_sms::attempt(ctx, business_id, &delivery).await,
        "peppol" => super::delivery_peppol::attempt(ctx, business_id, &delivery).await,
        _ => email_attempt(ctx, business_id, &delivery).await,
    };
    let now = ctx.clock.now();
    let (stored, result, note) = match &attempt {
        Attempt::Sent(provider) => {
            let provider = provider.as_ref().map(|(p, id)| (*p, id.as_str()));
            let note = ("sent", provider.map(|(p, id)| format!("{p} {id}")), true);
            (Stored::Sent { provider }, Ok(()), note)
        }
        Attempt::AlreadyDone => return Ok(()),
        Attempt::Retry(reason) => (
            Stored::Failed { reason, last: last_attempt },
            Err(reason.clone()),
            ("failed", Some(reason.clone()), last_attempt),
        ),
        Attempt::Refused(reason) => {
            tracing::warn!(%business_id, %delivery_id, %reason, "delivery refused; not retrying");
            (Stored::Failed { reason, last: true }, Ok(()), ("failed", Some(reason.clone()), true))
        }
    };
    store_outcome(ctx, business_id, &delivery, (stored, note), now)
        .await
        .map_err(|e| format!("database after sending: {e}"))?;
    if result.is_ok() {
        tracing::info!(%business_id, %delivery_id, channel = %delivery.channel, "delivery finished");
    }
    result
}

async fn email_attempt(ctx: &WorkerContext, business_id: Uuid, delivery: &db::deliveries::Delivery) -> Attempt {
    let prepared = async {
        let doc = documents::issued_document(&ctx.db, business_id, delivery.invoice_id)
            .await
            .map_err(|e| format!("the document: {e}"))?;
        let link = customer_links::live_link(ctx, business_id, delivery.invoice_id).await?;
        let reply_to = match delivery.requested_by {
            Some(user) => db::users::email_of(&ctx.db, user).await.map_err(|e| format!("database: {e}"))?,
            None => None,
        };
        message(ctx, business_id, &doc, delivery, link.as_deref(), reply_to.as_deref()).await
    };
    let (message, text) = match prepared.await {
        Ok(m) => m,
        Err(reason) => return Attempt::Retry(reason),
    };
    // Everything slow (the PDF) is done: only the SMTP exchange is left in doubt.
    match db::deliveries::mark_sending(&ctx.db, business_id, delivery.id, ctx.clock.now(), None).await {
        Ok(true) => {}
        Ok(false) => return Attempt::AlreadyDone,
        Err(e) => return Attempt::Retry(format!("database: {e}")),
    }
    match ctx.mailer.send(message, delivery.id, &text).await {
        Ok(()) => Attempt::Sent(None),
        Err(reason) => Attempt::Retry(reason),
    }
}

async fn message(
    ctx: &WorkerContext,
    business_id: Uuid,
    issued: &IssuedDocument,
    delivery: &db::deliveries::Delivery,
    link: Option<&str>,
    reply_to: Option<&str>,
) -> Result<(Message, String), String> {
    let doc = &issued.document;
    let lang = if doc.language == fastfaktura_documents::Language::Is { Lang::Is } else { Lang::En };
    let document_key = match doc.kind {
        DocumentType::Invoice => key("doc-invoice"),
        DocumentType::CreditNote { .. } => key("doc-credit-note"),
        DocumentType::Quote => key("doc-quote"),
    };
    let document = i18n::message(lang, document_key, None);
    let reminder = delivery.kind == "reminder";
    // A reminder asks for what is still open; a sent document states its total.
    let amount = if reminder {
        delivery_sms::amount_due(ctx, business_id, delivery.invoice_id, doc).await?
    } else {
        doc.totals().payable
    };
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("document", document.clone());
    args.set("number", doc.number.clone());
    args.set("seller", doc.seller.name.clone());
    args.set("amount", locale::money(amount, doc.currency, doc.language));
    args.set("due", locale::date(doc.due_date, doc.language));
    let subject_key = if reminder { key("mail-reminder-subject") } else { key("mail-document-subject") };
    let subject = i18n::message(lang, subject_key, Some(&args));
    let body_key = match (&doc.kind, reminder) {
        (DocumentType::CreditNote { .. }, _) => key("mail-credit-note-body"),
        (DocumentType::Quote, _) => key("mail-quote-body"),
        (DocumentType::Invoice, true) if ctx.clock.now().date() <= doc.due_date => key("mail-reminder-body-before"),
        (DocumentType::Invoice, true) => key("mail-reminder-body-after"),
        (DocumentType::Invoice, false) => key("mail-invoice-body"),
    };
    let mut paragraphs = vec![i18n::message(lang, body_key, Some(&args))];
    if let Some(link) = link {
        args.set("link", link.to_owned());
        paragraphs.push(i18n::message(lang, key("mail-document-link"), Some(&args)));
    }
    paragraphs.push(i18n::message(lang, key("mail-document-attached"), None));
    paragraphs.push(doc.seller.name.clone());
    let text = paragraphs.join("\n\n") + "\n";
    let html = format!(
        "<!doctype html><html lang=\"{}\"><body>{}</body></html>",
        lang.code(),
        paragraphs.iter().map(|p| format!("<p>{}</p>", link_html(&html_escape(p), link))).collect::<String>()
    );

    let to: Mailbox = delivery.recipient.parse().map_err(|e| format!("recipient address: {e}"))?;
    let mut builder = Message::builder()
        .from(ctx.mailer.from().clone())
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{}@fastfaktura>", delivery.id)));
    if let Some(reply_to) = reply_to.and_then(|r| r.parse::<Mailbox>().ok()) {
        builder = builder.reply_to(reply_to);
    }
    let pdf_type = ContentType::parse("application/pdf").expect("a valid media type");
    let xml_type = ContentType::parse("application/xml").expect("a valid media type");
    let mut mixed = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(text.clone(), html))
        .singlepart(Attachment::new(documents::file_name(doc, "pdf")).body(issued.pdf.clone(), pdf_type));
    // The files exactly as issued; a quote has no e-invoice.
    if let (true, Some(ubl), Some(cii)) = (delivery.attach_xml, &issued.ubl, &issued.cii) {
        mixed = mixed
            .singlepart(attachment(documents::file_name(doc, "ubl.xml"), ubl.clone(), xml_type.clone()))
            .singlepart(attachment(documents::file_name(doc, "cii.xml"), cii.clone(), xml_type));
    }
    let message = builder.multipart(mixed).map_err(|e| format!("building the message: {e}"))?;
    Ok((message, text))
}

fn attachment(name: String, xml: String, content_type: ContentType) -> SinglePart {
    Attachment::new(name).body(xml.into_bytes(), content_type)
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\n', "<br>")
}

/// Makes the (already escaped) customer link clickable in the HTML part.
fn link_html(escaped: &str, link: Option<&str>) -> String {
    match link {
        Some(link) => {
            let escaped_link = html_escape(link);
            escaped.replace(&escaped_link, &format!("<a href=\"{escaped_link}\">{escaped_link}</a>"))
        }
        None => escaped.to_owned(),
    }
}
