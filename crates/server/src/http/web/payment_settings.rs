//! Settings → Payments: the business's Stripe secret key and webhook signing secret.
//!
//! Write-only: once saved, a secret is never shown again, only its last four
//! characters. It is stored as an envelope (`crate::secrets`), bound to this business
//! and slot, so a copied value decrypts nowhere else.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    audit::{self, Actor, AuditEvent, Category, RequestMeta},
    auth::session::CurrentSession,
    db,
    http::{error::AppError, webhooks::stripe_endpoint},
    i18n::{Tr, key},
    payments::{self, PREVIOUS_WEBHOOK_SECRET, PaymentError, WEBHOOK_SECRET},
    secrets::{self, SecretSlot},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/payments", get(show).post(save))
}

/// The secrets this page manages (also their form field names).
const SECRETS: [&str; 2] = ["stripe_secret_key", "stripe_webhook_secret"];

pub fn slot(business_id: Uuid, name: &str) -> SecretSlot<'_> {
    SecretSlot { table: "business_secrets", column: "envelope", row: name, tenant: business_id }
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_payments.html")]
pub struct PaymentSettingsPage {
    pub t: Tr,
    /// Last four characters of the saved secret key, if one is saved.
    pub secret_key_last4: Option<String>,
    pub webhook_secret_last4: Option<String>,
    pub error: Option<String>,
    pub saved: bool,
    /// The URL to register in Stripe's dashboard for this business's events.
    pub webhook_url: String,
    /// A rolled webhook secret still accepted, with when it stops being accepted.
    pub previous_webhook_secret_until: Option<String>,
}

async fn page(
    state: &AppState,
    t: Tr,
    business_id: Uuid,
    error: Option<String>,
    saved: bool,
) -> Result<PaymentSettingsPage, AppError> {
    let stored = db::business_secrets::list(&state.db, business_id).await?;
    let last4 = |name: &str| stored.iter().find(|s| s.name == name).map(|s| s.last4.clone());
    let now = state.clock.now();
    let previous_webhook_secret_until = stored
        .iter()
        .find(|s| s.name == PREVIOUS_WEBHOOK_SECRET)
        .and_then(|s| s.expires_at)
        .filter(|at| *at > now)
        .map(|at| at.replace_nanosecond(0).unwrap_or(at).to_string());
    Ok(PaymentSettingsPage {
        webhook_url: stripe_endpoint(&state.settings.public_origin(), business_id),
        previous_webhook_secret_until,
        secret_key_last4: last4("stripe_secret_key"),
        webhook_secret_last4: last4("stripe_webhook_secret"),
        t,
        error,
        saved,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    saved: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    Query(query): Query<ShowQuery>,
) -> Result<Response, AppError> {
    Ok(page(&state, t, session.business_id, None, query.saved.is_some()).await?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PaymentForm {
    stripe_secret_key: String,
    stripe_webhook_secret: String,
    /// `remove:<name>` to delete one secret.
    action: String,
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

async fn save(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    meta: RequestMeta,
    form: Result<Form<PaymentForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let business_id = session.business_id;
    // Which secret changed, never its value.
    let changed = |action: &str, name: &str| {
        AuditEvent::new(state.clock.now(), Category::Security, action)
            .actor(Actor::User(session.user_id))
            .business(business_id)
            .target(name.to_owned())
            .request(&meta)
    };
    if let Some(name) = form.action.strip_prefix("remove:").filter(|n| SECRETS.contains(n)) {
        let mut tx = state.db.begin().await?;
        db::business_secrets::remove(&mut *tx, business_id, name).await?;
        if name == WEBHOOK_SECRET {
            db::business_secrets::remove(&mut *tx, business_id, PREVIOUS_WEBHOOK_SECRET).await?;
        }
        audit::record(&mut *tx, &changed("config.secret.removed", name)).await?;
        tx.commit().await?;
        tracing::info!(%business_id, secret = name, "provider secret removed");
        return Ok(Redirect::to("/settings/payments?saved=1").into_response());
    }
    let values = [
        ("stripe_secret_key", form.stripe_secret_key.trim()),
        ("stripe_webhook_secret", form.stripe_webhook_secret.trim()),
    ];
    for (name, value) in values.iter().filter(|(_, v)| !v.is_empty()) {
        if let Err(message) = check_shape(name, value) {
            let page = page(&state, t.clone(), business_id, Some(t.t(message)), false).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    }
    // A key Stripe refuses is not stored: the user finds out now, not when a
    // customer presses "Pay".
    let secret_key = values[0].1;
    if !secret_key.is_empty()
        && let Err(e) = state.stripe.check_key(secret_key).await
    {
        let message = if e.is_bad_key() { key("payments-key-rejected") } else { key("payments-key-unchecked") };
        tracing::info!(%business_id, error = %e, "Stripe key not saved");
        let page = page(&state, t.clone(), business_id, Some(t.t(message)), false).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    for (name, value) in values.iter().filter(|(_, v)| !v.is_empty()) {
        if *name == WEBHOOK_SECRET {
            keep_previous_webhook_secret(&state, &mut tx, business_id, value, now).await?;
        }
        seal_and_put(&state, &mut tx, business_id, name, value, now, None).await?;
        audit::record(&mut *tx, &changed("config.secret.saved", name)).await?;
        tracing::info!(%business_id, secret = *name, "provider secret saved");
    }
    tx.commit().await?;
    Ok(Redirect::to("/settings/payments?saved=1").into_response())
}

/// How long a replaced webhook signing secret is still accepted: Stripe signs with
/// both while a secret is rolled, for up to 24 hours.
const PREVIOUS_SECRET_ACCEPTED: time::Duration = time::Duration::hours(24);

/// When the webhook secret changes, the old one stays accepted for a while, so events
/// signed before the user finished rolling it in Stripe are not refused.
async fn keep_previous_webhook_secret(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    business_id: Uuid,
    new_value: &str,
    now: time::OffsetDateTime,
) -> Result<(), AppError> {
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
    now: time::OffsetDateTime,
    expires_at: Option<time::OffsetDateTime>,
) -> Result<(), AppError> {
    let envelope = secrets::seal(tx, &state.keys.kek, slot(business_id, name), value, now)
        .await
        .map_err(|e| AppError::Unexpected(e.into()))?;
    db::business_secrets::put(&mut *tx, business_id, name, &envelope, &secrets::last4(value), now, expires_at).await?;
    Ok(())
}
