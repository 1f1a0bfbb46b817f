//! The read model of a customer's account statement: every issued invoice and credit
//! note and every payment (after refunds) of one customer, oldest first. Quotes and
//! drafts owe nothing and are left out. On one day, documents come before payments,
//! each in number order, so the running balance reads the same on every print.

use rust_decimal::Decimal;
use sqlx::PgExecutor;
use time::Date;
use uuid::Uuid;

/// One row of the statement: `kind` is `invoice`, `credit_note` or `payment`;
/// `amount` is as stored (positive), the sign is the statement's to give.
#[derive(Debug, Clone)]
pub struct StatementRow {
    pub kind: String,
    pub reference: String,
    pub date: Date,
    pub due_date: Option<Date>,
    pub currency: String,
    pub amount: Decimal,
}

pub async fn for_customer(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    customer_id: Uuid,
) -> Result<Vec<StatementRow>, sqlx::Error> {
    sqlx::query_as!(
        StatementRow,
        r#"SELECT kind AS "kind!", reference AS "reference!", date AS "date!", due_date, currency AS "currency!",
                  amount AS "amount!"
           FROM (
             SELECT i.kind, i.number AS reference, i.issue_date AS date,
                    CASE WHEN i.kind = 'invoice' THEN i.due_date END AS due_date,
                    i.currency, i.payable AS amount, 0 AS rank
               FROM invoices i
              WHERE i.business_id = $1 AND i.customer_id = $2 AND i.status = 'issued'
                AND i.kind IN ('invoice', 'credit_note')
             UNION ALL
             SELECT 'payment', i.number, p.paid_on, NULL, i.currency, p.amount - p.refunded, 1
               FROM payments p JOIN invoices i ON i.business_id = p.business_id AND i.id = p.invoice_id
              WHERE p.business_id = $1 AND i.customer_id = $2 AND p.amount > p.refunded
           ) entries
           ORDER BY date, rank, reference"#,
        business_id,
        customer_id
    )
    .fetch_all(db)
    .await
}
