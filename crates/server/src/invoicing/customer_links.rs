//! The customer's link to an issued document: `/i/{token}` with 256 random bits, so it
//! cannot be guessed; rotatable (a new token, the old one stops working) and
//! revocable. The owner can copy the link again at any time: the token is kept sealed
//! under a key derived from the master key and bound to its row, next to its hash.
//!
//! Below the application layer because sending and reminders need it too; the
//! owner's and the customer's operations on a link are `app::invoicing::links`.

use fastfaktura_domain::InvoiceStatus;
use uuid::Uuid;

use crate::{
    app::Error,
    crypto::{self, DerivedKey},
    db::{
        self,
        invoice_links::{LiveLink, NewLink},
    },
    i18n::Text,
    jobs::WorkerContext,
    state::AppState,
};

pub(crate) fn aad(business_id: Uuid, link_id: Uuid) -> Vec<u8> {
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

/// A well-formed token is 64 hex digits; anything else is not looked up at all.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The customer-page link of a delivered document, if the owner has not turned it off
/// (for the email and SMS a delivery job writes).
pub async fn live_link(ctx: &WorkerContext, business_id: Uuid, invoice_id: Uuid) -> Result<Option<String>, String> {
    let live = db::invoice_links::live(&ctx.db, business_id, invoice_id).await.map_err(|e| format!("database: {e}"))?;
    match live {
        Some(live) => {
            let token = unseal(&ctx.link_key, business_id, &live).map_err(|e| e.to_string())?;
            Ok(Some(format!("{}/i/{token}", ctx.public_origin)))
        }
        None => Ok(None),
    }
}
