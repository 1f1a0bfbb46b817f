//! The SMS side of a delivery: the short text (in the customer's language, with the
//! amount due and the customer-page link) and one attempt at handing it to the
//! business's or the platform's provider.
//!
//! Before the provider call the delivery is marked `sending` with a SHA-256 digest of
//! the text (not the text: it holds the customer link). An attempt after an earlier
//! hand-over (its predecessor crashed, got no answer, or failed) first asks the
//! provider's message log whether that text already went to that number since then,
//! and only sends when it did not (docs/decisions.md, "Exactly once at the SMS
//! provider").

use fastfaktura_documents::{DocumentType, InvoiceDocument};
use fastfaktura_domain::{Decimal, PhoneNumber, locale};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{customer_links::live_link, delivery_attempt::Attempt, documents};
use crate::{
    db,
    i18n::{self, Lang, key},
    integrations::{sms::SmsError, sms_accounts},
    jobs::WorkerContext,
};

pub fn digest(text: &str) -> Vec<u8> {
    Sha256::digest(text.as_bytes()).to_vec()
}

pub(super) async fn attempt(ctx: &WorkerContext, business_id: Uuid, delivery: &db::deliveries::Delivery) -> Attempt {
    let Ok(to) = PhoneNumber::parse(&delivery.recipient) else {
        return Attempt::Refused(format!("{} is not a mobile number in international form", delivery.recipient));
    };
    let mut conn = match ctx.db.acquire().await {
        Ok(c) => c,
        Err(e) => return Attempt::Retry(format!("database: {e}")),
    };
    let credentials = match sms_accounts::resolve(&mut conn, &ctx.kek, business_id).await {
        Ok(Some((credentials, _))) => credentials,
        Ok(None) => return Attempt::Refused("no SMS provider is set up".into()),
        Err(e) => return Attempt::Retry(format!("the SMS account could not be opened: {e}")),
    };
    drop(conn);
    let provider = credentials.provider;
    // Any earlier hand-over (a crash, a timeout, even a failure that was then retried
    // with the button) may have reached the provider: its log decides first.
    if let (Some(since), Some(digest)) = (delivery.sending_at, delivery.body_digest.as_deref()) {
        let found = match ctx.sms.find_sent(&credentials, &to, digest, since).await {
            Ok(ids) => db::deliveries::first_unclaimed(&ctx.db, business_id, delivery.id, provider.code(), &ids).await,
            // Unknown whether it went out: never guess "no"; ask again next attempt.
            Err(e) => return Attempt::Retry(format!("checking {}'s log: {e}", provider.display_name())),
        };
        match found {
            Ok(Some(id)) => {
                tracing::info!(%business_id, delivery_id = %delivery.id, "the provider had the SMS already; not sending again");
                return Attempt::Sent(Some((provider.code(), id)));
            }
            Ok(None) => {}
            Err(e) => return Attempt::Retry(format!("database: {e}")),
        }
    }
    let text = match text(ctx, business_id, delivery).await {
        Ok(t) => t,
        Err(attempt) => return attempt,
    };
    match db::deliveries::mark_sending(&ctx.db, business_id, delivery.id, ctx.clock.now(), Some(&digest(&text))).await {
        Ok(true) => {}
        Ok(false) => return Attempt::AlreadyDone,
        Err(e) => return Attempt::Retry(format!("database: {e}")),
    }
    match ctx.sms.send(&credentials, &to, &text).await {
        Ok(id) => Attempt::Sent(Some((provider.code(), id))),
        Err(SmsError::Temporary(reason)) => Attempt::Retry(reason),
        Err(SmsError::Rejected(reason)) => Attempt::Refused(reason),
    }
}

/// The text, made from the issued document when the job runs.
async fn text(ctx: &WorkerContext, business_id: Uuid, delivery: &db::deliveries::Delivery) -> Result<String, Attempt> {
    let doc = documents::issued_document(&ctx.db, business_id, delivery.invoice_id)
        .await
        .map_err(|e| Attempt::Retry(format!("the document: {e}")))?
        .document;
    let Some(link) = live_link(ctx, business_id, delivery.invoice_id).await.map_err(Attempt::Retry)? else {
        // An SMS is only a pointer to the customer page.
        return Err(Attempt::Refused("the customer link was turned off; create a new one, then retry".into()));
    };
    let due = amount_due(ctx, business_id, delivery.invoice_id, &doc).await.map_err(Attempt::Retry)?;
    Ok(compose(&doc, delivery.kind == "reminder", locale::money(due, doc.currency, doc.language), &link))
}

/// What is still to be paid: payable − payments − issued credit notes, as
/// `app::invoicing::views::invoice_detail` computes it for the invoice page.
pub(super) async fn amount_due(
    ctx: &WorkerContext,
    business_id: Uuid,
    invoice_id: Uuid,
    doc: &InvoiceDocument,
) -> Result<Decimal, String> {
    if !doc.kind.requests_payment() {
        return Ok(doc.totals().payable);
    }
    Ok(open_amount(ctx, business_id, invoice_id, doc.totals().payable).await?.max(Decimal::ZERO))
}

async fn open_amount(
    ctx: &WorkerContext,
    business_id: Uuid,
    invoice_id: Uuid,
    payable: Decimal,
) -> Result<Decimal, String> {
    let mut conn = ctx.db.acquire().await.map_err(|e| format!("database: {e}"))?;
    db::invoices::open_amount(&mut conn, business_id, invoice_id, payable).await.map_err(|e| format!("database: {e}"))
}

/// Whether an invoice still has something to pay (not paid in full, not credited).
pub(super) async fn still_open(ctx: &WorkerContext, business_id: Uuid, invoice_id: Uuid) -> Result<bool, String> {
    let invoice = db::invoices::find(&ctx.db, business_id, invoice_id)
        .await
        .map_err(|e| format!("database: {e}"))?
        .ok_or_else(|| "the invoice no longer exists".to_owned())?;
    if invoice.voided || invoice.status != fastfaktura_domain::InvoiceStatus::Issued {
        return Ok(false);
    }
    Ok(open_amount(ctx, business_id, invoice_id, invoice.payable.unwrap_or_default()).await? > Decimal::ZERO)
}

fn compose(doc: &InvoiceDocument, reminder: bool, amount: String, link: &str) -> String {
    let lang = if doc.language == fastfaktura_documents::Language::Is { Lang::Is } else { Lang::En };
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("seller", doc.seller.name.clone());
    args.set("number", doc.number.clone());
    args.set("amount", amount);
    args.set("due", locale::date(doc.due_date, doc.language));
    args.set("link", link.to_owned());
    let message = match (&doc.kind, reminder) {
        (DocumentType::CreditNote { .. }, _) => key("sms-credit-note"),
        (DocumentType::Quote, _) => key("sms-quote"),
        (DocumentType::Invoice, true) => key("sms-reminder"),
        (DocumentType::Invoice, false) => key("sms-invoice"),
    };
    i18n::message(lang, message, Some(&args))
}
