//! Sending an issued document to the customer by email, through the job queue.
//!
//! "Send" records a delivery and its job in one transaction, so nothing is sent for a
//! request that failed and nothing is lost when the process dies. The job makes the
//! message from the issued document when it runs (PDF attached, optionally the UBL and
//! CII, plain text and HTML, in the customer's language, Reply-To the person who sent
//! it, a link to the customer page) and marks the delivery sent; a job run again for a
//! delivery already sent does nothing, and the Message-ID is the delivery's id, so a
//! copy that did slip through twice is recognisably the same message.

use fastfaktura_documents::{InvoiceDocument, cii_xml, render_pdf, ubl_xml};
use fastfaktura_domain::{EmailAddress, Money};
use lettre::{
    Message,
    message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType},
};
use uuid::Uuid;

use super::{InvoicingError, customer_links, documents};
use crate::{
    audit::{self, Actor, AuditEvent, Category, Outcome},
    db::{self, deliveries::NewDelivery},
    i18n::{self, Lang, key},
    jobs::{self, Job, worker::WorkerContext},
    state::AppState,
};

/// Queues the document for `recipient`. The document must be issued and still pass
/// its checks; the customer link is created if it does not exist yet.
pub async fn send_by_email(
    state: &AppState,
    business_id: Uuid,
    invoice_id: Uuid,
    requested_by: Uuid,
    recipient: &str,
    attach_xml: bool,
) -> Result<Uuid, InvoicingError> {
    let recipient = EmailAddress::parse(recipient)
        .map_err(|e| InvoicingError::Invalid(format!("Email address: {e}")))?
        .as_str()
        .to_owned();
    documents::issued_document(&state.db, business_id, invoice_id).await?;
    customer_links::link_token(state, business_id, invoice_id).await?;
    let id = Uuid::new_v4();
    let mut tx = state.db.begin().await?;
    let delivery = NewDelivery { id, invoice_id, recipient: &recipient, attach_xml, requested_by };
    db::deliveries::create(&mut *tx, business_id, delivery, state.clock.now()).await?;
    jobs::enqueue(&mut tx, &Job::DeliverInvoice { business_id, delivery_id: id }).await?;
    let event = AuditEvent::new(state.clock.now(), Category::Dispatch, "dispatch.email.queued")
        .actor(Actor::User(requested_by))
        .business(business_id)
        .target(id.to_string())
        .details(serde_json::json!({
            "invoice_id": invoice_id,
            "recipient": audit::mask_email(&recipient),
            "attach_xml": attach_xml,
        }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %invoice_id, delivery_id = %id, "document queued for email delivery");
    Ok(id)
}

/// Puts a failed delivery back in the queue.
pub async fn retry(state: &AppState, business_id: Uuid, delivery_id: Uuid) -> Result<(), InvoicingError> {
    let mut tx = state.db.begin().await?;
    if !db::deliveries::requeue(&mut *tx, business_id, delivery_id).await? {
        return Err(InvoicingError::Conflict("Only a failed delivery can be retried.".into()));
    }
    jobs::enqueue(&mut tx, &Job::DeliverInvoice { business_id, delivery_id }).await?;
    tx.commit().await?;
    Ok(())
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
    if delivery.status != "queued" {
        return Ok(());
    }
    let result = send(ctx, business_id, &delivery).await;
    let now = ctx.clock.now();
    let recorded = async {
        let mut tx = ctx.db.begin().await?;
        let event = AuditEvent::new(now, Category::Dispatch, "dispatch.email.sent")
            .business(business_id)
            .target(delivery_id.to_string())
            .details(serde_json::json!({
                "invoice_id": delivery.invoice_id,
                "recipient": audit::mask_email(&delivery.recipient),
            }));
        match &result {
            Ok(()) => {
                db::deliveries::mark_sent(&mut *tx, business_id, delivery_id, now).await?;
                audit::record(&mut *tx, &event).await?;
            }
            Err(reason) => {
                db::deliveries::record_failure(&mut *tx, business_id, delivery_id, reason, last_attempt).await?;
                let mut event = event.outcome(Outcome::Failure);
                event.action = "dispatch.email.failed".into();
                event.details["reason"] = reason.chars().take(300).collect::<String>().into();
                event.details["final"] = last_attempt.into();
                audit::record(&mut *tx, &event).await?;
            }
        }
        tx.commit().await
    }
    .await;
    recorded.map_err(|e| format!("database after sending: {e}"))?;
    if result.is_ok() {
        tracing::info!(%business_id, %delivery_id, "document delivered by email");
    }
    result
}

async fn send(ctx: &WorkerContext, business_id: Uuid, delivery: &db::deliveries::Delivery) -> Result<(), String> {
    let doc = documents::issued_document(&ctx.db, business_id, delivery.invoice_id)
        .await
        .map_err(|e| format!("the document: {e}"))?;
    let live = db::invoice_links::live(&ctx.db, business_id, delivery.invoice_id)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let link = match live {
        Some(live) => {
            let token = customer_links::unseal(&ctx.link_key, business_id, &live).map_err(|e| e.to_string())?;
            Some(format!("{}/i/{token}", ctx.public_origin))
        }
        // The owner turned the link off after sending: the mail goes without it.
        None => None,
    };
    let reply_to = db::users::email_of(&ctx.db, delivery.requested_by).await.map_err(|e| format!("database: {e}"))?;
    let (message, text) = message(ctx, &doc, delivery, link.as_deref(), reply_to.as_deref()).await?;
    ctx.mailer.send(message, delivery.id, &text).await
}

async fn message(
    ctx: &WorkerContext,
    doc: &InvoiceDocument,
    delivery: &db::deliveries::Delivery,
    link: Option<&str>,
    reply_to: Option<&str>,
) -> Result<(Message, String), String> {
    let lang = if doc.language == fastfaktura_documents::Language::Is { Lang::Is } else { Lang::En };
    let document =
        i18n::message(lang, if doc.kind.is_credit_note() { key("doc-credit-note") } else { key("doc-invoice") }, None);
    let amount = Money::new(doc.totals().payable, doc.currency).display();
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("document", document.clone());
    args.set("number", doc.number.clone());
    args.set("seller", doc.seller.name.clone());
    args.set("amount", amount);
    args.set("due", doc.due_date.to_string());
    let subject = i18n::message(lang, key("mail-document-subject"), Some(&args));
    let body_key = if doc.kind.is_credit_note() { key("mail-credit-note-body") } else { key("mail-invoice-body") };
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
    let owned = doc.clone();
    let pdf = tokio::task::spawn_blocking(move || render_pdf(&owned))
        .await
        .map_err(|e| format!("rendering the PDF: {e}"))?
        .map_err(|e| format!("rendering the PDF: {e}"))?;
    let pdf_type = ContentType::parse("application/pdf").expect("a valid media type");
    let xml_type = ContentType::parse("application/xml").expect("a valid media type");
    let mut mixed = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(text.clone(), html))
        .singlepart(Attachment::new(documents::file_name(doc, "pdf")).body(pdf.bytes, pdf_type));
    if delivery.attach_xml {
        mixed = mixed
            .singlepart(attachment(documents::file_name(doc, "ubl.xml"), ubl_xml(doc), xml_type.clone()))
            .singlepart(attachment(documents::file_name(doc, "cii.xml"), cii_xml(doc), xml_type));
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
