//! What the quotas need to know about a business: how long it has existed and how
//! much it has invoiced (its standing), and the daily limits an operator set for it.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// How old a business is and how many documents it has issued (counted up to 3).
#[derive(Debug, Clone)]
pub struct Standing {
    pub created_at: OffsetDateTime,
    pub issued: i64,
    pub own_sms_account: bool,
    /// The operator's daily limit for the kind asked about, if set.
    pub per_day: Option<i32>,
}

/// The business's standing and the operator's limit for `kind`, in one query.
pub async fn standing(db: impl PgExecutor<'_>, business_id: Uuid, kind: &str) -> Result<Option<Standing>, sqlx::Error> {
    sqlx::query_as!(
        Standing,
        r#"SELECT b.created_at,
                  -- Only "at least 3" matters: stop counting there, however large the business.
                  (SELECT count(*) FROM (SELECT 1 FROM invoices i WHERE i.business_id = b.id AND i.status = 'issued'
                                         LIMIT 3) first) AS "issued!",
                  EXISTS (SELECT 1 FROM business_sms_providers p WHERE p.business_id = b.id) AS "own_sms_account!",
                  (SELECT q.per_day FROM business_quotas q WHERE q.business_id = b.id AND q.kind = $2) AS per_day
           FROM businesses b WHERE b.id = $1"#,
        business_id,
        kind
    )
    .fetch_optional(db)
    .await
}

/// The limits a quota chose and its verdict (`wait` 0: counted; else seconds until room).
#[derive(Debug, Clone)]
pub struct Taken {
    pub wait: f64,
    pub per_day: i32,
    pub per_10_minutes: i32,
    pub established: bool,
}

/// The four candidate limits of one quota, indexed 1 + 2 × established + own SMS account
/// (the policy is the caller's); a platform limit of 0 means none.
pub struct Candidates {
    pub day: [i32; 4],
    pub burst: [i32; 4],
    pub platform: [i32; 4],
}

/// Checks and counts one message of `kind` for the business in one round trip (the
/// `quota_take` function); `None` when there is no such business.
#[allow(clippy::too_many_arguments)]
pub async fn take(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    kind: &str,
    business_key: &str,
    platform_key: &str,
    candidates: &Candidates,
    established_after: time::Duration,
    established_documents: i32,
    now: OffsetDateTime,
) -> Result<Option<Taken>, sqlx::Error> {
    let established_after = sqlx::postgres::types::PgInterval::try_from(established_after)
        .map_err(|e| sqlx::Error::Encode(e.to_string().into()))?;
    sqlx::query_as!(
        Taken,
        r#"SELECT wait AS "wait!", per_day AS "per_day!", per_10_minutes AS "per_10_minutes!",
                  established AS "established!"
           FROM quota_take($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
        business_id,
        kind,
        business_key,
        platform_key,
        &candidates.day[..],
        &candidates.burst[..],
        &candidates.platform[..],
        established_after,
        established_documents,
        now
    )
    .fetch_optional(db)
    .await
}

/// The operator's daily limit for `kind`, if one is set.
pub async fn override_for(db: impl PgExecutor<'_>, business_id: Uuid, kind: &str) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!("SELECT per_day FROM business_quotas WHERE business_id = $1 AND kind = $2", business_id, kind)
        .fetch_optional(db)
        .await
}

/// Sets (or with `None` removes) the operator's daily limit for `kind`.
pub async fn set_override(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    kind: &str,
    per_day: Option<i32>,
    set_by: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    match per_day {
        Some(per_day) => {
            sqlx::query!(
                r#"INSERT INTO business_quotas (business_id, kind, per_day, set_by, set_at) VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (business_id, kind) DO UPDATE SET per_day = $3, set_by = $4, set_at = $5"#,
                business_id,
                kind,
                per_day,
                set_by,
                now
            )
            .execute(db)
            .await?;
        }
        None => {
            sqlx::query!("DELETE FROM business_quotas WHERE business_id = $1 AND kind = $2", business_id, kind)
                .execute(db)
                .await?;
        }
    }
    Ok(())
}

/// A refusal as the console lists it.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub at: OffsetDateTime,
    pub business_id: Uuid,
    pub business_name: String,
    pub kind: String,
}

/// The newest quota refusals (from the audit log), newest first.
pub async fn recent_refusals(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<Refusal>, sqlx::Error> {
    sqlx::query_as!(
        Refusal,
        r#"SELECT e.at AS "at!", b.id AS "business_id!", b.name AS "business_name!",
                  coalesce(e.details->>'kind', '') AS "kind!"
           FROM audit_events e JOIN businesses b ON b.id = e.business_id
           WHERE e.action = 'quota.refused' ORDER BY e.id DESC LIMIT $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

/// Every operator-set limit, with its business's name.
#[derive(Debug, Clone)]
pub struct Override {
    pub business_id: Uuid,
    pub business_name: String,
    pub kind: String,
    pub per_day: i32,
    pub set_by: String,
    pub set_at: OffsetDateTime,
}

pub async fn overrides(db: impl PgExecutor<'_>) -> Result<Vec<Override>, sqlx::Error> {
    sqlx::query_as!(
        Override,
        r#"SELECT q.business_id, b.name AS business_name, q.kind, q.per_day, q.set_by, q.set_at
           FROM business_quotas q JOIN businesses b ON b.id = q.business_id ORDER BY b.name, q.kind"#
    )
    .fetch_all(db)
    .await
}
