//! Settings → Payments as operations: the business's Stripe secret key and webhook
//! signing secret, write-only.
//!
//! Once saved, a secret is never shown again, only its last four characters. It is
//! stored as an envelope (`crate::secrets`) bound to this business and slot
//! (`payments::slot`), so a copied value decrypts nowhere else. A key Stripe refuses is
//! not stored, and a replaced webhook secret stays accepted for a day while the user
//! rolls it in Stripe.

use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    Caller, Error,
    error::Result,
    fields::FieldErrors,
    money_routing::{MoneyChange, NONE, mask, record_money_change, require_owner_for_money},
};
use crate::{
    audit::{self, AuditEvent, Category, RequestMeta},
    db,
    i18n::{Tr, key},
    payments::{self, PREVIOUS_WEBHOOK_SECRET, PaymentError, WEBHOOK_SECRET, slot},
    secrets,
    state::AppState,
};

/// The secrets this page manages (also their form field names).
pub const SECRETS: [&str; 2] = ["stripe_secret_key", "stripe_webhook_secret"];

/// How long a replaced webhook signing secret is still accepted: Stripe signs with
/// both while a secret is rolled, for up to 24 hours.
const PREVIOUS_SECRET_ACCEPTED: time::Duration = time::Duration::hours(24);

/// What the settings page shows of the stored secrets.
pub struct PaymentKeys {
    pub secret_key_last4: Option<String>,
    pub webhook_secret_last4: Option<String>,
    /// When a rolled webhook secret stops being accepted, if one still is.
    pub previous_webhook_secret_until: Option<OffsetDateTime>,
    /// The URL to register in Stripe's dashboard for this business's events.
    pub webhook_url: String,
}

pub async fn payment_keys(state: &AppState, caller: &Caller) -> Result<PaymentKeys> {
    let stored = db::business_secrets::list(&state.db, caller.business_id).await?;
    let last4 = |name: &str| stored.iter().find(|s| s.name == name).map(|s| s.last4.clone());
    let now = state.clock.now();
    Ok(PaymentKeys {
        secret_key_last4: last4("stripe_secret_key"),
        webhook_secret_last4: last4("stripe_webhook_secret"),
        previous_webhook_secret_until: stored
            .iter()
            .find(|s| s.name == PREVIOUS_WEBHOOK_SECRET)
            .and_then(|s| s.expires_at)
            .filter(|at| *at > now),
        webhook_url: payments::stripe_endpoint(&state.settings.public_origin(), caller.business_id),
    })
}

/// The secrets as typed (blank: keep the stored one).
#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct PaymentKeysInput {
    pub stripe_secret_key: String,
    pub stripe_webhook_secret: String,
}

/// Stripe's formats: secret or restricted keys, test or live mode; webhook secrets.
fn check_shape(name: &str, value: &str) -> Result<(), &'static str> {
    let token_chars = |s: &str| s.len() >= 10 && s.chars().all(|c| c.is_ascii_alphanumeric());
    let ok = match name {
        "stripe_secret_key" => ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
            .iter()
            .any(|p| value.strip_prefix(p).is_some_and(token_chars)),
        _ => value.strip_prefix("whsec_").is_some_and(|rest| {
            rest.len() >= 10 && rest.chars().all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
        }),
    };
    if ok {
        Ok(())
    } else if name == "stripe_secret_key" {
        Err(key("payments-bad-secret-key"))
    } else {
        Err(key("payments-bad-webhook-secret"))
    }
}

/// Which secret changed, never its value.
fn changed(state: &AppState, caller: &Caller, meta: &RequestMeta, action: &str, name: &str) -> AuditEvent {
    AuditEvent::new(state.clock.now(), Category::Security, action)
        .actor(caller.actor.clone())
        .business(caller.business_id)
        .target(name.to_owned())
        .request(meta)
}

/// Removes one stored secret (the webhook secret with its rolled predecessor).
pub async fn remove_payment_secret(state: &AppState, caller: &Caller, meta: &RequestMeta, name: &str) -> Result<()> {
    require_owner_for_money(caller)?;
    let business_id = caller.business_id;
    let Some(name) = SECRETS.iter().find(|n| **n == name) else { return Err(Error::NotFound) };
    let mut tx = state.db.begin().await?;
    db::business_secrets::remove(&mut *tx, business_id, name).await?;
    if *name == WEBHOOK_SECRET {
        db::business_secrets::remove(&mut *tx, business_id, PREVIOUS_WEBHOOK_SECRET).await?;
    }
    audit::record(&mut *tx, &changed(state, caller, meta, "config.secret.removed", name)).await?;
    let change = MoneyChange { what: secret_label(name), old: "(set)".into(), new: NONE.into() };
    record_money_change(&mut tx, state, caller, meta, "config.payment_keys.changed", &[change]).await?;
    tx.commit().await?;
    tracing::info!(%business_id, secret = name, "provider secret removed");
    Ok(())
}

/// Saves the secrets typed: each must have Stripe's shape, and a secret key must be
/// accepted by Stripe, else nothing is stored (an error at the field, in the caller's
/// language).
pub async fn save_payment_keys(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    meta: &RequestMeta,
    input: &PaymentKeysInput,
) -> Result<()> {
    require_owner_for_money(caller)?;
    let business_id = caller.business_id;
    let values = [
        ("stripe_secret_key", input.stripe_secret_key.trim()),
        ("stripe_webhook_secret", input.stripe_webhook_secret.trim()),
    ];
    for (name, value) in values.iter().filter(|(_, v)| !v.is_empty()) {
        if let Err(message) = check_shape(name, value) {
            return Err(Error::field(name, t.t(message)));
        }
    }
    // A key Stripe refuses is not stored: the user finds out now, not when a customer
    // presses "Pay".
    let secret_key = values[0].1;
    if !secret_key.is_empty()
        && let Err(e) = state.stripe.check_key(secret_key).await
    {
        let message = if e.is_bad_key() { key("payments-key-rejected") } else { key("payments-key-unchecked") };
        tracing::info!(%business_id, error = %e, "Stripe key not saved");
        let mut errors = FieldErrors::new(t);
        errors.add("stripe_secret_key", t.t(message));
        return Err(Error::Invalid(errors));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let before = db::business_secrets::list(&mut *tx, business_id).await?;
    for (name, value) in values.iter().filter(|(_, v)| !v.is_empty()) {
        if *name == WEBHOOK_SECRET {
            keep_previous_webhook_secret(state, &mut tx, business_id, value, now).await?;
        }
        seal_and_put(state, &mut tx, business_id, name, value, now, None).await?;
        audit::record(&mut *tx, &changed(state, caller, meta, "config.secret.saved", name)).await?;
        tracing::info!(%business_id, secret = *name, "provider secret saved");
    }
    let changes: Vec<MoneyChange> = values
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(name, value)| {
            let old = before.iter().find(|s| s.name == *name).map_or(NONE.to_owned(), |s| format!("…{}", s.last4));
            MoneyChange { what: secret_label(name), old, new: mask(value, true) }
        })
        .collect();
    record_money_change(&mut tx, state, caller, meta, "config.payment_keys.changed", &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// When the webhook secret changes, the old one stays accepted for a while, so events
/// signed before the user finished rolling it in Stripe are not refused.
async fn keep_previous_webhook_secret(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    business_id: Uuid,
    new_value: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let old = match payments::open_secret(tx, &state.keys.kek, business_id, WEBHOOK_SECRET, now).await {
        Ok(Some(old)) => old,
        Ok(None) => return Ok(()),
        Err(PaymentError::Database(e)) => return Err(e.into()),
        // An old secret that no longer opens (another master key) is simply replaced.
        Err(e) => {
            tracing::warn!(%business_id, error = %e, "the previous webhook secret does not open; not kept");
            return Ok(());
        }
    };
    if old != new_value {
        let until = now + PREVIOUS_SECRET_ACCEPTED;
        seal_and_put(state, tx, business_id, PREVIOUS_WEBHOOK_SECRET, &old, now, Some(until)).await?;
    }
    Ok(())
}

async fn seal_and_put(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    business_id: Uuid,
    name: &str,
    value: &str,
    now: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
) -> Result<()> {
    let envelope = secrets::seal(tx, &state.keys.kek, slot(business_id, name), value, now)
        .await
        .map_err(|e| Error::Unexpected(e.into()))?;
    db::business_secrets::put(&mut *tx, business_id, name, &envelope, &secrets::last4(value), now, expires_at).await?;
    Ok(())
}

/// A stored secret's name as people say it.
fn secret_label(name: &str) -> &'static str {
    match name {
        "stripe_secret_key" => "Stripe secret key",
        _ => "Stripe webhook signing secret",
    }
}
