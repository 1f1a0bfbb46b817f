//! Getting paid by card through Stripe: the customer's "Pay" (a Checkout Session),
//! Stripe's webhook events, and the reconciliation that catches events never received.
//!
//! All three record a payment through one function, keyed by the PaymentIntent id, so
//! whichever arrives first records it and the others change nothing. The business's
//! own Stripe keys are used (FastFaktura never holds the money); they live sealed in
//! `business_secrets` and are opened only for the call that needs them.

pub mod checkout;
pub mod claims;
pub mod reconcile;
pub mod webhook;

use fastfaktura_domain::Decimal;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    crypto::DerivedKey,
    db::{self, card_payments::NewCardPayment, invoices},
    integrations::stripe::amounts,
    secrets::{self, SecretSlot},
};

/// Names of the business secrets Stripe needs.
pub const SECRET_KEY: &str = "stripe_secret_key";
pub const WEBHOOK_SECRET: &str = "stripe_webhook_secret";
/// The signing secret being rolled away from, accepted until it expires.
pub const PREVIOUS_WEBHOOK_SECRET: &str = "stripe_webhook_secret_previous";

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("the invoice is not open for payment")]
    NotPayable,
    #[error("the invoice is already paid")]
    AlreadyPaid,
    #[error("card payment is not set up for this business")]
    NotSetUp,
    #[error(transparent)]
    NotChargeable(#[from] amounts::NotChargeable),
    #[error(transparent)]
    Stripe(#[from] crate::integrations::stripe::StripeError),
    #[error("a stored Stripe secret does not open: {0}")]
    Secret(#[from] secrets::SecretError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Opens one of the business's Stripe secrets, if it is set (and not expired).
pub async fn open_secret(
    conn: &mut PgConnection,
    kek: &DerivedKey,
    business_id: Uuid,
    name: &str,
    now: OffsetDateTime,
) -> Result<Option<String>, PaymentError> {
    let Some(stored) = db::business_secrets::find(&mut *conn, business_id, name).await? else { return Ok(None) };
    if stored.expires_at.is_some_and(|at| at <= now) {
        return Ok(None);
    }
    Ok(Some(secrets::open(conn, kek, slot(business_id, name), &stored.envelope).await?))
}

/// A payment as Stripe reports it, before it is matched to an invoice.
pub struct ReportedPayment<'a> {
    /// Our invoice id from the object's metadata.
    pub invoice: Option<&'a str>,
    /// Our business id from the metadata; must be the webhook's business.
    pub business: Option<&'a str>,
    pub payment_intent: &'a str,
    /// Stripe's integer amount and currency.
    pub amount: i64,
    pub currency: &'a str,
    pub paid_at: OffsetDateTime,
}

/// Records a reported payment against its invoice once; returns what happened, for
/// the event's record.
pub async fn record_reported_payment(
    conn: &mut PgConnection,
    business_id: Uuid,
    reported: &ReportedPayment<'_>,
    now: OffsetDateTime,
) -> Result<&'static str, sqlx::Error> {
    if reported.business.is_some_and(|b| b != business_id.to_string()) {
        return Ok("ignored: another business's payment");
    }
    let Some(invoice_id) = reported.invoice.and_then(|i| i.parse::<Uuid>().ok()) else {
        return Ok("ignored: not a FastFaktura payment");
    };
    let Some(invoice) = invoices::find(&mut *conn, business_id, invoice_id).await? else {
        return Ok("ignored: unknown invoice");
    };
    let currency = invoice.currency;
    if !reported.currency.eq_ignore_ascii_case(currency.code()) {
        tracing::warn!(%business_id, %invoice_id, "card payment in another currency than the invoice; not recorded");
        return Ok("ignored: currency differs from the invoice");
    }
    let payment = NewCardPayment {
        invoice_id,
        payment_intent: reported.payment_intent,
        amount: amounts::from_stripe(reported.amount, currency),
        paid_on: reported.paid_at.date(),
    };
    if payment.amount <= Decimal::ZERO {
        return Ok("ignored: no amount");
    }
    if db::card_payments::record_card_payment(conn, business_id, &payment, now).await? {
        // Paid by card: the invoice's bank claim asks for the rest, or is cancelled.
        claims::follow_invoice(conn, business_id, invoice_id, now).await?;
        let told = serde_json::json!({
            "amount": payment.amount.to_string(), "paid_on": payment.paid_on, "method": "card", "source": "stripe",
        });
        crate::webhooks::record_payment(conn, business_id, invoice_id, told, now).await?;
        tracing::info!(%business_id, %invoice_id, payment_intent = reported.payment_intent, "card payment recorded");
        Ok("payment recorded")
    } else {
        Ok("payment already recorded")
    }
}

/// Where a business's sealed provider secret lives: its row in `business_secrets`,
/// bound to the business and the secret's name (the envelope's associated data).
pub fn slot(business_id: Uuid, name: &str) -> SecretSlot<'_> {
    SecretSlot { table: "business_secrets", column: "envelope", row: name, tenant: business_id }
}

/// The URL Stripe posts this business's events to (`http::webhooks` serves it).
pub fn stripe_endpoint(public_origin: &str, business_id: Uuid) -> String {
    format!("{public_origin}/webhooks/stripe/{business_id}")
}
