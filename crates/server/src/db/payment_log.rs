//! The operator's payment log (`/admin/payments`): card payments, Stripe webhook
//! events and Checkout attempts across every business, newest first, filtered and
//! paged in SQL. Only non-secret columns are read: the Checkout URL (which lets
//! anyone pay the session) and every key stay out of the console.

use rust_decimal::Decimal;
use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::operator::escape_like;

/// What the operator narrowed the log to. Empty strings and `None` mean "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Part of a business's name (case-insensitive), or its id.
    pub business: String,
    /// The start of an event type or outcome (events only), e.g. `charge.` or `ignored`.
    pub kind: String,
    /// Inclusive day range in UTC.
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub limit: i64,
    pub offset: i64,
}

impl Filter {
    fn business_like(&self) -> String {
        escape_like(&self.business.trim().to_lowercase())
    }

    fn business_id(&self) -> Option<Uuid> {
        self.business.trim().parse().ok()
    }

    fn kind_like(&self) -> String {
        escape_like(&self.kind.trim().to_lowercase())
    }

    /// The range as instants: [from 00:00, the day after `to` 00:00).
    fn instants(&self) -> (Option<OffsetDateTime>, Option<OffsetDateTime>) {
        let start = self.from.map(|d| d.midnight().assume_utc());
        let end = self.to.and_then(|d| d.next_day()).map(|d| d.midnight().assume_utc());
        (start, end)
    }
}

#[derive(Debug, Clone)]
pub struct CardPaymentRow {
    pub created_at: OffsetDateTime,
    pub paid_on: Date,
    pub business_id: Uuid,
    pub business_name: String,
    pub document_number: Option<String>,
    pub amount: Decimal,
    pub refunded: Decimal,
    pub currency: String,
    /// The Stripe PaymentIntent id (an identifier, not a secret).
    pub provider_ref: Option<String>,
}

/// Card payments (method `card`, whether from Stripe or typed in by the business).
pub async fn card_payments(db: impl PgExecutor<'_>, f: &Filter) -> Result<Vec<CardPaymentRow>, sqlx::Error> {
    let (start, end) = f.instants();
    sqlx::query_as!(
        CardPaymentRow,
        r#"SELECT p.created_at, p.paid_on, b.id AS business_id, b.name AS business_name, i.number AS document_number,
                  p.amount, p.refunded, i.currency, p.provider_ref
           FROM payments p
           JOIN businesses b ON b.id = p.business_id
           JOIN invoices i ON i.business_id = p.business_id AND i.id = p.invoice_id
           WHERE p.method = 'card'
             AND ($1 = '' OR lower(b.name) LIKE '%' || $1 || '%' OR b.id = $2)
             AND ($3::timestamptz IS NULL OR p.created_at >= $3)
             AND ($4::timestamptz IS NULL OR p.created_at < $4)
           ORDER BY p.created_at DESC, p.id LIMIT $5 OFFSET $6"#,
        f.business_like(),
        f.business_id(),
        start,
        end,
        f.limit,
        f.offset
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone)]
pub struct EventRow {
    pub received_at: OffsetDateTime,
    pub business_id: Uuid,
    pub business_name: String,
    pub event_id: String,
    pub kind: String,
    pub outcome: String,
}

/// Verified Stripe webhook events and what processing them did.
pub async fn events(db: impl PgExecutor<'_>, f: &Filter) -> Result<Vec<EventRow>, sqlx::Error> {
    let (start, end) = f.instants();
    sqlx::query_as!(
        EventRow,
        r#"SELECT e.received_at, b.id AS business_id, b.name AS business_name, e.event_id, e.type AS kind, e.outcome
           FROM stripe_events e
           JOIN businesses b ON b.id = e.business_id
           WHERE ($1 = '' OR lower(b.name) LIKE '%' || $1 || '%' OR b.id = $2)
             AND ($3 = '' OR lower(e.type) LIKE $3 || '%' OR lower(e.outcome) LIKE $3 || '%')
             AND ($4::timestamptz IS NULL OR e.received_at >= $4)
             AND ($5::timestamptz IS NULL OR e.received_at < $5)
           ORDER BY e.received_at DESC, e.event_id LIMIT $6 OFFSET $7"#,
        f.business_like(),
        f.business_id(),
        f.kind_like(),
        start,
        end,
        f.limit,
        f.offset
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone)]
pub struct CheckoutRow {
    pub created_at: OffsetDateTime,
    pub business_id: Uuid,
    pub business_name: String,
    pub document_number: Option<String>,
    pub amount: Decimal,
    pub currency: String,
    pub settled_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
    /// Whether Stripe answered with a session (false: the call failed or is pending).
    pub has_session: bool,
}

/// Checkout attempts ("Pay" pressed by a customer); never their URL.
pub async fn checkouts(db: impl PgExecutor<'_>, f: &Filter) -> Result<Vec<CheckoutRow>, sqlx::Error> {
    let (start, end) = f.instants();
    sqlx::query_as!(
        CheckoutRow,
        r#"SELECT c.created_at, b.id AS business_id, b.name AS business_name, i.number AS document_number,
                  c.amount, c.currency, c.settled_at, c.expires_at, (c.session_id IS NOT NULL) AS "has_session!"
           FROM stripe_checkouts c
           JOIN businesses b ON b.id = c.business_id
           JOIN invoices i ON i.business_id = c.business_id AND i.id = c.invoice_id
           WHERE ($1 = '' OR lower(b.name) LIKE '%' || $1 || '%' OR b.id = $2)
             AND ($3::timestamptz IS NULL OR c.created_at >= $3)
             AND ($4::timestamptz IS NULL OR c.created_at < $4)
           ORDER BY c.created_at DESC, c.id LIMIT $5 OFFSET $6"#,
        f.business_like(),
        f.business_id(),
        start,
        end,
        f.limit,
        f.offset
    )
    .fetch_all(db)
    .await
}
