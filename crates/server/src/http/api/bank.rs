//! `/api/v1/bank-statements` and `/api/v1/bank-entries`: a bank file posted as it is
//! (the request body is the file; camt XML or BgMax text), the payments that wait, and
//! matching one. The same operations as the Bank page; undoing a match is an owner's
//! decision, so it stays on the web (an API token is never the owner).

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use fastfaktura_documents::bank_statements::MAX_STATEMENT_BYTES;
use fastfaktura_domain::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{ApiAuth, ApiId, json::StrictJson, problem::ApiError};
use crate::{
    app::bank_statements::{self, BankEntry as Entry, MatchInput},
    audit::RequestMeta,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/bank-statements", post(import).layer(DefaultBodyLimit::max(MAX_STATEMENT_BYTES)))
        .route("/api/v1/bank-entries", get(list))
        .route("/api/v1/bank-entries/{id}/match", post(match_entry))
        .route("/api/v1/bank-entries/{id}/dismiss", post(dismiss_entry))
}

#[derive(Serialize)]
struct ImportJson {
    id: Uuid,
    format: &'static str,
    payments: usize,
    matched: usize,
    duplicates: usize,
}

/// The file's name for the import list: `X-File-Name`, else "api".
async fn import(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let body = body.map_err(|r| super::bad_body(r, "50 MB"))?;
    let name = headers.get("x-file-name").and_then(|v| v.to_str().ok()).unwrap_or("api");
    let summary = bank_statements::import_bank_file(&state, &auth.caller(), &meta, name, &body).await?;
    let json = ImportJson {
        id: summary.id,
        format: summary.format,
        payments: summary.payments,
        matched: summary.matched,
        duplicates: summary.duplicates,
    };
    Ok((StatusCode::CREATED, Json(json)).into_response())
}

#[derive(Serialize)]
struct EntryJson {
    id: Uuid,
    state: String,
    booked_on: Date,
    amount: Decimal,
    currency: String,
    reference: Option<String>,
    message: Option<String>,
    payer: Option<String>,
    /// Why a waiting payment was not recorded by itself.
    reason: Option<String>,
    invoice_id: Option<Uuid>,
    /// What was recorded on the invoice (less than `amount` for an overpayment).
    applied: Option<Decimal>,
    matched_automatically: Option<bool>,
    #[serde(with = "time::serde::rfc3339::option")]
    matched_at: Option<OffsetDateTime>,
}

impl From<Entry> for EntryJson {
    fn from(e: Entry) -> Self {
        EntryJson {
            id: e.id,
            state: e.state,
            booked_on: e.booked_on,
            amount: e.amount.normalize(),
            currency: e.currency,
            reference: e.reference,
            message: e.message,
            payer: e.payer,
            reason: e.reason,
            invoice_id: e.invoice_id,
            applied: e.applied.map(|a| a.normalize()),
            matched_automatically: e.matched_by.map(|by| by == bank_statements::AUTOMATIC),
            matched_at: e.matched_at,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ListQuery {
    /// `unmatched` (the default) or `matched`.
    state: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    auth: ApiAuth,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let matched = match query.state.as_deref() {
        None | Some("unmatched") => false,
        Some("matched") => true,
        Some(_) => return Err(ApiError::BadRequest("state must be unmatched or matched".into())),
    };
    let entries: Vec<EntryJson> = bank_statements::bank_entries(&state, &auth.caller(), matched)
        .await?
        .into_iter()
        .map(EntryJson::from)
        .collect();
    Ok(Json(serde_json::json!({ "items": entries })).into_response())
}

async fn match_entry(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    ApiId(id): ApiId,
    StrictJson(body): StrictJson<MatchInput>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    bank_statements::match_bank_entry_to(&state, &auth.caller(), &meta, id, &body).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Sets a waiting payment aside as not for an invoice (interest, an own transfer).
async fn dismiss_entry(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    bank_statements::dismiss_bank_entry(&state, &auth.caller(), &meta, id, true).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
