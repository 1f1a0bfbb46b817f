//! Card payments through Stripe: checkout attempts, processed webhook events, and
//! payments recorded from either (idempotent by the PaymentIntent id).

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One "Pay" that created (or is creating) a Checkout Session.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount: Decimal,
    pub currency: String,
    pub session_id: Option<String>,
    pub url: Option<String>,
    pub expires_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// The newest unsettled checkout for this invoice and amount made after `since`: a
/// second click pays through the same session (or retries the same creation).
pub async fn reusable_checkout(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
    amount: Decimal,
    since: OffsetDateTime,
    still_open_at: OffsetDateTime,
) -> Result<Option<Checkout>, sqlx::Error> {
    sqlx::query_as!(
        Checkout,
        r#"SELECT id, invoice_id, amount, currency, session_id, url, expires_at, created_at FROM stripe_checkouts
           WHERE business_id = $1 AND invoice_id = $2 AND amount = $3 AND settled_at IS NULL
             AND created_at > $4 AND (expires_at IS NULL OR expires_at > $5)
           ORDER BY created_at DESC LIMIT 1"#,
        business_id,
        invoice_id,
        amount,
        since,
        still_open_at
    )
    .fetch_optional(db)
    .await
}

pub async fn start_checkout(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
    amount: Decimal,
    currency: &str,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO stripe_checkouts (business_id, id, invoice_id, amount, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        business_id,
        id,
        invoice_id,
        amount,
        currency,
        now
    )
    .execute(db)
    .await?;
    Ok(id)
}

pub async fn session_created(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    session_id: &str,
    url: &str,
    expires_at: Option<OffsetDateTime>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE stripe_checkouts SET session_id = $3, url = $4, expires_at = $5 WHERE business_id = $1 AND id = $2",
        business_id,
        id,
        session_id,
        url,
        expires_at
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks a session settled (paid and recorded, or expired): reconciliation stops asking.
pub async fn settle_session(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    session_id: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE stripe_checkouts SET settled_at = $3 WHERE business_id = $1 AND session_id = $2 AND settled_at IS NULL",
        business_id,
        session_id,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Sessions to ask Stripe about: created between `from` and `until`, not settled.
pub async fn unsettled_sessions(
    db: impl PgExecutor<'_>,
    from: OffsetDateTime,
    until: OffsetDateTime,
    limit: i64,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT business_id, session_id AS "session_id!" FROM stripe_checkouts
           WHERE settled_at IS NULL AND session_id IS NOT NULL AND created_at BETWEEN $1 AND $2
           ORDER BY created_at LIMIT $3"#,
        from,
        until,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.business_id, r.session_id)).collect())
}

/// Claims a webhook event for processing; false when it was seen before.
pub async fn claim_event(
    conn: &mut PgConnection,
    business_id: Uuid,
    event_id: &str,
    kind: &str,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        r#"INSERT INTO stripe_events (business_id, event_id, type, received_at, outcome) VALUES ($1, $2, $3, $4, 'received')
           ON CONFLICT DO NOTHING"#,
        business_id,
        event_id,
        kind,
        now
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

pub async fn event_outcome(
    conn: &mut PgConnection,
    business_id: Uuid,
    event_id: &str,
    outcome: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE stripe_events SET outcome = $3 WHERE business_id = $1 AND event_id = $2",
        business_id,
        event_id,
        outcome
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub struct NewCardPayment<'a> {
    pub invoice_id: Uuid,
    pub payment_intent: &'a str,
    pub amount: Decimal,
    pub paid_on: Date,
}

/// Records a card payment once per PaymentIntent; false when it was already recorded.
pub async fn record_card_payment(
    conn: &mut PgConnection,
    business_id: Uuid,
    payment: &NewCardPayment<'_>,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        r#"INSERT INTO payments (business_id, id, invoice_id, paid_on, amount, method, reference, provider_ref, created_at)
           VALUES ($1, $2, $3, $4, $5, 'card', $6, $6, $7)
           ON CONFLICT (business_id, provider_ref) WHERE provider_ref IS NOT NULL DO NOTHING"#,
        business_id,
        Uuid::new_v4(),
        payment.invoice_id,
        payment.paid_on,
        payment.amount,
        payment.payment_intent,
        now
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Raises the refunded amount of a card payment to Stripe's cumulative figure (never
/// lowers it: an older event arriving late changes nothing). None when no payment
/// with that PaymentIntent is recorded; else whether anything changed.
pub async fn record_refund(
    conn: &mut PgConnection,
    business_id: Uuid,
    payment_intent: &str,
    refunded_total: Decimal,
) -> Result<Option<bool>, sqlx::Error> {
    let current = sqlx::query!(
        "SELECT amount, refunded FROM payments WHERE business_id = $1 AND provider_ref = $2 FOR UPDATE",
        business_id,
        payment_intent
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(current) = current else { return Ok(None) };
    let raised = refunded_total.min(current.amount);
    if raised <= current.refunded {
        return Ok(Some(false));
    }
    sqlx::query!(
        "UPDATE payments SET refunded = $3 WHERE business_id = $1 AND provider_ref = $2",
        business_id,
        payment_intent,
        raised
    )
    .execute(&mut *conn)
    .await?;
    Ok(Some(true))
}
