//! The retention purge (RET-2): deletes whole expired segments (one category, one
//! day) of the audit log, each in its own transaction, and records the purge itself.
//!
//! A segment is deleted only once its head exists; the head stays, marked purged, so
//! the chain of heads (and `audit verify`) still holds afterwards. A purge that stops
//! halfway leaves whole days either purged or intact, both verifiable. Idempotent and
//! safe on several instances: the head is marked under an advisory lock first, and a
//! segment already marked is skipped.

use sqlx::PgPool;
use time::{Date, Month, OffsetDateTime};

use super::{AuditEvent, Category, chain::day_of, record};
use crate::config::RetentionMonths;

const PURGE_LOCK: i64 = 0x6175_6469_7470_7267;

/// The first day that is still kept when `months` are kept as of `today`: the same
/// day of the month `months` earlier (clamped to that month's length).
pub fn first_kept_day(today: Date, months: u32) -> Date {
    let total = today.year() * 12 + (today.month() as i32 - 1) - months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).expect("0..12 + 1 is a month");
    let day = today.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).expect("clamped to the month's length")
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PurgeReport {
    /// (category, day, events deleted) per purged segment.
    pub segments: Vec<(Category, Date, u64)>,
}

impl PurgeReport {
    pub fn events(&self) -> u64 {
        self.segments.iter().map(|s| s.2).sum()
    }
}

/// Deletes every segment older than its category's retention as of `now`.
pub async fn purge_expired(
    db: &PgPool,
    retention: &RetentionMonths,
    now: OffsetDateTime,
    key: &crate::crypto::DerivedKey,
) -> Result<PurgeReport, sqlx::Error> {
    let mut report = PurgeReport::default();
    let today = day_of(now);
    for category in Category::ALL {
        let keep_from = first_kept_day(today, retention.months(category));
        let days: Vec<Date> = sqlx::query_scalar!(
            "SELECT day FROM audit_heads WHERE category = $1 AND purged_at IS NULL AND day < $2 ORDER BY day",
            category.as_str(),
            keep_from
        )
        .fetch_all(db)
        .await?;
        for day in days {
            if let Some(deleted) = purge_segment(db, category, day, now, key).await? {
                tracing::info!(category = category.as_str(), %day, deleted, "audit segment purged");
                report.segments.push((category, day, deleted));
            }
        }
    }
    Ok(report)
}

/// One segment in one transaction; `None` if another run got there first.
async fn purge_segment(
    db: &PgPool,
    category: Category,
    day: Date,
    now: OffsetDateTime,
    key: &crate::crypto::DerivedKey,
) -> Result<Option<u64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query_scalar!("SELECT pg_advisory_xact_lock($1)::text", PURGE_LOCK).fetch_one(&mut *tx).await?;
    // The triggers let a DELETE (and marking a head) through only with this set, and
    // only for this transaction.
    sqlx::query_scalar!("SELECT set_config('fastfaktura.audit_purge', 'on', true)").fetch_one(&mut *tx).await?;
    let head: Option<Vec<u8>> = sqlx::query_scalar!(
        "SELECT head_hash FROM audit_heads WHERE category = $1 AND day = $2 AND purged_at IS NULL",
        category.as_str(),
        day
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(head) = head else { return Ok(None) };
    // The marker carries our MAC: `audit verify` honours no other.
    let mac = super::checkpoints::purge_mac(key, category.as_str(), day, &head);
    sqlx::query!(
        "UPDATE audit_heads SET purged_at = $3, purge_mac = $4 WHERE category = $1 AND day = $2 AND purged_at IS NULL",
        category.as_str(),
        day,
        now,
        &mac[..]
    )
    .execute(&mut *tx)
    .await?;
    let deleted =
        sqlx::query!("DELETE FROM audit_events WHERE category = $1 AND chain_day = $2", category.as_str(), day)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    sqlx::query_scalar!("SELECT set_config('fastfaktura.audit_purge', 'off', true)").fetch_one(&mut *tx).await?;
    let event = AuditEvent::new(now, Category::Security, "audit.purge")
        .target(format!("{}/{day}", category.as_str()))
        .details(serde_json::json!({ "category": category.as_str(), "day": day.to_string(), "events": deleted }));
    record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok(Some(deleted))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn months_are_calendar_months_clamped_to_the_month_length() {
        assert_eq!(first_kept_day(date!(2026 - 11 - 24), 6), date!(2026 - 05 - 24));
        assert_eq!(first_kept_day(date!(2026 - 11 - 24), 12), date!(2025 - 11 - 24));
        assert_eq!(first_kept_day(date!(2026 - 08 - 31), 6), date!(2026 - 02 - 28));
        assert_eq!(first_kept_day(date!(2028 - 08 - 31), 6), date!(2028 - 02 - 29));
        assert_eq!(first_kept_day(date!(2026 - 01 - 15), 36), date!(2023 - 01 - 15));
    }
}
