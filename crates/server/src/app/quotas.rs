//! Sending quotas as the application applies them: a refusal worded for the person (429
//! on the API), the console's view of refusals and limits, and an operator setting a
//! business's limit. The policy, its numbers and the counting are `crate::quotas`.

use uuid::Uuid;

use super::{Error, error::Result};
pub use crate::quotas::Quota;
use crate::{
    audit::Actor,
    db,
    i18n::{Text, key},
    quotas::Refused,
    state::AppState,
};

pub use crate::db::quotas::{Override, Refusal};

/// Counts one message of `quota` for the business, or refuses with a clear message and the
/// time until there is room again (nothing counted, the refusal audited).
pub async fn take(state: &AppState, business_id: Uuid, actor: &Actor, quota: Quota) -> Result<()> {
    match crate::quotas::take(&state.db, state.clock.now(), business_id, actor, quota).await? {
        Ok(()) => Ok(()),
        Err(Refused::NoBusiness) => Err(Error::NotFound),
        Err(Refused::Limit(retry_after)) => {
            state.metrics.quota_refused(quota.kind());
            let message = match quota {
                Quota::Email => key("quota-email"),
                Quota::Sms { .. } => key("quota-sms"),
                Quota::Invitation => key("quota-invitation"),
                Quota::Export => key("quota-export"),
            };
            Err(Error::TooManyRequests { message: Text::key(message), retry_after })
        }
    }
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
