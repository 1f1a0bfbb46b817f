//! Payments recorded against issued invoices: by hand (bank transfer, cash, other) or
//! by card through Stripe (with its refunds). What is still open on an invoice is
//! worked out from these and the invoice's issued credit notes.

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::invoices::credited_total;

#[derive(Debug, Clone)]
pub struct Payment {
    pub paid_on: Date,
    pub amount: Decimal,
    pub method: String,
    pub reference: String,
}

/// What is still to be paid on an issued invoice: `payable` − payments (after refunds)
/// − issued credit notes. The list and dashboard queries compute the same in SQL.
pub async fn open_amount(
    conn: &mut PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    payable: Decimal,
) -> Result<Decimal, sqlx::Error> {
    let paid: Decimal = payments(&mut *conn, business_id, invoice_id).await?.iter().map(|p| p.amount).sum();
    Ok(payable - paid - credited_total(&mut *conn, business_id, invoice_id).await?)
}

/// A payment as recorded: `amount` is what is kept after refunds.
pub struct RecordedPayment {
    pub id: Uuid,
    pub paid_on: Date,
    pub amount: Decimal,
    pub refunded: Decimal,
    pub method: String,
    pub reference: String,
}

pub async fn payments(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<RecordedPayment>, sqlx::Error> {
    sqlx::query_as!(
        RecordedPayment,
        r#"SELECT id, paid_on, amount - refunded AS "amount!", refunded, method, reference FROM payments
           WHERE business_id = $1 AND invoice_id = $2 ORDER BY paid_on, created_at"#,
        business_id,
        invoice_id
    )
    .fetch_all(db)
    .await
}

pub async fn record_payment(
    conn: &mut PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    p: &Payment,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO payments (business_id, id, invoice_id, paid_on, amount, method, reference, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        business_id,
        Uuid::new_v4(),
        invoice_id,
        p.paid_on,
        p.amount,
        p.method,
        p.reference,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a payment recorded by hand or from a bank file (a card payment is refunded
/// through Stripe, never deleted); returns what was deleted and the bank entry it
/// came from, which then waits to be matched again.
pub async fn delete_manual(
    conn: &mut PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    payment_id: Uuid,
) -> Result<Option<(Payment, Option<Uuid>)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"DELETE FROM payments WHERE business_id = $1 AND invoice_id = $2 AND id = $3 AND method <> 'card'
           RETURNING paid_on, amount, method, reference, bank_entry_id"#,
        business_id,
        invoice_id,
        payment_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        let payment = Payment { paid_on: r.paid_on, amount: r.amount, method: r.method, reference: r.reference };
        (payment, r.bank_entry_id)
    }))
}

/// A payment on one of a customer's invoices.
pub struct CustomerPayment {
    pub invoice_id: Uuid,
    pub number: Option<String>,
    pub currency: String,
    pub paid_on: Date,
    pub amount: Decimal,
    pub method: String,
}

/// The payments on a customer's invoices, newest first (at most `limit`).
pub async fn for_customer(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    customer_id: Uuid,
    limit: i64,
) -> Result<Vec<CustomerPayment>, sqlx::Error> {
    sqlx::query_as!(
        CustomerPayment,
        r#"SELECT p.invoice_id, i.number, i.currency, p.paid_on, p.amount - p.refunded AS "amount!", p.method
           FROM payments p JOIN invoices i ON i.business_id = p.business_id AND i.id = p.invoice_id
           WHERE p.business_id = $1 AND i.customer_id = $2
           ORDER BY p.paid_on DESC, p.created_at DESC LIMIT $3"#,
        business_id,
        customer_id,
        limit
    )
    .fetch_all(db)
    .await
}
