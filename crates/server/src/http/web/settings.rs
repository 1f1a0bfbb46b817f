//! Business settings: the profile printed on every invoice and its defaults.

use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use fastfaktura_domain::identifiers;
use serde::Deserialize;

use super::{
    forms::{FieldErrors, currency_code, language, optional, required},
    pages::SettingsPage,
};
use crate::{
    auth::session::CurrentSession,
    db::{self, businesses::BusinessProfile},
    http::error::AppError,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/business", get(show).post(save))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    saved: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    session: CurrentSession,
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Result<Response, AppError> {
    let profile = db::businesses::profile(&state.db, session.business_id).await?;
    Ok(SettingsPage::new(profile, FieldErrors::default(), query.saved.is_some()).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProfileForm {
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
    payment_terms_days: String,
    invoice_language: String,
}

fn validate(form: &ProfileForm) -> (BusinessProfile, FieldErrors) {
    let mut errors = FieldErrors::default();
    let country = errors.check("country", "Country", identifiers::country(&form.country), form.country.clone());
    let profile = BusinessProfile {
        name: errors.check("name", "Legal name", required(&form.name, 200), form.name.clone()),
        address_line: errors.check(
            "address_line",
            "Address",
            optional(&form.address_line, 200),
            form.address_line.clone(),
        ),
        postal_code: errors.check(
            "postal_code",
            "Postal code",
            optional(&form.postal_code, 20),
            form.postal_code.clone(),
        ),
        city: errors.check("city", "City", optional(&form.city, 100), form.city.clone()),
        vat_number: errors.check(
            "vat_number",
            "VAT number",
            identifiers::vat_id(&form.vat_number, &country),
            form.vat_number.clone(),
        ),
        registration_id: errors.check(
            "registration_id",
            "Registration id",
            optional(&form.registration_id, 40),
            form.registration_id.clone(),
        ),
        iban: errors.check("iban", "IBAN", identifiers::iban(&form.iban), form.iban.clone()),
        bic: errors.check("bic", "BIC", identifiers::bic(&form.bic), form.bic.clone()),
        default_currency: errors.check(
            "default_currency",
            "Currency",
            currency_code(&form.default_currency),
            form.default_currency.clone(),
        ),
        payment_terms_days: errors.check(
            "payment_terms_days",
            "Payment terms",
            form.payment_terms_days
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|d| (0..=365).contains(d))
                .ok_or_else(|| "must be a number of days from 0 to 365".to_owned()),
            14,
        ),
        invoice_language: errors.check(
            "invoice_language",
            "Invoice language",
            language(&form.invoice_language),
            "en".into(),
        ),
        country,
    };
    (profile, errors)
}

async fn save(
    State(state): State<AppState>,
    session: CurrentSession,
    form: Result<Form<ProfileForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let (profile, errors) = validate(&form);
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, SettingsPage::new(profile, errors, false)).into_response());
    }
    db::businesses::update_profile(&state.db, session.business_id, &profile).await?;
    tracing::info!(business_id = %session.business_id, "business profile updated");
    Ok(Redirect::to("/settings/business?saved=1").into_response())
}
