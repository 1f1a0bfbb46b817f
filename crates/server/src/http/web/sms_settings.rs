//! Settings → SMS: the business's own SMS provider account (46elks or Twilio), used
//! instead of the platform's when saved.
//!
//! Write-only like the payment keys: the secret is sealed (`crate::secrets`, bound to
//! this business) and only its last four characters are shown again. The page also
//! says whether the platform offers SMS, so an owner knows if they need an account.

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
    auth::session::CurrentSession, db, http::error::AppError, i18n::Tr, integrations::sms_accounts, state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/sms", get(show).post(save))
}

/// The saved account as the page shows it (never the secret).
pub struct SavedAccount {
    pub provider: String,
    pub account: String,
    pub sender: String,
    pub last4: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_sms.html")]
pub struct SmsSettingsPage {
    pub t: Tr,
    pub saved_account: Option<SavedAccount>,
    pub platform_available: bool,
    pub error: Option<String>,
    pub saved: bool,
    /// What was typed (not the secret), to show again after an error.
    pub provider: String,
    pub account: String,
    pub sender: String,
}

async fn page(
    state: &AppState,
    t: Tr,
    business_id: Uuid,
    error: Option<String>,
    saved: bool,
    typed: &SmsForm,
) -> Result<SmsSettingsPage, AppError> {
    let own = db::sms_providers::business(&state.db, business_id).await?;
    let platform_available = db::sms_providers::platform(&state.db).await?.is_some();
    Ok(SmsSettingsPage {
        saved_account: own.map(|p| SavedAccount {
            provider: sms_provider_name(&p.provider).to_owned(),
            account: p.account,
            sender: p.sender,
            last4: p.secret_last4,
        }),
        platform_available,
        t,
        error,
        saved,
        provider: typed.provider.clone(),
        account: typed.account.clone(),
        sender: typed.sender.clone(),
    })
}

fn sms_provider_name(code: &str) -> &'static str {
    crate::integrations::sms::Provider::parse(code).map_or("?", |p| p.display_name())
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
    let typed = SmsForm { provider: "46elks".into(), ..SmsForm::default() };
    Ok(page(&state, t, session.business_id, None, query.saved.is_some(), &typed).await?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SmsForm {
    provider: String,
    account: String,
    secret: String,
    sender: String,
    /// `remove` deletes the business's account (the platform's is used again).
    action: String,
}

async fn save(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    form: Result<Form<SmsForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let business_id = session.business_id;
    if form.action == "remove" {
        db::sms_providers::remove_business(&state.db, business_id).await?;
        tracing::info!(%business_id, "business SMS account removed");
        return Ok(Redirect::to("/settings/sms?saved=1").into_response());
    }
    let credentials = match sms_accounts::parse_form(&form.provider, &form.account, &form.secret, &form.sender) {
        Ok(c) => c,
        Err(message) => {
            let page = page(&state, t.clone(), business_id, Some(t.t(message)), false, &form).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.db.begin().await?;
    sms_accounts::save(&mut tx, &state.keys.kek, Some(business_id), &credentials, state.clock.now())
        .await
        .map_err(|e| AppError::Unexpected(e.into()))?;
    tx.commit().await?;
    tracing::info!(%business_id, provider = credentials.provider.code(), "business SMS account saved");
    Ok(Redirect::to("/settings/sms?saved=1").into_response())
}
