//! Quotes: issued like invoices (their own number series, a PDF and no e-invoice),
//! answered once by the customer on the customer page (accepted or declined: recorded,
//! audited, and the owners told by email), and turned into a draft invoice with the
//! same customer and lines, once.

use fastfaktura_domain::lifecycle::{self, InvoiceKind, InvoiceStatus};
use uuid::Uuid;

use super::{links::open_link, refused};
use crate::{
    app::{Caller, Error},
    audit::{self, Actor, AuditEvent, Category, RequestMeta},
    db,
    i18n::{self, Lang, Text, key},
    integrations::email,
    state::AppState,
};

/// The customer's answer to a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteAnswer {
    Accept,
    Decline,
}

impl QuoteAnswer {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "accept" => Some(QuoteAnswer::Accept),
            "decline" => Some(QuoteAnswer::Decline),
            _ => None,
        }
    }

    fn stored(self) -> &'static str {
        match self {
            QuoteAnswer::Accept => "accepted",
            QuoteAnswer::Decline => "declined",
        }
    }
}

/// The customer accepts or declines the quote behind `token`: once, while it is valid
/// and not yet turned into an invoice. The answer is audited and every owner of the
/// business gets an email.
pub async fn answer_quote(
    state: &AppState,
    ip: &str,
    token: &str,
    answer: QuoteAnswer,
    meta: &RequestMeta,
) -> Result<(), Error> {
    let link = open_link(state, ip, token).await?;
    let (business_id, quote_id) = (link.business_id, link.invoice_id);
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let quote = db::invoices::find_for_update(&mut tx, business_id, quote_id).await?.ok_or(Error::NotFound)?;
    if quote.kind != InvoiceKind::Quote || quote.status != InvoiceStatus::Issued {
        return Err(Error::NotFound);
    }
    if quote.quote_decision.is_some() {
        return Err(Error::Conflict(Text::key("quote-already-answered")));
    }
    if db::invoices::converted_from(&mut *tx, business_id, quote_id).await?.is_some() {
        return Err(Error::Conflict(Text::key("quote-already-converted")));
    }
    if quote.due_date.is_some_and(|valid_until| valid_until < now.date()) {
        return Err(Error::Conflict(Text::key("quote-expired")));
    }
    if !db::invoices::decide_quote(&mut tx, business_id, quote_id, answer.stored(), now).await? {
        return Err(Error::Conflict(Text::key("quote-already-answered")));
    }
    let number = quote.number.clone().unwrap_or_default();
    let event = AuditEvent::new(now, Category::Access, &format!("quote.{}", answer.stored()))
        .actor(Actor::CustomerLink)
        .business(business_id)
        .target(quote_id.to_string())
        .request(meta)
        .details(serde_json::json!({ "number": number }));
    audit::record(&mut *tx, &event).await?;
    let told = match answer {
        QuoteAnswer::Accept => crate::webhooks::EventType::QuoteAccepted,
        QuoteAnswer::Decline => crate::webhooks::EventType::QuoteDeclined,
    };
    crate::webhooks::record_invoice_event(&mut tx, business_id, told, quote_id, serde_json::json!({}), now).await?;
    let profile = db::businesses::profile(&mut *tx, business_id).await?;
    let lang = Lang::parse(&profile.invoice_language).unwrap_or_default();
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("number", number.clone());
    args.set("link", format!("{}/invoices/{quote_id}", state.settings.public_origin()));
    let (subject_key, body_key) = match answer {
        QuoteAnswer::Accept => (key("mail-quote-accepted-subject"), key("mail-quote-accepted-body")),
        QuoteAnswer::Decline => (key("mail-quote-declined-subject"), key("mail-quote-declined-body")),
    };
    let subject = i18n::message(lang, subject_key, Some(&args));
    let body = i18n::message(lang, body_key, Some(&args));
    for member in db::members::list(&mut *tx, business_id).await?.iter().filter(|m| m.role == "owner") {
        let notice = email::Notice {
            kind: "quote_answer",
            business_id: Some(business_id),
            recipient: &member.email,
            subject: &subject,
            body: &body,
        };
        email::queue_notice(&mut tx, &state.keys.outbox, notice, now).await?;
    }
    tx.commit().await?;
    tracing::info!(%business_id, %quote_id, answer = answer.stored(), "customer answered a quote");
    Ok(())
}

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
