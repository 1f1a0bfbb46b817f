//! The customer link as its users meet it: the owner turns it on, replaces it or
//! turns it off (the token itself is `invoicing::customer_links`), and the customer
//! opens it: rate-limited per address, an unknown token counting against a much
//! smaller budget, and the one document it leads to.

use fastfaktura_domain::{Decimal, InvoiceKind};
use time::Duration;
use uuid::Uuid;

use super::views::{InvoiceDetail, invoice_detail};
use crate::{
    app::{Caller, Error},
    crypto,
    db::{
        self,
        rate_limits::{self, Limit},
    },
    i18n::Text,
    integrations::stripe::amounts,
    invoicing::{
        customer_links::{link_token, plausible_token, revoke, rotate},
        documents,
    },
    payments,
    state::AppState,
};

/// The owner turns the customer link on (or copies it again).
pub async fn create_link(state: &AppState, caller: &Caller, invoice_id: Uuid) -> Result<String, Error> {
    link_token(state, caller.business_id, invoice_id).await
}

/// The owner replaces the link: the old one stops working at once.
pub async fn rotate_link(state: &AppState, caller: &Caller, invoice_id: Uuid) -> Result<String, Error> {
    rotate(state, caller.business_id, invoice_id).await
}

/// The owner turns the link off.
pub async fn revoke_link(state: &AppState, caller: &Caller, invoice_id: Uuid) -> Result<bool, Error> {
    revoke(state, caller.business_id, invoice_id).await
}

/// Requests per client address to customer pages (views and downloads).
const PER_ADDRESS: Limit = Limit::new(300, Duration::hours(1));
/// Unknown or revoked tokens per client address.
const MISSES_PER_ADDRESS: Limit = Limit::new(20, Duration::minutes(15));

/// A document opened through its customer link.
pub struct OpenedLink {
    pub business_id: Uuid,
    pub invoice_id: Uuid,
    pub token_hash: Vec<u8>,
}

/// The document behind a token, after the rate limits; a miss counts against the
/// address and is a plain "not found".
pub async fn open_link(state: &AppState, ip: &str, token: &str) -> Result<OpenedLink, Error> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let misses_key = format!("customer-page-miss:ip:{}", rate_limits::client_of(ip));
    let too_many = |retry_after| Error::TooManyRequests { message: Text::key("customer-page-too-many"), retry_after };
    if let Err(rate_limits::RetryAfter(wait)) =
        rate_limits::check(&mut tx, &misses_key, &[MISSES_PER_ADDRESS], now).await?
    {
        return Err(too_many(wait));
    }
    rate_limits::hit(&mut tx, &format!("customer-page:ip:{}", rate_limits::client_of(ip)), &[PER_ADDRESS], now)
        .await?
        .map_err(|rate_limits::RetryAfter(wait)| too_many(wait))?;
    let token_hash = crypto::token_hash(token);
    let found = if plausible_token(token) { db::invoice_links::resolve(&mut *tx, &token_hash).await? } else { None };
    let invoice = match found {
        Some(link) => {
            db::invoices::find(&mut *tx, link.business_id, link.invoice_id).await?.map(|i| (link.business_id, i))
        }
        None => None,
    };
    let Some((business_id, invoice)) = invoice else {
        rate_limits::record(&mut tx, &misses_key, now).await?;
        tx.commit().await?;
        return Err(Error::NotFound);
    };
    tx.commit().await?;
    Ok(OpenedLink { business_id, invoice_id: invoice.id, token_hash })
}

/// A party as the customer's page shows it: as the document was issued.
#[derive(Debug, Clone, Default)]
pub struct ShownParty {
    pub name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub vat_number: String,
    pub registration_id: String,
    /// The seller's bank details (empty for the buyer).
    pub iban: String,
    pub bic: String,
}

impl ShownParty {
    fn of(party: &fastfaktura_documents::Party, payment: Option<&fastfaktura_documents::PaymentDetails>) -> Self {
        ShownParty {
            name: party.name.clone(),
            address_line: party.address_lines.join(", "),
            postal_code: party.postcode.clone(),
            city: party.city.clone(),
            country: party.country.clone(),
            vat_number: party.vat_id.clone().unwrap_or_default(),
            registration_id: party.registration_id.clone().unwrap_or_default(),
            iban: payment.and_then(|p| p.iban.clone()).unwrap_or_default(),
            bic: payment.and_then(|p| p.bic.clone()).unwrap_or_default(),
        }
    }
}

/// What the customer sees of one document.
pub struct CustomerView {
    pub business_id: Uuid,
    pub detail: InvoiceDetail,
    pub totals: fastfaktura_domain::Totals,
    pub seller: ShownParty,
    pub has_logo: bool,
    pub buyer: ShownParty,
    /// The document's language (`en` or `is`).
    pub language: String,
    /// An invoice with money still owed.
    pub is_open: bool,
    /// The business takes cards (Stripe is set up) and the open amount is chargeable.
    pub card_payment: bool,
    /// How to pay by bank transfer, as the document says.
    pub transfer: Vec<crate::invoicing::payee::TransferRow>,
}

/// The customer's view of the document behind `token`. A visit by anyone but the
/// business's own signed-in members (`viewer`) counts as the customer's view.
pub async fn customer_view(
    state: &AppState,
    ip: &str,
    token: &str,
    viewer: Option<Uuid>,
    count_view: bool,
) -> Result<CustomerView, Error> {
    let link = open_link(state, ip, token).await?;
    let business_id = link.business_id;
    if count_view && viewer != Some(business_id) {
        let now = state.clock.now();
        let mut tx = state.db.begin().await?;
        let first = db::invoice_links::record_view(&mut *tx, &link.token_hash, now).await?;
        if first {
            let viewed = crate::webhooks::EventType::InvoiceViewed;
            let extra = serde_json::json!({ "viewed_at": now });
            crate::webhooks::record_invoice_event(&mut tx, business_id, viewed, link.invoice_id, extra, now).await?;
        }
        tx.commit().await?;
        if first {
            tracing::info!(%business_id, invoice_id = %link.invoice_id, "customer viewed the document for the first time");
        }
    }
    let detail = invoice_detail(state, business_id, link.invoice_id).await?;
    let totals = match &detail.totals {
        Some(totals) => totals.clone(),
        None => super::totals(&detail.invoice, &detail.lines)?,
    };
    // A customer link exists for issued documents only, and those have their record.
    let parties = detail.parties.clone().ok_or(Error::NotFound)?;
    let open = detail.open();
    let invoice = &detail.invoice;
    let is_open = invoice.kind == InvoiceKind::Invoice && !invoice.voided && open > Decimal::ZERO;
    let card_payment = is_open
        && db::business_secrets::find(&state.db, business_id, payments::SECRET_KEY).await?.is_some()
        && amounts::to_stripe(open, invoice.currency).is_ok();
    Ok(CustomerView {
        business_id,
        seller: ShownParty::of(&parties.seller, Some(&parties.payment)),
        has_logo: db::issued_documents::logo(&state.db, business_id, link.invoice_id).await?.is_some(),
        buyer: ShownParty::of(&parties.buyer, None),
        language: parties.language.clone(),
        is_open,
        card_payment,
        transfer: crate::invoicing::payee::transfer_rows(&parties.payment),
        totals,
        detail,
    })
}

/// The logo the document was issued with, on the customer's page: its content type
/// and bytes.
pub async fn customer_logo(state: &AppState, ip: &str, token: &str) -> Result<(&'static str, Vec<u8>), Error> {
    let link = open_link(state, ip, token).await?;
    let image =
        db::issued_documents::logo(&state.db, link.business_id, link.invoice_id).await?.ok_or(Error::NotFound)?;
    let content_type = match fastfaktura_documents::Logo::new(image.clone()).map(|l| l.format()) {
        Ok(fastfaktura_documents::LogoFormat::Jpeg) => "image/jpeg",
        Ok(fastfaktura_documents::LogoFormat::Png) => "image/png",
        Err(_) => return Err(Error::NotFound),
    };
    Ok((content_type, image))
}

/// The document's file for the customer; returns the business too.
pub async fn customer_document(
    state: &AppState,
    ip: &str,
    token: &str,
) -> Result<(Uuid, documents::IssuedDocument), Error> {
    let link = open_link(state, ip, token).await?;
    let doc = documents::issued_document(&state.db, link.business_id, link.invoice_id).await?;
    Ok((link.business_id, doc))
}
