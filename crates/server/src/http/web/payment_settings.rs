//! Settings → Payments: the business's Stripe secret key and webhook signing secret,
//! and its connection to its bank's claims API (Icelandic bank claims).
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

use crate::{
    app::{
        Error,
        bank_claims::{self, ClaimsSettings, ClaimsSettingsInput},
        payment_keys::{self, PaymentKeysInput},
    },
    audit::RequestMeta,
    http::error::AppError,
    http::session::CurrentSession,
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/payments", get(show).post(save))
        .route("/settings/payments/claims", axum::routing::post(save_claims))
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
    pub claims: ClaimsSettings,
    pub claims_error: Option<String>,
}

async fn page(
    state: &AppState,
    t: Tr,
    session: &CurrentSession,
    error: Option<String>,
    saved: bool,
) -> Result<PaymentSettingsPage, AppError> {
    let keys = payment_keys::payment_keys(state, &session.caller()).await?;
    let claims = bank_claims::claims_settings(state, &session.caller()).await?;
    Ok(PaymentSettingsPage {
        claims,
        claims_error: None,
        webhook_url: keys.webhook_url,
        previous_webhook_secret_until: keys
            .previous_webhook_secret_until
            .map(|at| at.replace_nanosecond(0).unwrap_or(at).to_string()),
        secret_key_last4: keys.secret_key_last4,
        webhook_secret_last4: keys.webhook_secret_last4,
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
    Ok(page(&state, t, &session, None, query.saved.is_some()).await?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PaymentForm {
    #[serde(flatten)]
    keys: PaymentKeysInput,
    /// `remove:<name>` to delete one secret.
    action: String,
}

async fn save(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    meta: RequestMeta,
    form: Result<Form<PaymentForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    if let Some(name) = form.action.strip_prefix("remove:").filter(|n| payment_keys::SECRETS.contains(n)) {
        payment_keys::remove_payment_secret(&state, &session.caller(), &meta, name).await?;
        return Ok(Redirect::to("/settings/payments?saved=1").into_response());
    }
    match payment_keys::save_payment_keys(&state, &session.caller(), &t, &meta, &form.keys).await {
        Ok(()) => Ok(Redirect::to("/settings/payments?saved=1").into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            let page = page(&state, t, &session, Some(errors.summary()), false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn save_claims(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    meta: RequestMeta,
    form: Result<Form<ClaimsSettingsInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    match bank_claims::save_claims_settings(&state, &session.caller(), &meta, &input).await {
        Ok(()) => Ok(Redirect::to("/settings/payments?saved=1").into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            let mut page = page(&state, t, &session, None, false).await?;
            page.claims_error = Some(errors.summary());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
