//! `/api/v1/customers`: list, create, read, update.

use axum::{
    Json, Router,
    extract::{Query, State, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiAuth, ApiId, bad_json, problem::ApiError};
use crate::{
    db::{self, customers::Customer},
    http::web::customers::{CustomerForm, validate},
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/customers", get(list).post(create))
        .route("/api/v1/customers/{id}", get(read).put(update))
}

#[derive(Serialize)]
pub struct CustomerJson {
    pub id: Uuid,
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
    pub archived: bool,
}

impl From<Customer> for CustomerJson {
    fn from(c: Customer) -> Self {
        CustomerJson {
            id: c.id,
            kind: c.kind,
            name: c.name,
            email: c.email,
            phone: c.phone,
            vat_number: c.vat_number,
            address_line: c.address_line,
            postal_code: c.postal_code,
            city: c.city,
            country: c.country,
            language: c.language,
            currency: c.currency,
            archived: c.archived,
        }
    }
}

/// The API's customer body: the web form's fields, but an unknown field is refused (400)
/// as the OpenAPI document's `additionalProperties: false` promises, so a misspelt
/// field is not silently dropped (schemathesis found that it was).
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct CustomerInput {
    kind: String,
    name: String,
    email: String,
    phone: String,
    vat_number: String,
    address_line: String,
    postal_code: String,
    city: String,
    country: String,
    language: String,
    currency: String,
}

impl From<CustomerInput> for CustomerForm {
    fn from(c: CustomerInput) -> Self {
        CustomerForm {
            kind: c.kind,
            name: c.name,
            email: c.email,
            phone: c.phone,
            vat_number: c.vat_number,
            address_line: c.address_line,
            postal_code: c.postal_code,
            city: c.city,
            country: c.country,
            language: c.language,
            currency: c.currency,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize)]
struct CustomerList {
    data: Vec<CustomerJson>,
}

async fn list(
    State(state): State<AppState>,
    auth: ApiAuth,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(super::bad_query)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let offset = query.offset.unwrap_or(0).max(0);
    let customers = db::customers::list(&state.db, auth.business_id, query.q.trim(), limit, offset).await?;
    Ok(Json(CustomerList { data: customers.into_iter().map(Into::into).collect() }).into_response())
}

async fn create(
    State(state): State<AppState>,
    auth: ApiAuth,
    body: Result<Json<CustomerInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let form = CustomerForm::from(body.map_err(bad_json)?.0);
    let (fields, errors) = validate(&Tr::default(), &form);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let id = db::customers::create(&state.db, auth.business_id, &fields, state.clock.now()).await?;
    let customer = db::customers::find(&state.db, auth.business_id, id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(CustomerJson::from(customer))).into_response())
}

async fn read(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    let customer = db::customers::find(&state.db, auth.business_id, id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(CustomerJson::from(customer)).into_response())
}

async fn update(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    body: Result<Json<CustomerInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    db::customers::find(&state.db, auth.business_id, id).await?.ok_or(ApiError::NotFound)?;
    let form = CustomerForm::from(body.map_err(bad_json)?.0);
    let (fields, errors) = validate(&Tr::default(), &form);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    db::customers::update(&state.db, auth.business_id, id, &fields).await?;
    read(State(state), auth, ApiId(id)).await
}
