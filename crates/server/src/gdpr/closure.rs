//! Closing a business's account (issue 7 §6b). At once, in one transaction: drafts,
//! customers named on no issued document, the catalogue, recurring schedules, API
//! tokens, provider secrets, customer links, deliveries (recipients), invitations,
//! exports and every membership (so every session) go. What bookkeeping law needs
//! stays, read-only and seen by no one: issued invoices and credit notes, their
//! customers, lines and payments, the profile and logo that print on them, until
//! `retain_until` = the end of the year of the last issued document plus the country's
//! years (`gdpr.retention_years`). Then [`purge_expired`] deletes the business.
//! A second closure changes nothing.

use sqlx::PgPool;
use time::{Date, Month, OffsetDateTime};
use uuid::Uuid;

use crate::{
    audit::{self, Actor, AuditEvent, Category, RequestMeta},
    config::GdprSettings,
};

/// The last day the documents must be kept: 31 December of the year of the last
/// issued document (or of today, if none), plus `years`.
pub fn retain_until(last_issued: Option<Date>, today: Date, years: u32) -> Date {
    let base = last_issued.unwrap_or(today).year();
    Date::from_calendar_date(base + years as i32, Month::December, 31).expect("31 December exists")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    Now { retain_until: Date, issued_kept: i64 },
    AlreadyClosed { retain_until: Option<Date> },
}

pub async fn close_business(
    db: &PgPool,
    settings: &GdprSettings,
    business_id: Uuid,
    by: Uuid,
    meta: &RequestMeta,
    now: OffsetDateTime,
) -> Result<Closed, sqlx::Error> {
    let mut tx = db.begin().await?;
    let business =
        sqlx::query!("SELECT country, closed_at, retain_until FROM businesses WHERE id = $1 FOR UPDATE", business_id)
            .fetch_one(&mut *tx)
            .await?;
    if business.closed_at.is_some() {
        return Ok(Closed::AlreadyClosed { retain_until: business.retain_until });
    }
    let issued = sqlx::query!(
        r#"SELECT count(*) AS "n!", max(issue_date) AS last FROM invoices
           WHERE business_id = $1 AND status <> 'draft' AND kind IN ('invoice', 'credit_note')"#,
        business_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let country = business.country.clone();
    let keep_until = retain_until(issued.last, now.date(), settings.years_for(&country));
    // Children first; only drafts and quotes are deleted among documents. Issued quotes
    // are immutable like invoices, so the purge switch is on for these statements only.
    sqlx::query_scalar!("SELECT set_config('fastfaktura.retention_purge', 'on', true)").fetch_one(&mut *tx).await?;
    for sql in [
        "DELETE FROM recurring_invoices WHERE business_id = $1",
        "DELETE FROM invoice_links WHERE business_id = $1",
        "DELETE FROM invoice_deliveries WHERE business_id = $1",
        "DELETE FROM invoices WHERE business_id = $1 AND status = 'draft'",
        "DELETE FROM invoices i WHERE business_id = $1 AND kind = 'quote'
           AND NOT EXISTS (SELECT 1 FROM invoices j WHERE j.business_id = i.business_id AND j.source_quote_id = i.id)",
        "DELETE FROM customers c WHERE business_id = $1
           AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.business_id = c.business_id AND i.customer_id = c.id)",
        "DELETE FROM products WHERE business_id = $1",
        "DELETE FROM api_tokens WHERE business_id = $1",
        "DELETE FROM idempotency_keys WHERE business_id = $1",
        "DELETE FROM business_secrets WHERE business_id = $1",
        // Its own SMS provider account (credentials) goes with it too.
        "DELETE FROM business_sms_providers WHERE business_id = $1",
        "DELETE FROM business_quotas WHERE business_id = $1",
        "DELETE FROM invitations WHERE business_id = $1",
        "DELETE FROM data_exports WHERE business_id = $1",
        "DELETE FROM sessions WHERE business_id = $1",
        "DELETE FROM business_members WHERE business_id = $1",
    ] {
        // Fixed statements above, never input.
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(business_id).execute(&mut *tx).await?;
    }
    sqlx::query_scalar!("SELECT set_config('fastfaktura.retention_purge', 'off', true)").fetch_one(&mut *tx).await?;
    sqlx::query!("UPDATE businesses SET closed_at = $2, retain_until = $3 WHERE id = $1", business_id, now, keep_until)
        .execute(&mut *tx)
        .await?;
    let event = AuditEvent::new(now, Category::Security, "account.closed")
        .actor(Actor::User(by))
        .business(business_id)
        .target(business_id.to_string())
        .request(meta)
        .details(serde_json::json!({
            "issued_documents_kept": issued.n,
            "retain_until": keep_until.to_string(),
            "country": country,
            "reason": "issued invoices and credit notes are kept as bookkeeping law requires (GDPR Art. 17(3)(b))",
        }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok(Closed::Now { retain_until: keep_until, issued_kept: issued.n })
}

/// Deletes closed businesses whose `retain_until` has passed, each in its own
/// transaction, recording each deletion. Returns how many were deleted.
pub async fn purge_expired(db: &PgPool, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let due: Vec<Uuid> = sqlx::query_scalar!(
        "SELECT id FROM businesses WHERE closed_at IS NOT NULL AND retain_until < $1 ORDER BY retain_until",
        now.date()
    )
    .fetch_all(db)
    .await?;
    let mut purged = 0;
    for business_id in due {
        let mut tx = db.begin().await?;
        // The invoice triggers let issued documents be deleted only with this set.
        sqlx::query_scalar!("SELECT set_config('fastfaktura.retention_purge', 'on', true)").fetch_one(&mut *tx).await?;
        let deleted = sqlx::query!(
            "DELETE FROM businesses WHERE id = $1 AND closed_at IS NOT NULL AND retain_until < $2",
            business_id,
            now.date()
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if deleted == 1 {
            let event = AuditEvent::new(now, Category::Security, "account.purged")
                .business(business_id)
                .target(business_id.to_string());
            audit::record(&mut *tx, &event).await?;
            purged += 1;
        }
        tx.commit().await?;
    }
    Ok(purged)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn documents_are_kept_at_least_the_statutory_years_after_the_year_they_were_issued() {
        let settings = GdprSettings::default();
        // RET-4 over many dates and every configured country: never before the
        // statutory end (end of the issue year + years), and on 31 December.
        for (country, years) in &settings.retention_years {
            for offset in (0..3650).step_by(37) {
                let issued = date!(2020 - 01 - 01) + time::Duration::days(offset);
                let until = retain_until(Some(issued), date!(2031 - 06 - 01), settings.years_for(country));
                assert!(until.year() >= issued.year() + *years as i32, "{country} {issued}");
                assert_eq!((until.month(), until.day()), (Month::December, 31));
            }
        }
        assert_eq!(settings.years_for("PL"), 10, "unknown countries get the longest period");
        assert_eq!(retain_until(None, date!(2026 - 11 - 24), 7), date!(2033 - 12 - 31));
    }
}
