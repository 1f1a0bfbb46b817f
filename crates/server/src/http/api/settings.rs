//! The business's settings through the API, as on Settings → Business, Numbering and
//! Reminders (`app::settings`, the same operations and input types as the pages): the
//! profile printed on every document (read, replace; changing where customers pay is
//! the owner's signed in, so a token gets 403 for the bank fields), the numbering series
//! (read; saving one is the owner's: a token with the owner scope) and the reminder schedule
//! (read, replace), and the logo printed on documents (read, replace with a PNG or JPEG
//! body, remove).

use axum::{
    Json, Router,
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};

use super::{ApiAuth, json::StrictJson, problem::ApiError};
use crate::{
    app::{
        business,
        settings::{self, BusinessProfile, ProfileInput, Rule},
    },
    audit::RequestMeta,
    i18n::Tr,
    invoicing::reminders::OFFERED_OFFSETS,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/business", get(read_profile).put(update_profile))
        .route(
            "/api/v1/business/logo",
            get(logo)
                .post(replace_logo)
                .delete(remove_logo)
                .layer(axum::extract::DefaultBodyLimit::max(crate::logo::MAX_LOGO_BYTES)),
        )
        .route("/api/v1/numbering", get(numbering).put(save_numbering))
        .route("/api/v1/reminder-schedule", get(reminder_schedule).put(save_reminder_schedule))
}

#[derive(Serialize)]
struct ProfileJson {
    name: String,
    address_line: String,
    postal_code: String,
    city: String,
    country: String,
    vat_number: String,
    registration_id: String,
    iban: String,
    bic: String,
    default_currency: String,
    payment_terms_days: i32,
    invoice_language: String,
    payment_reference_scheme: String,
    bankgiro: String,
    fik_creditor: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    /// As typed in Settings → E-invoicing (empty: derived).
    peppol_id: String,
}

impl From<BusinessProfile> for ProfileJson {
    fn from(p: BusinessProfile) -> Self {
        ProfileJson {
            name: p.name,
            address_line: p.address_line,
            postal_code: p.postal_code,
            city: p.city,
            country: p.country,
            vat_number: p.vat_number,
            registration_id: p.registration_id,
            iban: p.iban,
            bic: p.bic,
            default_currency: p.default_currency,
            payment_terms_days: p.payment_terms_days,
            invoice_language: p.invoice_language,
            payment_reference_scheme: p.payment_reference_scheme,
            bankgiro: p.bankgiro,
            fik_creditor: p.fik_creditor,
            contact_name: p.contact_name,
            contact_email: p.contact_email,
            contact_phone: p.contact_phone,
            peppol_id: p.peppol_id,
        }
    }
}

async fn read_profile(State(state): State<AppState>, auth: ApiAuth) -> Result<Response, ApiError> {
    let profile = settings::business_profile(&state, &auth.caller()).await?;
    Ok(Json(ProfileJson::from(profile)).into_response())
}

/// Replaces the profile with the fields given (a field left out is empty, as an empty
/// box on the page); answers with the profile as stored.
async fn update_profile(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    body: Result<StrictJson<ProfileInput>, ApiError>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let StrictJson(input) = body?;
    let caller = auth.caller();
    settings::update_profile(&state, &caller, &Tr::default(), &meta, &input).await?;
    let profile = settings::business_profile(&state, &caller).await?;
    Ok(Json(ProfileJson::from(profile)).into_response())
}

#[derive(Serialize)]
struct SeriesJson {
    kind: &'static str,
    prefix: String,
    padding: i32,
    yearly_reset: bool,
    last_number: i64,
    /// The number the next document of this series gets this year.
    next: String,
}

/// One series as the API changes it: the page's fields with JSON types.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeriesInputJson {
    /// `invoice`, `credit_note` or `quote`.
    kind: String,
    #[serde(default)]
    prefix: String,
    padding: u32,
    #[serde(default)]
    yearly_reset: bool,
}

/// Saves one series (the owner's: a token with the owner scope), then lists them all.
async fn save_numbering(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    StrictJson(body): StrictJson<SeriesInputJson>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let input = settings::SeriesInput {
        kind: body.kind,
        prefix: body.prefix,
        padding: body.padding.to_string(),
        yearly_reset: body.yearly_reset.then(|| "on".to_owned()),
    };
    settings::save_numbering(&state, &auth.caller(), &Tr::default(), &meta, &input).await?;
    numbering(State(state), auth).await
}

async fn numbering(State(state): State<AppState>, auth: ApiAuth) -> Result<Response, ApiError> {
    let data: Vec<SeriesJson> = settings::numbering_series(&state, &auth.caller())
        .await?
        .into_iter()
        .map(|(s, next)| SeriesJson {
            kind: s.kind.as_str(),
            prefix: s.prefix,
            padding: s.padding,
            yearly_reset: s.yearly_reset,
            last_number: s.last_number,
            next,
        })
        .collect();
    Ok(Json(serde_json::json!({ "data": data })).into_response())
}

/// One reminder rule: days after the due date (negative: before) and its channels.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleJson {
    offset_days: i32,
    #[serde(default)]
    by_email: bool,
    #[serde(default)]
    by_sms: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleBody {
    rules: Vec<RuleJson>,
}

#[derive(Serialize)]
struct ScheduleJson {
    /// Empty: reminders are off.
    rules: Vec<RuleJson>,
    /// The offsets a rule may have.
    offered_offsets: [i32; 4],
    /// Whether SMS can be sent (an SMS account is set up).
    sms_available: bool,
}

async fn schedule_json(state: &AppState, auth: &ApiAuth) -> Result<Response, ApiError> {
    let (rules, sms_available) = settings::reminder_schedule(state, &auth.caller()).await?;
    let rules = rules
        .into_iter()
        .map(|r| RuleJson { offset_days: r.offset_days, by_email: r.by_email, by_sms: r.by_sms })
        .collect();
    Ok(Json(ScheduleJson { rules, offered_offsets: OFFERED_OFFSETS, sms_available }).into_response())
}

async fn reminder_schedule(State(state): State<AppState>, auth: ApiAuth) -> Result<Response, ApiError> {
    schedule_json(&state, &auth).await
}

/// Replaces the schedule; no rules turn reminders off.
async fn save_reminder_schedule(
    State(state): State<AppState>,
    auth: ApiAuth,
    body: Result<StrictJson<ScheduleBody>, ApiError>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let StrictJson(body) = body?;
    let rules: Vec<Rule> = body
        .rules
        .into_iter()
        .map(|r| Rule { offset_days: r.offset_days, by_email: r.by_email, by_sms: r.by_sms })
        .collect();
    settings::save_reminder_schedule(&state, &auth.caller(), &rules).await?;
    schedule_json(&state, &auth).await
}

/// The logo as stored (404 when there is none).
async fn logo(State(state): State<AppState>, auth: ApiAuth) -> Result<Response, ApiError> {
    let logo = business::logo_image(&state, &auth.caller()).await?;
    let content_type =
        axum::http::HeaderValue::from_str(&logo.content_type).map_err(|e| ApiError::Unexpected(e.into()))?;
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], logo.image).into_response())
}

/// The body is the image (PNG or JPEG, at most 512 KiB), checked before anything is
/// stored: a refused file leaves the previous logo in place.
async fn replace_logo(
    State(state): State<AppState>,
    auth: ApiAuth,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let body = body.map_err(|r| super::bad_body(r, "512 KiB"))?;
    business::replace_logo(&state, &auth.caller(), &body).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

async fn remove_logo(State(state): State<AppState>, auth: ApiAuth) -> Result<Response, ApiError> {
    auth.require_write()?;
    business::remove_logo(&state, &auth.caller()).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
