//! Customers: list with search and pagination, create, edit, archive.

use axum::{
    Form, Router,
    extract::{Query, State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use fastfaktura_domain::{EmailAddress, identifiers};
use serde::Deserialize;

use super::{
    forms::{FieldErrors, currency_code, language, optional, required},
    pages::{CustomerFormPage, CustomersPage},
};
use crate::{
    auth::session::CurrentSession,
    db::{self, customers::CustomerFields},
    http::{IdPath, error::AppError},
    i18n::Tr,
    state::AppState,
};

pub const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list).post(create))
        .route("/customers/new", get(new_form))
        .route("/customers/{id}", get(edit_form).post(update))
        .route("/customers/{id}/archive", post(archive))
        .route("/customers/{id}/erase", post(erase))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub page: Option<u32>,
}

impl ListQuery {
    pub fn page(&self) -> i64 {
        i64::from(self.page.unwrap_or(1).clamp(1, 10_000))
    }
}

async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let page = query.page();
    let mut customers =
        db::customers::list(&state.db, session.business_id, query.q.trim(), PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
            .await?;
    let has_next = customers.len() as i64 > PAGE_SIZE;
    customers.truncate(PAGE_SIZE as usize);
    Ok(CustomersPage { t, customers, q: query.q.clone(), page, has_next }.into_response())
}

async fn new_form(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    let profile = db::businesses::profile(&state.db, session.business_id).await?;
    let fields = CustomerFields {
        kind: "business".into(),
        country: profile.country,
        currency: profile.default_currency,
        language: profile.invoice_language,
        ..CustomerFields::default()
    };
    Ok(CustomerFormPage { t, id: None, fields, errors: FieldErrors::default() }.into_response())
}

/// A customer as typed in the form or sent to the API (all text; validated below).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CustomerForm {
    pub kind: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub vat_number: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub language: String,
    pub currency: String,
}

pub(crate) fn validate(t: &Tr, form: &CustomerForm) -> (CustomerFields, FieldErrors) {
    let mut errors = FieldErrors::new(t);
    let country =
        errors.check("country", &t.t("label-country"), identifiers::country(&form.country), form.country.clone());
    let fields = CustomerFields {
        kind: errors.check(
            "kind",
            &t.t("label-type"),
            matches!(form.kind.as_str(), "business" | "person")
                .then(|| form.kind.clone())
                .ok_or_else(|| t.t("customer-kind-error")),
            "business".into(),
        ),
        name: errors.check("name", &t.t("label-name"), required(t, &form.name, 200), form.name.clone()),
        email: errors.check(
            "email",
            &t.t("label-email"),
            if form.email.trim().is_empty() {
                Ok(String::new())
            } else {
                EmailAddress::parse(&form.email).map(|e| e.to_string()).map_err(|e| e.to_string().to_lowercase())
            },
            form.email.clone(),
        ),
        phone: errors.check("phone", &t.t("label-phone"), identifiers::phone_e164(&form.phone), form.phone.clone()),
        vat_number: errors.check(
            "vat_number",
            &t.t("label-vat-number"),
            identifiers::vat_id(&form.vat_number, &country),
            form.vat_number.clone(),
        ),
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
        language: errors.check("language", &t.t("label-language"), language(t, &form.language), "en".into()),
        currency: errors.check(
            "currency",
            &t.t("label-currency"),
            currency_code(&form.currency),
            form.currency.clone(),
        ),
        country,
    };
    (fields, errors)
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    form: Result<Form<CustomerForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let (fields, errors) = validate(&t, &form);
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, CustomerFormPage { t, id: None, fields, errors }).into_response());
    }
    db::customers::create(&state.db, session.business_id, &fields, state.clock.now()).await?;
    Ok(Redirect::to("/customers").into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let customer = db::customers::find(&state.db, session.business_id, id).await?.ok_or(AppError::NotFound)?;
    let page = CustomerFormPage { t, id: Some(id), fields: customer.fields(), errors: FieldErrors::default() };
    Ok(page.into_response())
}

async fn update(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
    form: Result<Form<CustomerForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    // Another business's id is "not found" before anything else is said about it.
    db::customers::find(&state.db, session.business_id, id).await?.ok_or(AppError::NotFound)?;
    let (fields, errors) = validate(&t, &form);
    if !errors.is_empty() {
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, CustomerFormPage { t, id: Some(id), fields, errors }).into_response()
        );
    }
    if !db::customers::update(&state.db, session.business_id, id, &fields).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/customers").into_response())
}

/// Erases the customer's personal data (owners only; see `gdpr::erasure`).
async fn erase(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: crate::audit::RequestMeta,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    session.require_owner()?;
    let now = state.clock.now();
    match crate::gdpr::erasure::erase_customer(&state.db, session.business_id, id, session.user_id, &meta, now).await? {
        crate::gdpr::erasure::Erased::NotFound => Err(AppError::NotFound),
        _ => Ok(Redirect::to("/customers").into_response()),
    }
}

async fn archive(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    db::customers::find(&state.db, session.business_id, id).await?.ok_or(AppError::NotFound)?;
    db::customers::archive(&state.db, session.business_id, id, state.clock.now()).await?;
    Ok(Redirect::to("/customers").into_response())
}
