//! `/api/v1/customers`: list, create, read, update, archive; a customer's account
//! statement (PDF); and whether the customer receives e-invoices over Peppol (the last
//! answer, or asked of the network now), as the customer's page shows it.

use axum::{
    Json, Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiAuth, ApiId, json::StrictJson, problem::ApiError};
use crate::{
    app::{
        customers::{self, Customer, CustomerInput},
        peppol::{self, Reachability},
    },
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/customers", get(list).post(create))
        .route("/api/v1/customers/{id}", get(read).put(update))
        .route("/api/v1/customers/{id}/archive", axum::routing::post(archive))
        .route("/api/v1/customers/{id}/statement", get(statement))
        .route("/api/v1/customers/{id}/peppol", get(peppol))
        .route("/api/v1/customers/{id}/peppol/check", axum::routing::post(check_peppol))
}

#[derive(Serialize)]
pub struct CustomerJson {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub vat_number: String,
    pub registration_id: String,
    /// As typed; empty when derived.
    pub peppol_id: String,
    /// The participant id documents use: the typed one, else derived (None: unknown).
    pub peppol_participant: Option<String>,
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
        let peppol_participant = c.participant().map(|p| p.to_string());
        CustomerJson {
            id: c.id,
            kind: c.kind,
            name: c.name,
            email: c.email,
            phone: c.phone,
            vat_number: c.vat_number,
            peppol_participant,
            peppol_id: c.peppol_id,
            registration_id: c.registration_id,
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
    let customers = customers::list_customers(&state, &auth.caller(), &query.q, limit, offset).await?;
    Ok(Json(CustomerList { data: customers.into_iter().map(Into::into).collect() }).into_response())
}

async fn create(
    State(state): State<AppState>,
    auth: ApiAuth,
    body: Result<StrictJson<CustomerInput>, ApiError>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let StrictJson(input) = body?;
    let customer = customers::create_customer(&state, &auth.caller(), &Tr::default(), &input).await?;
    Ok((StatusCode::CREATED, Json(CustomerJson::from(customer))).into_response())
}

async fn read(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    let customer = customers::find_customer(&state, &auth.caller(), id).await?;
    Ok(Json(CustomerJson::from(customer)).into_response())
}

async fn update(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    body: Result<StrictJson<CustomerInput>, ApiError>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    // Another business's id is "not found" before anything is said about the body.
    customers::find_customer(&state, &auth.caller(), id).await?;
    let StrictJson(input) = body?;
    let customer = customers::update_customer(&state, &auth.caller(), &Tr::default(), id, &input).await?;
    Ok(Json(CustomerJson::from(customer)).into_response())
}

/// Hides the customer from lists and new invoices; its invoices stay.
async fn archive(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    customers::archive_customer(&state, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The customer's account statement: every document and payment with the balance.
async fn statement(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    let (name, pdf) = customers::customer_statement(&state, &auth.caller(), id).await?;
    Ok(crate::http::documents::file_response(&name, "application/pdf", pdf, false))
}

/// What the Peppol network said about the customer's participant id.
#[derive(Serialize)]
struct PeppolJson {
    /// None when the customer has no participant id (typed, or derived from its ids).
    participant: Option<String>,
    /// `no_participant`, `not_checked`, `registered`, `not_registered`, `refused` or
    /// `unreachable`.
    state: String,
    /// What it receives over Peppol: `invoice`, `credit_note`.
    document_types: Vec<String>,
    receives_invoices: bool,
    receives_credit_notes: bool,
    /// Why the answer is not `registered`, when the network said.
    reason: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    checked_at: Option<time::OffsetDateTime>,
}

impl From<Reachability> for PeppolJson {
    fn from(r: Reachability) -> Self {
        let (receives_invoices, receives_credit_notes) = (r.receives(false), r.receives(true));
        let (participant, state, answer) = match r {
            Reachability::NoParticipant => (None, "no_participant".to_owned(), None),
            Reachability::NotChecked { participant } => (Some(participant), "not_checked".to_owned(), None),
            Reachability::Checked { participant, answer } => (Some(participant), answer.state.clone(), Some(answer)),
        };
        PeppolJson {
            participant: participant.map(|p| p.to_string()),
            state,
            document_types: answer.as_ref().map(|a| a.document_types.clone()).unwrap_or_default(),
            receives_invoices,
            receives_credit_notes,
            reason: answer.as_ref().and_then(|a| a.reason.clone()),
            checked_at: answer.map(|a| a.checked_at),
        }
    }
}

/// The last answer about the customer (no network call).
async fn peppol(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    let customer = customers::find_customer(&state, &auth.caller(), id).await?;
    Ok(Json(PeppolJson::from(peppol::customer_reachability(&state, &customer).await?)).into_response())
}

/// Asks the network now (an answer younger than a minute is used again).
async fn check_peppol(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    Ok(Json(PeppolJson::from(peppol::check_customer(&state, &auth.caller(), id).await?)).into_response())
}
