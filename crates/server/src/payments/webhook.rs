//! Stripe's webhook events for one business: verified over the raw body, processed
//! once, in any order.
//!
//! The event id is inserted in the same transaction as the payment or refund it
//! records, so a second delivery (or ten at once) finds the row and changes nothing.
//! Order is never assumed: a payment is keyed by its PaymentIntent whichever event
//! reports it first, a refund only ever raises Stripe's cumulative refunded amount,
//! and a refund for a payment we have not seen yet fetches the PaymentIntent from
//! Stripe to record the payment first. A failure before commit is an error, so the
//! endpoint answers 5xx and Stripe delivers again.

use fastfaktura_stripe_wire::{Charge, Event, ObjectKind, Payload};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    PREVIOUS_WEBHOOK_SECRET, PaymentError, ReportedPayment, SECRET_KEY, WEBHOOK_SECRET, open_secret,
    record_reported_payment,
};
use crate::{
    audit::{self, AuditEvent, Category},
    db,
    integrations::stripe::{
        CheckoutSession, PaymentIntent, amounts,
        signature::{self, SignatureError},
    },
    state::AppState,
};

/// What became of a delivery; the HTTP layer answers 200 or 400 from it.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Verified and processed; the outcome is recorded with the event.
    Processed { event_id: String, outcome: &'static str },
    /// Verified, but this event was processed before.
    Duplicate { event_id: String },
    /// Not verified or not readable: nothing changed.
    Rejected(Rejection),
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("no webhook signing secret is set up for this endpoint")]
    NoSecret,
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("the body is not a Stripe event")]
    NotAnEvent,
}

/// Verifies and processes one delivery to business `business_id`'s endpoint.
pub async fn receive(
    state: &AppState,
    business_id: Uuid,
    signature_header: Option<&str>,
    body: &[u8],
) -> Result<Delivery, PaymentError> {
    let now = state.clock.now();
    let mut conn = state.db.acquire().await?;
    let mut secrets = Vec::new();
    for name in [WEBHOOK_SECRET, PREVIOUS_WEBHOOK_SECRET] {
        if let Some(secret) = open_secret(&mut conn, &state.keys.kek, business_id, name, now).await? {
            secrets.push(secret);
        }
    }
    drop(conn);
    if secrets.is_empty() {
        return Ok(Delivery::Rejected(Rejection::NoSecret));
    }
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    if let Err(e) = signature::verify(signature_header, body, &secrets, now.unix_timestamp()) {
        return Ok(Delivery::Rejected(e.into()));
    }
    let Ok(event) = Event::parse(body) else {
        return Ok(Delivery::Rejected(Rejection::NotAnEvent));
    };

    let mut tx = state.db.begin().await?;
    let audit_event = |action: &str, outcome: &str| {
        AuditEvent::new(now, Category::Payment, action)
            .business(business_id)
            .target(event.id.clone())
            .details(serde_json::json!({ "type": event.kind, "outcome": outcome }))
    };
    if !db::card_payments::claim_event(&mut tx, business_id, &event.id, &event.kind, now).await? {
        audit::record(&mut *tx, &audit_event("payment.webhook.duplicate", "already processed")).await?;
        tx.commit().await?;
        return Ok(Delivery::Duplicate { event_id: event.id });
    }
    let at = OffsetDateTime::from_unix_timestamp(event.created).unwrap_or(now);
    let outcome = match event.payload() {
        Payload::SessionPaid(session) => {
            let outcome = record_session(&mut tx, business_id, &session, at, now).await?;
            db::card_payments::settle_session(&mut *tx, business_id, &session.id, now).await?;
            outcome
        }
        Payload::IntentSucceeded(intent) => record_intent(&mut tx, business_id, &intent, at, now).await?,
        Payload::ChargeRefunded(charge) => record_refund(state, &mut tx, business_id, &charge, at, now).await?,
        Payload::Unreadable(ObjectKind::CheckoutSession) => "ignored: unreadable session",
        Payload::Unreadable(ObjectKind::PaymentIntent) => "ignored: unreadable payment intent",
        Payload::Unreadable(ObjectKind::Charge) => "ignored: unreadable charge",
        Payload::NotUsed => "ignored: event type not used",
    };
    db::card_payments::event_outcome(&mut tx, business_id, &event.id, outcome).await?;
    audit::record(&mut *tx, &audit_event("payment.webhook.processed", outcome)).await?;
    tx.commit().await?;
    Ok(Delivery::Processed { event_id: event.id, outcome })
}

/// A completed Checkout Session: its payment, when it is paid (card payments are;
/// delayed methods report later with `async_payment_succeeded`).
pub(super) async fn record_session(
    conn: &mut sqlx::PgConnection,
    business_id: Uuid,
    session: &CheckoutSession,
    at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<&'static str, sqlx::Error> {
    if session.payment_status != "paid" {
        return Ok("ignored: session not paid yet");
    }
    let (Some(intent), Some(amount), Some(currency)) =
        (session.payment_intent.as_deref(), session.amount_total, session.currency.as_deref())
    else {
        return Ok("ignored: session without payment");
    };
    let reported = ReportedPayment {
        invoice: session.metadata.get("fastfaktura_invoice").map(String::as_str),
        business: session.metadata.get("fastfaktura_business").map(String::as_str),
        payment_intent: intent,
        amount,
        currency,
        paid_at: at,
    };
    record_reported_payment(conn, business_id, &reported, now).await
}

async fn record_intent(
    conn: &mut sqlx::PgConnection,
    business_id: Uuid,
    intent: &PaymentIntent,
    at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<&'static str, sqlx::Error> {
    if intent.status != "succeeded" {
        return Ok("ignored: payment not succeeded");
    }
    let reported = ReportedPayment {
        invoice: intent.metadata.get("fastfaktura_invoice").map(String::as_str),
        business: intent.metadata.get("fastfaktura_business").map(String::as_str),
        payment_intent: &intent.id,
        amount: intent.amount_received,
        currency: &intent.currency,
        paid_at: at,
    };
    record_reported_payment(conn, business_id, &reported, now).await
}

async fn record_refund(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    business_id: Uuid,
    charge: &Charge,
    at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<&'static str, PaymentError> {
    let Some(intent_id) = charge.payment_intent.as_deref() else { return Ok("ignored: refund without payment") };
    let Ok(currency) = fastfaktura_domain::Currency::parse(&charge.currency) else {
        return Ok("ignored: unknown currency");
    };
    let refunded = amounts::from_stripe(charge.amount_refunded, currency);
    if let Some(changed) = db::card_payments::record_refund(conn, business_id, intent_id, refunded).await? {
        return Ok(if changed { "refund recorded" } else { "refund already recorded" });
    }
    // The refund overtook the payment's own events: ask Stripe for the payment.
    let Some(key) = open_secret(conn, &state.keys.kek, business_id, SECRET_KEY, now).await? else {
        return Ok("ignored: refund for an unknown payment and no key to look it up");
    };
    let intent = state.stripe.retrieve_payment_intent(&key, intent_id).await?;
    let recorded = record_intent(conn, business_id, &intent, at, now).await?;
    if recorded != "payment recorded" {
        return Ok(recorded);
    }
    db::card_payments::record_refund(conn, business_id, intent_id, refunded).await?;
    Ok("payment and refund recorded")
}
