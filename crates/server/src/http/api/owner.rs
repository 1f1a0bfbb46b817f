//! The owner's operations through the API, for a token with the owner scope (made by
//! the owner on Settings → API tokens, acting as owner only while its creator is one):
//! undoing a bank match, removing a payment recorded by mistake, and reading the
//! business's activity log. The operations check the owner themselves; any other token
//! gets 403. Saving a numbering series is beside its reading in `settings.rs`.

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiAuth, ApiId, problem::ApiError};
use crate::{
    app::{bank_statements, business, invoicing::payments},
    audit::{Category, RequestMeta},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/bank-entries/{id}/undo", post(undo_match))
        .route("/api/v1/invoices/{id}/payments/{payment_id}", delete(remove_payment))
        .route("/api/v1/audit-events", get(audit_events))
}

/// The payment leaves the invoice and waits again among the bank payments.
async fn undo_match(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    bank_statements::undo_bank_match(&state, &auth.caller(), &meta, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Removes a payment recorded by mistake (audited with what it was).
async fn remove_payment(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path((invoice, payment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let (Ok(invoice), Ok(payment)) = (invoice.parse::<Uuid>(), payment.parse::<Uuid>()) else {
        return Err(ApiError::NotFound);
    };
    payments::remove_payment(&state, &auth.caller(), invoice, payment).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct AuditQuery {
    /// Only this category (`access`, `security`, `money`, ...).
    category: Option<String>,
    /// Events older than this one (the `id` of the last event of the previous page).
    before: Option<i64>,
    limit: Option<i64>,
}

/// One event of the activity log. The request's address and browser are left out:
/// the page shows them to the owner signed in, and a token need not carry them.
#[derive(Serialize)]
struct AuditEventJson {
    id: i64,
    #[serde(with = "time::serde::rfc3339")]
    at: time::OffsetDateTime,
    category: String,
    action: String,
    actor_kind: String,
    actor: String,
    target: String,
    outcome: String,
    details: serde_json::Value,
}

/// The business's activity log, newest first, a page at a time.
async fn audit_events(
    State(state): State<AppState>,
    auth: ApiAuth,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(super::bad_query)?;
    let category = match query.category.as_deref() {
        None | Some("") => None,
        Some(name) => Some(
            Category::parse(name).ok_or_else(|| ApiError::BadRequest(format!("{name} is not an event category")))?,
        ),
    };
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let rows = business::activity_log(&state, &auth.caller(), category, query.before, limit).await?;
    let next_before = (rows.len() as i64 == limit).then(|| rows.last().map(|r| r.id)).flatten();
    let data: Vec<AuditEventJson> = rows
        .into_iter()
        .map(|r| AuditEventJson {
            id: r.id,
            at: r.at,
            category: r.category,
            action: r.action,
            actor_kind: r.actor_kind,
            actor: r.actor,
            target: r.target,
            outcome: r.outcome,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(Json(serde_json::json!({ "data": data, "next_before": next_before })).into_response())
}
