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
    i18n::Tr,
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
    t: Tr,
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Result<Response, AppError> {
    let profile = db::businesses::profile(&state.db, session.business_id).await?;
    Ok(SettingsPage::new(t, profile, FieldErrors::default(), query.saved.is_some()).into_response())
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

fn validate(t: &Tr, form: &ProfileForm) -> (BusinessProfile, FieldErrors) {
    let mut errors = FieldErrors::new(t);
    let country =
        errors.check("country", &t.t("label-country"), identifiers::country(&form.country), form.country.clone());
    let profile = BusinessProfile {
        name: errors.check("name", &t.t("label-legal-name"), required(t, &form.name, 200), form.name.clone()),
        address_line: errors.check(
            "address_line",
            &t.t("label-address"),
            optional(t, &form.address_line, 200),
            form.address_line.clone(),
        ),
        postal_code: errors.check(
            "postal_code",
            &t.t("label-postal-code"),
            optional(t, &form.postal_code, 20),
            form.postal_code.clone(),
        ),
        city: errors.check("city", &t.t("label-city"), optional(t, &form.city, 100), form.city.clone()),
        vat_number: errors.check(
            "vat_number",
            &t.t("label-vat-number"),
            identifiers::vat_id(&form.vat_number, &country),
            form.vat_number.clone(),
        ),
        registration_id: errors.check(
            "registration_id",
            &t.t("label-registration-id"),
            optional(t, &form.registration_id, 40),
            form.registration_id.clone(),
        ),
        iban: errors.check("iban", &t.t("label-iban"), identifiers::iban(&form.iban), form.iban.clone()),
        bic: errors.check("bic", &t.t("label-bic"), identifiers::bic(&form.bic), form.bic.clone()),
        default_currency: errors.check(
            "default_currency",
            &t.t("label-currency"),
            currency_code(&form.default_currency),
            form.default_currency.clone(),
        ),
        payment_terms_days: errors.check(
            "payment_terms_days",
            &t.t("label-payment-terms"),
            form.payment_terms_days
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|d| (0..=365).contains(d))
                .ok_or_else(|| t.t("settings-payment-terms-range")),
            14,
        ),
        invoice_language: errors.check(
            "invoice_language",
            &t.t("label-invoice-language"),
            language(t, &form.invoice_language),
            "en".into(),
        ),
        country,
    };
    (profile, errors)
}

async fn save(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    form: Result<Form<ProfileForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let (profile, errors) = validate(&t, &form);
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, SettingsPage::new(t, profile, errors, false)).into_response());
    }
    db::businesses::update_profile(&state.db, session.business_id, &profile).await?;
    tracing::info!(business_id = %session.business_id, "business profile updated");
    Ok(Redirect::to("/settings/business?saved=1").into_response())
}
