//! Sending quotas (the policy and its counting; `app::quotas` words refusals and runs
//! the console's side): how many emails, SMS, invitations and data exports a business may
//! start, per day and in bursts, and the platform as a whole per day. Without them one
//! sign-up and one issued invoice were a mail cannon (300 sends to 300 addresses in a
//! minute), and SMS to any number ran at the platform's cost.
//!
//! A new business starts low and earns more with history: it is *established* once it
//! is 14 days old and has issued 3 documents. SMS are counted by destination: the
//! Nordic countries (+354, +47, +46, +45, +358, +298, +299) are home, anything else is
//! stricter; a business's own SMS account gets five times the platform account's
//! limits (it pays for them). An operator can set a business's daily limit per kind in
//! the console. Counting uses the shared PostgreSQL rate-limit windows, so every
//! instance counts against the same budget; limits above 500 (daily and platform-wide)
//! are counted in 96 buckets per window, so a check never scans a full day of sends. A
//! refusal is a clear message (429 on the API) and an audit event (`quota.refused`) the
//! console lists.
//!
//! | per day (burst per 10 min)   | new          | established    |
//! |------------------------------|--------------|----------------|
//! | email                        | 50 (20)      | 1,000 (100)    |
//! | SMS, platform account, home  | 20 (10)      | 200 (50)       |
//! | SMS, platform account, other | 5 (5)        | 50 (20)        |
//! | invitations                  | 10 (10)      | 50 (20)        |
//! | data exports                 | 5 (5)        | 20 (10)        |
//!
//! Platform-wide per day: 50,000 emails, 5,000 SMS on the platform's account.

use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{
    audit::{self, Actor, AuditEvent, Category, Outcome},
    db,
};

/// What is being counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quota {
    Email,
    /// An SMS to a number starting with `+<country code>`.
    Sms {
        home: bool,
    },
    Invitation,
    Export,
}

impl Quota {
    /// The kind as stored for operator limits and named in audit events.
    pub fn kind(self) -> &'static str {
        match self {
            Quota::Email => "email",
            Quota::Sms { .. } => "sms",
            Quota::Invitation => "invitation",
            Quota::Export => "export",
        }
    }

    /// An SMS to `e164` (`+3545551234`): home when its country code is Nordic.
    pub fn sms_to(e164: &str) -> Quota {
        const HOME: [&str; 7] = ["+354", "+47", "+46", "+45", "+358", "+298", "+299"];
        Quota::Sms { home: HOME.iter().any(|code| e164.starts_with(code)) }
    }

    /// (per day, per 10 minutes) for a business of this standing.
    fn automatic(self, established: bool, own_sms_account: bool) -> (u32, u32) {
        let (day, burst) = match (self, established) {
            (Quota::Email, false) => (50, 20),
            (Quota::Email, true) => (1_000, 100),
            (Quota::Sms { home: true }, false) => (20, 10),
            (Quota::Sms { home: true }, true) => (200, 50),
            (Quota::Sms { home: false }, false) => (5, 5),
            (Quota::Sms { home: false }, true) => (50, 20),
            (Quota::Invitation, false) => (10, 10),
            (Quota::Invitation, true) => (50, 20),
            (Quota::Export, false) => (5, 5),
            (Quota::Export, true) => (20, 10),
        };
        match self {
            Quota::Sms { .. } if own_sms_account => (day * 5, burst * 5),
            _ => (day, burst),
        }
    }

    /// The platform-wide daily limit, where there is one.
    fn platform_daily(self, own_sms_account: bool) -> Option<u32> {
        match self {
            Quota::Email => Some(50_000),
            Quota::Sms { .. } if !own_sms_account => Some(5_000),
            _ => None,
        }
    }
}

/// Days and documents after which a business counts as established.
const ESTABLISHED_AFTER_DAYS: i64 = 14;
const ESTABLISHED_AFTER_DOCUMENTS: i64 = 3;

/// Why nothing was counted.
#[derive(Debug)]
pub enum Refused {
    /// No such business.
    NoBusiness,
    /// A limit is reached; there is room again after this long.
    Limit(Duration),
}

/// Counts one message of `quota` for the business, or refuses (nothing counted) with the
/// time until there is room again. Runs before the operation, outside its transaction:
/// a refused attempt is recorded in the audit log even though the operation fails.
/// It is one statement without a transaction of its own (`quota_take`: the standing
/// picks the limits, `rate_limit_take` checks and counts every window atomically).
pub async fn take(
    db: &PgPool,
    now: OffsetDateTime,
    business_id: Uuid,
    actor: &Actor,
    quota: Quota,
) -> Result<Result<(), Refused>, sqlx::Error> {
    let scope = match quota {
        Quota::Sms { home: false } => "sms-abroad",
        other => other.kind(),
    };
    let business_key = format!("quota:{scope}:business:{business_id}");
    let platform_key = format!("quota:{}:platform", quota.kind());
    let mut candidates = db::quotas::Candidates { day: [0; 4], burst: [0; 4], platform: [0; 4] };
    for (index, (established, own_sms_account)) in
        [(false, false), (false, true), (true, false), (true, true)].into_iter().enumerate()
    {
        let (day, burst) = quota.automatic(established, own_sms_account);
        candidates.day[index] = i32::try_from(day).unwrap_or(i32::MAX);
        candidates.burst[index] = i32::try_from(burst).unwrap_or(i32::MAX);
        let platform = quota.platform_daily(own_sms_account).unwrap_or(0);
        candidates.platform[index] = i32::try_from(platform).unwrap_or(i32::MAX);
    }
    let established_after = Duration::days(ESTABLISHED_AFTER_DAYS);
    let documents = i32::try_from(ESTABLISHED_AFTER_DOCUMENTS).unwrap_or(i32::MAX);
    let mut conn = db.acquire().await?;
    let taken = db::quotas::take(
        &mut *conn,
        business_id,
        quota.kind(),
        &business_key,
        &platform_key,
        &candidates,
        established_after,
        documents,
        now,
    )
    .await?;
    let Some(taken) = taken else { return Ok(Err(Refused::NoBusiness)) };
    if taken.wait <= 0.0 {
        return Ok(Ok(()));
    }
    let retry_after = Duration::seconds_f64(taken.wait.ceil());
    let event = AuditEvent::new(now, Category::Security, "quota.refused")
        .actor(actor.clone())
        .business(business_id)
        .outcome(Outcome::Denied)
        .details(serde_json::json!({
            "kind": quota.kind(), "scope": scope, "per_day": taken.per_day, "per_10_minutes": taken.per_10_minutes,
            "established": taken.established
        }));
    audit::record(&mut *conn, &event).await?;
    tracing::warn!(%business_id, kind = quota.kind(), scope, "quota refused");
    Ok(Err(Refused::Limit(retry_after)))
}

#[cfg(test)]
mod tests {
    use super::Quota;

    #[test]
    fn sms_abroad_is_stricter_and_an_own_account_gets_more() {
        assert_eq!(Quota::sms_to("+3545551234"), Quota::Sms { home: true });
        assert_eq!(Quota::sms_to("+4712345678"), Quota::Sms { home: true });
        assert_eq!(Quota::sms_to("+2348012345678"), Quota::Sms { home: false });
        let home = Quota::Sms { home: true }.automatic(false, false);
        let abroad = Quota::Sms { home: false }.automatic(false, false);
        assert!(abroad.0 < home.0);
        assert_eq!(Quota::Sms { home: true }.automatic(false, true).0, home.0 * 5);
        assert!(Quota::Email.automatic(true, false).0 > Quota::Email.automatic(false, false).0);
    }
}
