//! Sending quotas: how many emails, SMS, invitations and data exports a business may
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
//! instance counts against the same budget. A refusal is a clear message (429 on the
//! API) and an audit event (`quota.refused`) the console lists.
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

use time::Duration;
use uuid::Uuid;

use super::{Error, error::Result};
use crate::{
    audit::{self, Actor, AuditEvent, Category, Outcome},
    db::{
        self,
        rate_limits::{self, Limit, RetryAfter},
    },
    i18n::{Text, key},
    state::AppState,
};

pub use crate::db::quotas::{Override, Refusal};

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

/// Counts `count` of `quota` for the business, or refuses (nothing counted) with the
/// time until there is room again. Runs in its own transaction, before the operation:
/// a refused attempt is recorded in the audit log even though the operation fails.
pub async fn take(state: &AppState, business_id: Uuid, actor: &Actor, quota: Quota, count: u32) -> Result<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let standing = db::quotas::standing(&mut *tx, business_id, quota.kind()).await?.ok_or(Error::NotFound)?;
    let established = now - standing.created_at >= Duration::days(ESTABLISHED_AFTER_DAYS)
        && standing.issued >= ESTABLISHED_AFTER_DOCUMENTS;
    let (mut day, mut burst) = quota.automatic(established, standing.own_sms_account);
    if let Some(per_day) = standing.per_day {
        day = u32::try_from(per_day).unwrap_or(0);
        burst = burst.max(day / 10).min(day);
    }
    let scope = match quota {
        Quota::Sms { home: false } => "sms-abroad",
        other => other.kind(),
    };
    let business_key = format!("quota:{scope}:business:{business_id}");
    let platform_key = format!("quota:{}:platform", quota.kind());
    let mut limits = vec![
        (business_key.as_str(), Limit::new(day, Duration::days(1))),
        (business_key.as_str(), Limit::new(burst, Duration::minutes(10))),
    ];
    if let Some(max) = quota.platform_daily(standing.own_sms_account) {
        limits.push((platform_key.as_str(), Limit::new(max, Duration::days(1))));
    }
    // One round trip per message: every window checked and counted together.
    let mut verdict = Ok(());
    for _ in 0..count {
        if let Err(wait) = rate_limits::take_all(&mut tx, &limits, now).await? {
            verdict = Err(wait);
            break;
        }
    }
    let Err(RetryAfter(retry_after)) = verdict else {
        tx.commit().await?;
        return Ok(());
    };
    // Nothing of a refused batch is counted: the transaction is rolled back, then the
    // refusal alone is recorded.
    tx.rollback().await?;
    let event = AuditEvent::new(now, Category::Security, "quota.refused")
        .actor(actor.clone())
        .business(business_id)
        .outcome(Outcome::Denied)
        .details(serde_json::json!({
            "kind": quota.kind(), "scope": scope, "per_day": day, "per_10_minutes": burst, "established": established
        }));
    audit::record(&state.db, &event).await?;
    tracing::warn!(%business_id, kind = quota.kind(), scope, "quota refused");
    let message = match quota {
        Quota::Email => key("quota-email"),
        Quota::Sms { .. } => key("quota-sms"),
        Quota::Invitation => key("quota-invitation"),
        Quota::Export => key("quota-export"),
    };
    Err(Error::TooManyRequests { message: Text::key(message), retry_after })
}

/// What the console shows: the newest refusals and the limits operators set.
pub async fn console_view(state: &AppState) -> Result<(Vec<Refusal>, Vec<Override>)> {
    Ok((db::quotas::recent_refusals(&state.db, 100).await?, db::quotas::overrides(&state.db).await?))
}

/// Who in the console sets a limit, for the admin event log.
pub struct Operator<'a> {
    pub admin_id: Uuid,
    pub username: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// An operator sets (or with `None` clears) a business's daily limit for `kind`; the
/// change and its admin event are one transaction.
pub async fn set_business_quota(
    state: &AppState,
    operator: &Operator<'_>,
    business_id: Uuid,
    kind: &str,
    per_day: Option<i32>,
) -> Result<()> {
    if !["email", "sms", "invitation", "export"].contains(&kind) {
        return Err(Error::BadRequest(Text::Plain("kind must be email, sms, invitation or export".into())));
    }
    if per_day.is_some_and(|n| !(0..=1_000_000).contains(&n)) {
        return Err(Error::BadRequest(Text::Plain("the daily limit must be from 0 to 1,000,000".into())));
    }
    let mut tx = state.db.begin().await?;
    if db::quotas::standing(&mut *tx, business_id, kind).await?.is_none() {
        return Err(Error::NotFound);
    }
    let before = db::quotas::override_for(&mut *tx, business_id, kind).await?;
    db::quotas::set_override(&mut *tx, business_id, kind, per_day, operator.username, state.clock.now()).await?;
    let details = serde_json::json!({ "kind": kind, "before": before, "after": per_day });
    crate::auth::admin::record(
        &mut *tx,
        state,
        Some(operator.admin_id),
        operator.username,
        operator.ip,
        operator.user_agent,
        "business.quota",
        &format!("business:{business_id}"),
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
