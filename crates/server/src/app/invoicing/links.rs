//! The customer's link to an issued document: `/i/{token}` with 256 random bits, so it
//! cannot be guessed; rotatable (a new token, the old one stops working) and
//! revocable. The owner can copy the link again at any time: the token is kept sealed
//! under a key derived from the master key and bound to its row, next to its hash.
//!
//! The customer's side is here too: opening a link (rate-limited per address, an
//! unknown token counting against a much smaller budget) and what the customer sees.

use uuid::Uuid;

use fastfaktura_domain::{Decimal, InvoiceKind, InvoiceStatus};
use time::{Duration, OffsetDateTime};

use super::views::{InvoiceDetail, invoice_detail};
use crate::{
    app::{Caller, Error},
    crypto::{self, DerivedKey},
    db::{
        self,
        businesses::BusinessProfile,
        customers::Customer,
        invoice_links::{LiveLink, NewLink},
        rate_limits::{self, Limit},
    },
    i18n::Text,
    integrations::stripe::amounts,
    invoicing::documents,
    payments,
    state::AppState,
};

fn aad(business_id: Uuid, link_id: Uuid) -> Vec<u8> {
    format!("invoice_links:token:{business_id}:{link_id}").into_bytes()
}

/// The live link's token, creating the link on first use. Only issued documents have
/// one: a draft can still change and must not be shown to the customer.
pub async fn link_token(state: &AppState, business_id: Uuid, invoice_id: Uuid) -> Result<String, Error> {
    let invoice = db::invoices::find(&state.db, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    if invoice.status != InvoiceStatus::Issued {
        return Err(not_shareable());
    }
    if let Some(live) = db::invoice_links::live(&state.db, business_id, invoice_id).await? {
        return unseal(&state.keys.invoice_links, business_id, &live);
    }
    rotate(state, business_id, invoice_id).await
}

/// The token of a stored link.
pub fn unseal(key: &DerivedKey, business_id: Uuid, live: &LiveLink) -> Result<String, Error> {
    let token = key
        .open(&live.token_sealed, &aad(business_id, live.id))
        .map_err(|e| anyhow::anyhow!("customer link {} of business {business_id}: {e}", live.id))?;
    Ok(String::from_utf8(token).map_err(anyhow::Error::from)?)
}

/// A new token for the document; the previous link stops working at once.
pub async fn rotate(state: &AppState, business_id: Uuid, invoice_id: Uuid) -> Result<String, Error> {
    let mut tx = state.db.begin().await?;
    let invoice = db::invoices::find_for_update(&mut tx, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    if invoice.status != InvoiceStatus::Issued {
        return Err(not_shareable());
    }
    let id = Uuid::new_v4();
    let token = crypto::new_token();
    let sealed = state.keys.invoice_links.seal(token.as_bytes(), &aad(business_id, id));
    let hash = crypto::token_hash(&token);
    let link = NewLink { id, token_hash: &hash, token_sealed: &sealed };
    db::invoice_links::replace(&mut tx, business_id, invoice_id, link, state.clock.now()).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %invoice_id, "customer link created");
    Ok(token)
}

/// Gives the document its first customer link, in the caller's transaction, for a
/// message sent without a click (a reminder, a recurring invoice). A document whose
/// link the owner turned off keeps it off: automatic messages never bring one back.
pub async fn create_first_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    key: &DerivedKey,
    business_id: Uuid,
    invoice_id: Uuid,
    now: time::OffsetDateTime,
) -> Result<(), sqlx::Error> {
    if db::invoice_links::ever_had(&mut **tx, business_id, invoice_id).await? {
        return Ok(());
    }
    let id = Uuid::new_v4();
    let token = crypto::new_token();
    let sealed = key.seal(token.as_bytes(), &aad(business_id, id));
    let hash = crypto::token_hash(&token);
    let link = NewLink { id, token_hash: &hash, token_sealed: &sealed };
    db::invoice_links::replace(tx, business_id, invoice_id, link, now).await?;
    tracing::info!(%business_id, %invoice_id, "customer link created for an automatic message");
    Ok(())
}

/// Ends the document's customer link; returns whether there was one.
pub async fn revoke(state: &AppState, business_id: Uuid, invoice_id: Uuid) -> Result<bool, Error> {
    db::invoices::find(&state.db, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let revoked = db::invoice_links::revoke(&state.db, business_id, invoice_id, state.clock.now()).await?;
    if revoked {
        tracing::info!(%business_id, %invoice_id, "customer link revoked");
    }
    Ok(revoked)
}

fn not_shareable() -> Error {
    Error::Conflict(Text::from("Only issued documents can be shared with the customer.".to_owned()))
}

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

/// What the owner's page shows about a document's live link.
pub struct CustomerLink {
    pub url: String,
    pub view_count: i32,
    pub first_viewed_at: Option<OffsetDateTime>,
}

/// The live link of a document, if it has one.
pub async fn customer_link(
    state: &AppState,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Option<CustomerLink>, Error> {
    let Some(live) = db::invoice_links::live(&state.db, business_id, invoice_id).await? else { return Ok(None) };
    let token = unseal(&state.keys.invoice_links, business_id, &live)?;
    Ok(Some(CustomerLink {
        url: format!("{}/i/{token}", state.settings.public_origin()),
        view_count: live.view_count,
        first_viewed_at: live.first_viewed_at,
    }))
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
    let misses_key = format!("customer-page-miss:ip:{ip}");
    let too_many = |retry_after| Error::TooManyRequests { message: Text::key("customer-page-too-many"), retry_after };
    if let Err(rate_limits::RetryAfter(wait)) =
        rate_limits::check(&mut tx, &misses_key, &[MISSES_PER_ADDRESS], now).await?
    {
        return Err(too_many(wait));
    }
    rate_limits::hit(&mut tx, &format!("customer-page:ip:{ip}"), &[PER_ADDRESS], now)
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

/// What the customer sees of one document.
pub struct CustomerView {
    pub business_id: Uuid,
    pub detail: InvoiceDetail,
    pub totals: fastfaktura_domain::Totals,
    pub seller: BusinessProfile,
    pub has_logo: bool,
    pub buyer: Customer,
    /// An invoice with money still owed.
    pub is_open: bool,
    /// The business takes cards (Stripe is set up) and the open amount is chargeable.
    pub card_payment: bool,
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
        let first = db::invoice_links::record_view(&state.db, &link.token_hash, state.clock.now()).await?;
        if first {
            tracing::info!(%business_id, invoice_id = %link.invoice_id, "customer viewed the document for the first time");
        }
    }
    let detail = invoice_detail(state, business_id, link.invoice_id).await?;
    let totals = match &detail.totals {
        Some(totals) => totals.clone(),
        None => super::totals(&detail.invoice, &detail.lines)?,
    };
    let buyer =
        db::customers::find(&state.db, business_id, detail.invoice.customer_id).await?.ok_or(Error::NotFound)?;
    let open = detail.open();
    let invoice = &detail.invoice;
    let is_open = invoice.kind == InvoiceKind::Invoice && !invoice.voided && open > Decimal::ZERO;
    let card_payment = is_open
        && db::business_secrets::find(&state.db, business_id, payments::SECRET_KEY).await?.is_some()
        && amounts::to_stripe(open, invoice.currency).is_ok();
    Ok(CustomerView {
        business_id,
        seller: db::businesses::profile(&state.db, business_id).await?,
        has_logo: db::logos::exists(&state.db, business_id).await?,
        buyer,
        is_open,
        card_payment,
        totals,
        detail,
    })
}

/// The business's logo on the customer's page.
pub async fn customer_logo(state: &AppState, ip: &str, token: &str) -> Result<db::logos::StoredLogo, Error> {
    let link = open_link(state, ip, token).await?;
    db::logos::find(&state.db, link.business_id).await?.ok_or(Error::NotFound)
}

/// The document's file for the customer; returns the business too.
pub async fn customer_document(
    state: &AppState,
    ip: &str,
    token: &str,
) -> Result<(Uuid, fastfaktura_documents::InvoiceDocument), Error> {
    let link = open_link(state, ip, token).await?;
    let doc = documents::issued_document(&state.db, link.business_id, link.invoice_id).await?;
    Ok((link.business_id, doc))
}

/// A well-formed token is 64 hex digits; anything else is not looked up at all.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}
