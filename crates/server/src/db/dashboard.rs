//! What the dashboard counts and charts: what needs attention, money received per
//! month and what is owed by age, each per currency. Read-only aggregates over the
//! business's invoices, payments and deliveries.

use rust_decimal::Decimal;
use sqlx::PgExecutor;
use time::Date;
use uuid::Uuid;

/// What needs the owner's attention now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attention {
    pub overdue: i64,
    pub drafts: i64,
    /// Issued invoices and quotes never sent (by email or SMS) nor shared by link.
    pub unsent: i64,
    pub failed_deliveries: i64,
    /// Payments from imported bank files that wait to be matched.
    pub unmatched_payments: i64,
}

pub async fn attention(db: impl PgExecutor<'_>, business_id: Uuid, today: Date) -> Result<Attention, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT
             (SELECT count(*) FROM invoices i
               WHERE i.business_id = $1 AND i.kind = 'invoice' AND i.status = 'issued' AND i.voided_at IS NULL
                 AND i.due_date < $2
                 AND i.payable > coalesce((SELECT sum(p.amount - p.refunded) FROM payments p
                                            WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0)
                               + coalesce((SELECT sum(cn.payable) FROM invoices cn WHERE cn.business_id = i.business_id
                                            AND cn.credited_invoice_id = i.id AND cn.status = 'issued'), 0)) AS "overdue!",
             (SELECT count(*) FROM invoices WHERE business_id = $1 AND status = 'draft') AS "drafts!",
             (SELECT count(*) FROM invoices i
               WHERE i.business_id = $1 AND i.status = 'issued' AND i.kind IN ('invoice', 'quote') AND i.voided_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM invoice_deliveries d WHERE d.business_id = i.business_id AND d.invoice_id = i.id)
                 AND NOT EXISTS (SELECT 1 FROM invoice_links l WHERE l.business_id = i.business_id AND l.invoice_id = i.id))
               AS "unsent!",
             (SELECT count(*) FROM invoice_deliveries WHERE business_id = $1 AND status = 'failed') AS "failed!",
             (SELECT count(*) FROM bank_entries WHERE business_id = $1 AND state = 'unmatched') AS "unmatched!""#,
        business_id,
        today
    )
    .fetch_one(db)
    .await?;
    Ok(Attention {
        overdue: row.overdue,
        drafts: row.drafts,
        unsent: row.unsent,
        failed_deliveries: row.failed,
        unmatched_payments: row.unmatched,
    })
}

/// Money received in one month, in one currency (after refunds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthPaid {
    pub currency: String,
    /// The first day of the month.
    pub month: Date,
    pub amount: Decimal,
}

/// Received per month from `since` (the first day of a month) on, oldest first.
pub async fn paid_per_month(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    since: Date,
) -> Result<Vec<MonthPaid>, sqlx::Error> {
    sqlx::query_as!(
        MonthPaid,
        r#"SELECT i.currency AS "currency!", date_trunc('month', p.paid_on)::date AS "month!",
                  sum(p.amount - p.refunded) AS "amount!"
           FROM payments p JOIN invoices i ON i.business_id = p.business_id AND i.id = p.invoice_id
           WHERE p.business_id = $1 AND p.paid_on >= $2
           GROUP BY 1, 2 ORDER BY 1, 2"#,
        business_id,
        since
    )
    .fetch_all(db)
    .await
}

/// What is owed in one currency, by how long past due: not yet due, 1–30, 31–60, 61–90
/// and more than 90 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aging {
    pub currency: String,
    pub buckets: [Decimal; 5],
}

pub async fn aging(db: impl PgExecutor<'_>, business_id: Uuid, today: Date) -> Result<Vec<Aging>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH open AS (
               SELECT i.currency, ($2::date - i.due_date) AS late,
                      i.payable
                        - coalesce((SELECT sum(p.amount - p.refunded) FROM payments p
                                     WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0)
                        - coalesce((SELECT sum(cn.payable) FROM invoices cn WHERE cn.business_id = i.business_id
                                     AND cn.credited_invoice_id = i.id AND cn.status = 'issued'), 0) AS amount
               FROM invoices i
               WHERE i.business_id = $1 AND i.kind = 'invoice' AND i.status = 'issued' AND i.voided_at IS NULL
           )
           SELECT currency AS "currency!",
                  coalesce(sum(amount) FILTER (WHERE late <= 0), 0) AS "current!",
                  coalesce(sum(amount) FILTER (WHERE late BETWEEN 1 AND 30), 0) AS "d30!",
                  coalesce(sum(amount) FILTER (WHERE late BETWEEN 31 AND 60), 0) AS "d60!",
                  coalesce(sum(amount) FILTER (WHERE late BETWEEN 61 AND 90), 0) AS "d90!",
                  coalesce(sum(amount) FILTER (WHERE late > 90), 0) AS "older!"
           FROM open WHERE amount > 0 GROUP BY currency ORDER BY currency"#,
        business_id,
        today
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Aging { currency: r.currency, buckets: [r.current, r.d30, r.d60, r.d90, r.older] })
        .collect())
}
