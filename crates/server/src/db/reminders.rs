//! Reminder schedules (rules per business), the invoices whose reminder day has come,
//! and the claimed day of the daily pass.

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Days after the due date; negative is before it.
    pub offset_days: i32,
    pub by_email: bool,
    pub by_sms: bool,
}

pub async fn rules(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Vec<Rule>, sqlx::Error> {
    sqlx::query_as!(
        Rule,
        "SELECT offset_days, by_email, by_sms FROM reminder_rules WHERE business_id = $1 ORDER BY offset_days",
        business_id
    )
    .fetch_all(db)
    .await
}

/// Replaces the business's schedule with `rules`.
pub async fn replace_rules(conn: &mut PgConnection, business_id: Uuid, rules: &[Rule]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM reminder_rules WHERE business_id = $1", business_id).execute(&mut *conn).await?;
    for rule in rules {
        sqlx::query!(
            "INSERT INTO reminder_rules (business_id, offset_days, by_email, by_sms) VALUES ($1, $2, $3, $4)",
            business_id,
            rule.offset_days,
            rule.by_email,
            rule.by_sms
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// An invoice to remind today, by its latest rule whose day has come.
#[derive(Debug)]
pub struct DueReminder {
    pub business_id: Uuid,
    pub invoice_id: Uuid,
    pub offset_days: i32,
    pub by_email: bool,
    pub by_sms: bool,
    pub email: String,
    pub phone: String,
}

/// Issued invoices with something still to pay (payable − payments − issued credit
/// notes, as the balance of `app::invoicing::views::invoice_detail`) whose latest rule day (due date + offset, after
/// the issue date) is on or before `today` and that have no reminder for that rule or
/// a later one. Rules skipped while the schedule was off are not sent late.
pub async fn due(conn: &mut PgConnection, today: Date) -> Result<Vec<DueReminder>, sqlx::Error> {
    sqlx::query_as!(
        DueReminder,
        r#"SELECT DISTINCT ON (i.business_id, i.id)
                  i.business_id, i.id AS invoice_id, r.offset_days, r.by_email, r.by_sms, c.email, c.phone
           FROM invoices i
           JOIN reminder_rules r ON r.business_id = i.business_id
           JOIN customers c ON c.business_id = i.business_id AND c.id = i.customer_id
           WHERE i.kind = 'invoice' AND i.status = 'issued' AND i.voided_at IS NULL
             AND i.due_date + r.offset_days <= $1
             AND i.due_date + r.offset_days > i.issue_date
             AND i.payable
                 - coalesce((SELECT sum(p.amount - p.refunded) FROM payments p
                             WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0)
                 - coalesce((SELECT sum(cn.payable) FROM invoices cn
                             WHERE cn.business_id = i.business_id AND cn.credited_invoice_id = i.id
                               AND cn.status = 'issued'), 0) > 0
             AND NOT EXISTS (SELECT 1 FROM invoice_deliveries d
                             WHERE d.business_id = i.business_id AND d.invoice_id = i.id
                               AND d.reminder_offset >= r.offset_days)
           ORDER BY i.business_id, i.id, r.offset_days DESC"#,
        today
    )
    .fetch_all(conn)
    .await
}

/// Claims `day` for this transaction's pass; false if another pass did it already.
/// A concurrent pass waits on the row until this transaction ends.
pub async fn claim_day(conn: &mut PgConnection, day: Date, now: OffsetDateTime) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "INSERT INTO reminder_runs (run_on, finished_at, queued) VALUES ($1, $2, 0) ON CONFLICT (run_on) DO NOTHING",
        day,
        now
    )
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

pub async fn record_count(conn: &mut PgConnection, day: Date, queued: i32) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE reminder_runs SET queued = $2 WHERE run_on = $1", day, queued).execute(conn).await?;
    Ok(())
}
