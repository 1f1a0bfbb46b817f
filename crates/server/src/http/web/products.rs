//! The products and services catalogue: list with search, create, edit, archive.
//! The invoice editor adds a catalogue item as a line with its defaults.

use axum::{
    Form, Router,
    extract::{Query, State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use fastfaktura_domain::{Decimal, VatCategory, parse_decimal, totals::UNIT_PRICE_DECIMALS};
use serde::Deserialize;

use super::{
    customers::{ListQuery, PAGE_SIZE},
    forms::{FieldErrors, optional, required},
    pages::{ProductFormPage, ProductsPage},
};
use crate::{
    auth::session::CurrentSession,
    db::{self, products::ProductFields},
    http::{IdPath, error::AppError},
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(list).post(create))
        .route("/products/new", get(new_form))
        .route("/products/{id}", get(edit_form).post(update))
        .route("/products/{id}/archive", post(archive))
}

async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let page = query.page();
    let mut products =
        db::products::list(&state.db, session.business_id, query.q.trim(), PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
            .await?;
    let has_next = products.len() as i64 > PAGE_SIZE;
    products.truncate(PAGE_SIZE as usize);
    Ok(ProductsPage { t, products, q: query.q.clone(), page, has_next }.into_response())
}

/// A product as typed (all text).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ProductForm {
    pub name: String,
    pub unit: String,
    pub unit_price: String,
    pub vat_category: String,
    pub vat_rate: String,
}

pub(crate) fn validate(t: &Tr, form: &ProductForm) -> (ProductFields, FieldErrors) {
    let mut errors = FieldErrors::new(t);
    let vat_category = errors.check(
        "vat_category",
        &t.t("label-vat-category"),
        VatCategory::parse(&form.vat_category).map_err(|e| e.to_string()),
        VatCategory::Standard,
    );
    let fields = ProductFields {
        name: errors.check("name", &t.t("label-name"), required(t, &form.name, 200), form.name.clone()),
        unit: errors.check("unit", &t.t("label-unit"), optional(t, &form.unit, 20), form.unit.clone()),
        unit_price: errors.check(
            "unit_price",
            &t.t("label-price"),
            parse_decimal(&form.unit_price, UNIT_PRICE_DECIMALS)
                .map_err(|e| e.to_string())
                .and_then(|p| if p < Decimal::ZERO { Err(t.t("form-not-negative")) } else { Ok(p) }),
            Decimal::ZERO,
        ),
        vat_rate: errors.check(
            "vat_rate",
            &t.t("label-vat-rate"),
            if form.vat_rate.trim().is_empty() {
                Ok(Decimal::ZERO)
            } else {
                parse_decimal(&form.vat_rate, 2).map_err(|e| e.to_string())
            }
            .and_then(|r| vat_category.check_rate(r).map(|()| r).map_err(|e| e.to_string())),
            Decimal::ZERO,
        ),
        vat_category: vat_category.code().to_owned(),
    };
    (fields, errors)
}

async fn new_form(_session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    let form = ProductForm { vat_category: "S".into(), ..ProductForm::default() };
    Ok(ProductFormPage::new(t, None, form, FieldErrors::default()).into_response())
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    form: Result<Form<ProductForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let (fields, errors) = validate(&t, &form);
    if !errors.is_empty() {
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, ProductFormPage::new(t, None, form.clone(), errors)).into_response()
        );
    }
    db::products::create(&state.db, session.business_id, &fields, state.clock.now()).await?;
    Ok(Redirect::to("/products").into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let p = db::products::find(&state.db, session.business_id, id).await?.ok_or(AppError::NotFound)?;
    let form = ProductForm {
        name: p.name,
        unit: p.unit,
        unit_price: p.unit_price.normalize().to_string(),
        vat_category: p.vat_category,
        vat_rate: p.vat_rate.normalize().to_string(),
    };
    Ok(ProductFormPage::new(t, Some(id), form, FieldErrors::default()).into_response())
}

async fn update(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
    form: Result<Form<ProductForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    db::products::find(&state.db, session.business_id, id).await?.ok_or(AppError::NotFound)?;
    let (fields, errors) = validate(&t, &form);
    if !errors.is_empty() {
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, ProductFormPage::new(t, Some(id), form.clone(), errors)).into_response()
        );
    }
    db::products::update(&state.db, session.business_id, id, &fields).await?;
    Ok(Redirect::to("/products").into_response())
}

async fn archive(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    if !db::products::archive(&state.db, session.business_id, id, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/products").into_response())
}
