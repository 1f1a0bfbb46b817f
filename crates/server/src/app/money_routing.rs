//! Where a business's money goes (its bank account, its card-payment keys, its SMS
//! account) is the target of invoice-redirection fraud: whoever changes the IBAN on
//! the invoices receives the customers' payments. So only an owner may change it,
//! every change is an audit event with the old and new values masked, and every owner
//! is told by email at once, so a change they did not make is noticed before the
//! next invoice is paid.

use uuid::Uuid;

use super::{Caller, Error, error::Result};
use crate::{
    audit::{self, AuditEvent, Category, RequestMeta},
    db,
    i18n::{Text, key},
    integrations::email,
    state::AppState,
};

/// How an empty value is written in audit records and emails.
pub const NONE: &str = "(none)";

/// Refuses anyone but an owner, in words that say why.
pub fn require_owner_for_money(caller: &Caller) -> Result<()> {
    if caller.is_owner_in_person() { Ok(()) } else { Err(Error::Forbidden(Text::key(key("error-owner-only-money")))) }
}

/// A value shown in an audit record or an email without giving it away: an account
/// number keeps its first four and last four characters, a secret only its last four,
/// nothing stays nothing.
pub fn mask(value: &str, secret: bool) -> String {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let n = compact.chars().count();
    if compact.is_empty() {
        return NONE.to_owned();
    }
    let tail: String = compact.chars().skip(n.saturating_sub(4)).collect();
    if secret || n <= 8 {
        return format!("…{tail}");
    }
    let head: String = compact.chars().take(4).collect();
    format!("{head}…{tail}")
}

/// One change of where money goes: what changed (`bank account`, `Stripe secret key`),
/// its masked old and new values.
pub struct MoneyChange {
    pub what: &'static str,
    pub old: String,
    pub new: String,
}

/// Records the change in the audit log and emails every owner of the business, in the
/// caller's transaction (both happen with the change or not at all).
pub async fn record_money_change(
    tx: &mut sqlx::PgConnection,
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    action: &str,
    changes: &[MoneyChange],
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let now = state.clock.now();
    let details: Vec<_> =
        changes.iter().map(|c| serde_json::json!({ "what": c.what, "old": c.old, "new": c.new })).collect();
    let event = AuditEvent::new(now, Category::Security, action)
        .actor(caller.actor.clone())
        .business(caller.business_id)
        .request(meta)
        .details(serde_json::json!({ "changes": details }));
    audit::record(&mut *tx, &event).await?;
    // Filling in details for the first time (a new business setting up) is audited but
    // not announced: there is nothing a payment could have been redirected from.
    if changes.iter().all(|c| c.old == NONE) {
        return Ok(());
    }

    let business = db::businesses::profile(&mut *tx, caller.business_id).await?;
    let by = match &caller.actor {
        audit::Actor::User(id) => db::users::email_of(&mut *tx, *id).await?.unwrap_or_else(|| id.to_string()),
        other => other.kind().to_owned(),
    };
    let lines: String = changes.iter().map(|c| format!("- {}: {} → {}\n", c.what, c.old, c.new)).collect();
    let body = format!(
        "Hello,\n\nWhere payments to {name} go was just changed on FastFaktura by {by}:\n\n{lines}\n\
         New invoices use the new details. If you did not expect this, sign in at {origin}/login now, \
         change them back, and remove members you do not trust (Settings → Members).\n\n\
         Every owner of {name} gets this email.\n\nFastFaktura\n",
        name = business.name,
        origin = state.settings.public_origin(),
    );
    let subject = format!("Payment details of {} were changed", business.name);
    for owner in owners(&mut *tx, caller.business_id).await? {
        let notice = email::Notice {
            kind: "payment_details_alert",
            business_id: Some(caller.business_id),
            recipient: &owner,
            subject: &subject,
            body: &body,
        };
        email::queue_notice(&mut *tx, &state.keys.outbox, notice, now).await?;
    }
    Ok(())
}

async fn owners(db: &mut sqlx::PgConnection, business_id: Uuid) -> Result<Vec<String>> {
    Ok(db::members::list(&mut *db, business_id)
        .await?
        .into_iter()
        .filter(|m| m.role == "owner")
        .map(|m| m.email)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masked_values_keep_only_their_ends() {
        assert_eq!(mask("IS14 0159 2600 7654 5510 7303 39", false), "IS14…0339");
        assert_eq!(mask("sk_test_51abcdefghijklmnop", true), "…mnop");
        assert_eq!(mask("NBIIISRE", false), "…ISRE");
        assert_eq!(mask("  ", false), "(none)");
    }
}
