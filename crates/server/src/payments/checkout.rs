//! "Pay" on the customer page: a Stripe Checkout Session for what is still open.
//!
//! The attempt is written (and committed) before Stripe is called, and its id is the
//! Idempotency-Key: if the call times out after Stripe made the session, the next
//! click sends the same key and gets the same session back, never a second one. A
//! click while a session for the same amount is still open goes to that session.

use fastfaktura_domain::{InvoiceKind, InvoiceStatus};
use time::Duration;
use uuid::Uuid;

use super::{PaymentError, SECRET_KEY, open_secret};
use crate::{
    db::{self, card_payments::Checkout},
    integrations::stripe::{NewCheckout, amounts},
    state::AppState,
};

/// Stripe keeps idempotency keys for 24 hours; reuse an attempt well within that.
const REUSE_ATTEMPT_FOR: Duration = Duration::hours(23);
/// A session this close to expiring is not handed to a customer.
const MIN_TIME_LEFT: Duration = Duration::minutes(10);

/// Where the customer should go to pay `invoice_id`: a Stripe Checkout URL.
/// `return_to` is the customer page, where Stripe sends them back.
pub async fn checkout_url(
    state: &AppState,
    business_id: Uuid,
    invoice_id: Uuid,
    return_to: &str,
    locale: &str,
) -> Result<String, PaymentError> {
    let now = state.clock.now();
    let mut conn = state.db.acquire().await?;
    let invoice = db::invoices::find(&mut *conn, business_id, invoice_id).await?.ok_or(PaymentError::NotPayable)?;
    if invoice.kind != InvoiceKind::Invoice || invoice.status != InvoiceStatus::Issued || invoice.voided {
        return Err(PaymentError::NotPayable);
    }
    let open =
        db::invoices::open_amount(&mut conn, business_id, invoice_id, invoice.payable.unwrap_or_default()).await?;
    if open <= fastfaktura_domain::Decimal::ZERO {
        return Err(PaymentError::AlreadyPaid);
    }
    let currency = invoice.currency;
    let amount = amounts::to_stripe(open, currency)?;
    let secret_key =
        open_secret(&mut conn, &state.keys.kek, business_id, SECRET_KEY, now).await?.ok_or(PaymentError::NotSetUp)?;

    let reusable = db::card_payments::reusable_checkout(
        &mut *conn,
        business_id,
        invoice_id,
        open,
        now - REUSE_ATTEMPT_FOR,
        now + MIN_TIME_LEFT,
    )
    .await?;
    let operation_id = match reusable {
        Some(Checkout { url: Some(url), .. }) => return Ok(url),
        // Created but never answered: ask again with the same key.
        Some(Checkout { id, .. }) => id,
        None => {
            db::card_payments::start_checkout(&mut *conn, business_id, invoice_id, open, currency.code(), now).await?
        }
    };
    drop(conn);

    let description =
        format!("{} {}", invoice.number.as_deref().unwrap_or_default(), business_name(state, business_id).await?);
    let customer_email = db::customers::find(&state.db, business_id, invoice.customer_id).await?.map(|c| c.email);
    let success_url = format!("{return_to}?payment=done");
    let request = NewCheckout {
        operation_id,
        business_id,
        invoice_id,
        description: description.trim(),
        amount,
        currency: currency.code(),
        success_url: &success_url,
        cancel_url: return_to,
        customer_email: customer_email.as_deref().filter(|e| !e.is_empty()),
        locale,
    };
    let session = state.stripe.create_checkout_session(&secret_key, &request).await?;
    let url = session.url.clone().ok_or_else(|| {
        crate::integrations::stripe::StripeError::Unreachable("Stripe returned a session without a URL".into())
    })?;
    let expires_at = session.expires_at.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok());
    db::card_payments::session_created(&state.db, business_id, operation_id, &session.id, &url, expires_at).await?;
    tracing::info!(%business_id, %invoice_id, checkout = %operation_id, "checkout session ready");
    Ok(url)
}

async fn business_name(state: &AppState, business_id: Uuid) -> Result<String, sqlx::Error> {
    Ok(db::businesses::profile(&state.db, business_id).await?.name)
}
