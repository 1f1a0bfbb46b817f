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
    http::error::AppError,
    i18n::{Tr, key},
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
    Ok(PaymentSettingsPage {
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
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    for (name, value) in values.iter().filter(|(_, v)| !v.is_empty()) {
        let envelope = secrets::seal(&mut tx, &state.keys.kek, slot(business_id, name), value, now)
            .await
            .map_err(|e| AppError::Unexpected(e.into()))?;
        let last4: String = value.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        db::business_secrets::put(&mut *tx, business_id, name, &envelope, &last4, now).await?;
        audit::record(&mut *tx, &changed("config.secret.saved", name)).await?;
        tracing::info!(%business_id, secret = *name, "provider secret saved");
    }
    tx.commit().await?;
    Ok(Redirect::to("/settings/payments?saved=1").into_response())
}
