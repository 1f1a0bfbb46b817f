//! `/api/v1/received-documents` and `/api/v1/bills`: an e-invoice posted as it is (the
//! request body is the file: UBL, CII or XRechnung XML, or a Factur-X/ZUGFeRD PDF), the
//! bills it becomes, recording a bill's payment, each bill's original file and readable
//! PDF, and the bookkeeper's CSV and ZIP of a period. The same operations as the Bills
//! page; posting the same bytes again records nothing new (200 instead of 201).

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use fastfaktura_documents::import::MAX_RECEIVED_BYTES;
use fastfaktura_domain::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{ApiAuth, ApiId, json::StrictJson, problem::ApiError};
use crate::{
    app::bills::{self, Bill, BillState, Finding, Period, ScheduleInput, Source},
    audit::RequestMeta,
    http::documents::file_response,
    i18n::Lang,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/received-documents", post(receive).layer(DefaultBodyLimit::max(MAX_RECEIVED_BYTES)))
        .route("/api/v1/bills", get(list))
        .route("/api/v1/bills/export.csv", get(export_csv))
        .route("/api/v1/bills/export.zip", get(export_zip))
        .route("/api/v1/bills/{id}", get(one))
        .route("/api/v1/bills/{id}/original", get(original))
        .route("/api/v1/bills/{id}/pdf", get(pdf))
        .route("/api/v1/bills/{id}/paid", post(paid))
        .route("/api/v1/bills/{id}/schedule", post(schedule))
        .route("/api/v1/bills/{id}/reopen", post(reopen))
}

#[derive(Serialize)]
struct ReceivedJson {
    document_id: Uuid,
    /// None when required information is missing (the document is kept, invalid).
    bill_id: Option<Uuid>,
    already_received: bool,
    duplicate_of: Option<Uuid>,
    status: &'static str,
}

/// The file's name for the export: `X-File-Name`, else "api".
async fn receive(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let body = body.map_err(|r| super::bad_body(r, "50 MB"))?;
    let name = headers.get("x-file-name").and_then(|v| v.to_str().ok()).unwrap_or("api");
    let received = bills::receive_document(&state, &auth.caller(), &meta, Source::Upload, name, &body).await?;
    let status = if received.already_received { StatusCode::OK } else { StatusCode::CREATED };
    let json = ReceivedJson {
        document_id: received.document_id,
        bill_id: received.bill_id,
        already_received: received.already_received,
        duplicate_of: received.duplicate_of,
        status: if received.invalid { "invalid" } else { "valid" },
    };
    Ok((status, Json(json)).into_response())
}

#[derive(Serialize)]
struct BillJson {
    id: Uuid,
    received_document_id: Uuid,
    document_status: String,
    document_format: String,
    credit_note: bool,
    supplier: SupplierJson,
    number: String,
    issue_date: Date,
    due_date: Option<Date>,
    currency: String,
    net: Decimal,
    vat: Decimal,
    total: Decimal,
    payable: Decimal,
    vat_breakdown: serde_json::Value,
    payment_reference: Option<String>,
    iban: Option<String>,
    bic: Option<String>,
    state: String,
    scheduled_for: Option<Date>,
    #[serde(with = "time::serde::rfc3339::option")]
    paid_at: Option<OffsetDateTime>,
    duplicate_of: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    received_at: OffsetDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings: Option<Vec<Finding>>,
}

#[derive(Serialize)]
struct SupplierJson {
    name: String,
    vat_id: Option<String>,
    registration_id: Option<String>,
    participant_id: Option<String>,
}

impl BillJson {
    fn of(b: Bill, findings: Option<Vec<Finding>>) -> Self {
        BillJson {
            id: b.id,
            received_document_id: b.received_document_id,
            document_status: b.document_status,
            document_format: b.document_format,
            credit_note: b.credit_note,
            supplier: SupplierJson {
                name: b.supplier_name,
                vat_id: b.supplier_vat_id,
                registration_id: b.supplier_registration_id,
                participant_id: b.supplier_participant_id,
            },
            number: b.number,
            issue_date: b.issue_date,
            due_date: b.due_date,
            currency: b.currency,
            net: b.net.normalize(),
            vat: b.vat.normalize(),
            total: b.total.normalize(),
            payable: b.payable.normalize(),
            vat_breakdown: b.vat_breakdown,
            payment_reference: b.payment_reference,
            iban: b.iban,
            bic: b.bic,
            state: b.state,
            scheduled_for: b.scheduled_for,
            paid_at: b.paid_at,
            duplicate_of: b.duplicate_of,
            received_at: b.created_at,
            findings,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ListQuery {
    /// `to_pay`, `scheduled` or `paid`; all when absent.
    state: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    auth: ApiAuth,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(super::bad_query)?;
    let filter = match query.state.as_deref() {
        None => None,
        Some(s) => Some(
            BillState::parse(s)
                .ok_or_else(|| ApiError::BadRequest("state must be to_pay, scheduled or paid".into()))?,
        ),
    };
    let list = bills::list_bills(&state, &auth.caller(), filter).await?;
    let items: Vec<BillJson> = list.bills.into_iter().map(|b| BillJson::of(b, None)).collect();
    Ok(Json(serde_json::json!({ "items": items })).into_response())
}

async fn one(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    let detail = bills::bill_detail(&state, &auth.caller(), id).await?;
    Ok(Json(BillJson::of(detail.bill, Some(detail.findings))).into_response())
}

async fn paid(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    bills::mark_bill_paid(&state, &auth.caller(), &meta, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn schedule(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    ApiId(id): ApiId,
    StrictJson(body): StrictJson<ScheduleInput>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    bills::schedule_bill(&state, &auth.caller(), &meta, id, &body).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn reopen(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    bills::reopen_bill(&state, &auth.caller(), &meta, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The file exactly as it was received, byte for byte.
async fn original(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    let (name, media_type, bytes) = bills::bill_original(&state, &auth.caller(), id).await?;
    Ok(file_response(&name, media_type, bytes, false))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct PdfQuery {
    /// `en` (the default) or `is`: the language of the headings.
    lang: Option<String>,
}

/// The bill drawn by our own renderer, readable whatever format it came in.
async fn pdf(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    query: Result<Query<PdfQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(super::bad_query)?;
    let lang = match query.lang.as_deref() {
        None | Some("en") => Lang::En,
        Some("is") => Lang::Is,
        Some(_) => return Err(ApiError::BadRequest("lang must be en or is".into())),
    };
    let (name, bytes) = bills::bill_pdf(&state, &auth.caller(), id, lang).await?;
    Ok(file_response(&name, "application/pdf", bytes, false))
}

/// The period asked for (`from`, `to`: ISO dates, both included, either open).
fn period(query: Result<Query<Period>, axum::extract::rejection::QueryRejection>) -> Result<Period, ApiError> {
    query.map(|Query(p)| p).map_err(super::bad_query)
}

/// One row per bill issued in the period, for the bookkeeper.
async fn export_csv(
    State(state): State<AppState>,
    auth: ApiAuth,
    query: Result<Query<Period>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let csv = bills::export_bills_csv(&state, &auth.caller(), &period(query)?).await?;
    Ok(file_response("bills.csv", "text/csv; charset=utf-8", csv.into_bytes(), false))
}

/// The original files of the period's bills, with the CSV, in one ZIP.
async fn export_zip(
    State(state): State<AppState>,
    auth: ApiAuth,
    query: Result<Query<Period>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let zip = bills::export_originals_zip(&state, &auth.caller(), &period(query)?).await?;
    Ok(file_response("bills.zip", "application/zip", zip, false))
}
