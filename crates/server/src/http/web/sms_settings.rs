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

use crate::{
    app::{
        Error,
        settings::{self, SmsAccountInput},
    },
    audit::RequestMeta,
    http::error::AppError,
    http::session::CurrentSession,
    i18n::Tr,
    state::AppState,
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
    session: &CurrentSession,
    error: Option<String>,
    saved: bool,
    typed: &SmsAccountInput,
) -> Result<SmsSettingsPage, AppError> {
    let (own, platform_available) = settings::sms_account(state, &session.caller()).await?;
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
    let typed = SmsAccountInput { provider: "46elks".into(), ..SmsAccountInput::default() };
    Ok(page(&state, t, &session, None, query.saved.is_some(), &typed).await?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SmsForm {
    #[serde(flatten)]
    account: SmsAccountInput,
    /// `remove` deletes the business's account (the platform's is used again).
    action: String,
}

async fn save(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    meta: RequestMeta,
    form: Result<Form<SmsForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    if form.action == "remove" {
        settings::remove_sms_account(&state, &session.caller(), &meta).await?;
        return Ok(Redirect::to("/settings/sms?saved=1").into_response());
    }
    match settings::save_sms_account(&state, &session.caller(), &t, &meta, &form.account).await {
        Ok(()) => Ok(Redirect::to("/settings/sms?saved=1").into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            let page = page(&state, t, &session, Some(errors.summary()), false, &form.account).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
