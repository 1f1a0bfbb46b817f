//! Platform settings in the admin console: the platform's SMS provider account, which
//! every business without its own uses; and the dispatch log of what was sent.
//!
//! Saving or removing the keys needs a fresh TOTP code (step-up, ADM-8).
//!
//! Write-only: the secret is sealed (`crate::secrets`, bound to the platform row) and
//! only its last four characters are shown again. Saving and removing are recorded as
//! admin events with the non-secret fields (ADM-10); the secret never is.

use axum::{
    Form,
    extract::{State, rejection::FormRejection},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::pages::{DispatchesPage, PlatformSettingsPage};
use super::session::VerifiedAdmin;
use super::tools::Actor;
use crate::{
    app::admin as console,
    auth::admin as auth,
    http::{ClientIp, error::AppError, user_agent},
    i18n::{self, Lang},
    integrations::{sms::Provider, sms_accounts},
    state::AppState,
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SmsForm {
    provider: String,
    account: String,
    secret: String,
    sender: String,
    /// A current TOTP code: replacing provider keys needs step-up (ADM-8).
    code: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StepUpForm {
    code: String,
}

const STEP_UP_FAILED: &str = "Your authentication code was not accepted (wrong, or already used), so nothing was \
                              changed. Enter the current code from your app; a code works only once.";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn page(
    state: &AppState,
    username: String,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let current = console::platform_sms_account(state).await?;
    let page = PlatformSettingsPage {
        username,
        provider: current.as_ref().map(|p| Provider::parse(&p.provider).map_or("?", |p| p.display_name()).to_owned()),
        account: current.as_ref().map(|p| p.account.clone()).unwrap_or_default(),
        sender: current.as_ref().map(|p| p.sender.clone()).unwrap_or_default(),
        last4: current.as_ref().map(|p| p.secret_last4.clone()).unwrap_or_default(),
        notice: notice.map(str::to_owned),
        error,
    };
    Ok((status, page).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    query: Result<axum::extract::Query<SavedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let axum::extract::Query(query) = query?;
    let notice = query.saved.as_deref().map(|s| if s == "removed" { "SMS provider removed." } else { "Saved." });
    page(&state, admin.username, StatusCode::OK, notice, None).await
}

pub async fn save_sms(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Result<Form<SmsForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let credentials = match sms_accounts::parse_form(&form.provider, &form.account, &form.secret, &form.sender) {
        Ok(c) => c,
        Err(message) => {
            let error = i18n::message(Lang::En, message, None);
            return page(&state, admin.username, StatusCode::UNPROCESSABLE_ENTITY, None, Some(error)).await;
        }
    };
    // After the form is known good, so a typo does not cost the operator a code.
    if !auth::step_up(&state, &admin, &form.code).await? {
        return page(&state, admin.username, StatusCode::FORBIDDEN, None, Some(STEP_UP_FAILED.into())).await;
    }
    let details = json!({ "provider": credentials.provider.code(), "account": credentials.account,
                          "sender": credentials.sender, "secret_last4": crate::secrets::last4(&credentials.secret) });
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let action = actor.action("platform.sms.save", "platform:sms".into(), details);
    console::save_platform_sms_account(&state, &credentials, action).await?;
    tracing::info!(admin_id = %admin.admin_id, provider = credentials.provider.code(), "platform SMS provider saved");
    Ok(Redirect::to("/admin/settings?saved=1").into_response())
}

pub async fn remove_sms(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Result<Form<StepUpForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    if !auth::step_up(&state, &admin, &form.code).await? {
        return page(&state, admin.username, StatusCode::FORBIDDEN, None, Some(STEP_UP_FAILED.into())).await;
    }
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let action = actor.action("platform.sms.remove", "platform:sms".into(), json!({}));
    console::remove_platform_sms_account(&state, action).await?;
    tracing::info!(admin_id = %admin.admin_id, "platform SMS provider removed");
    Ok(Redirect::to("/admin/settings?saved=removed").into_response())
}

/// The dispatch log: every document sent to a customer, by email or SMS, by a person
/// or automatically, with its outcome. Retrying stays with the business (its invoice
/// page), which owns the customer relationship.
pub async fn dispatches(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
) -> Result<Response, AppError> {
    let dispatches = console::recent_dispatches(&state, 200).await?;
    Ok(DispatchesPage { username: admin.username, dispatches }.into_response())
}
