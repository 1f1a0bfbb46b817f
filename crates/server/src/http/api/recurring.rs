//! Recurring invoices through the API, as on the invoice page's "Repeat" form and the
//! Recurring list (`app::invoicing::recurring`): repeat an issued invoice every 1 to 24
//! months (as drafts, or issued and emailed on their date), list the active templates,
//! stop one.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::{ApiAuth, ApiId, json::StrictJson, problem::ApiError};
use crate::{
    app::invoicing::{self, Recurring, views},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/invoices/{id}/recurring", post(start))
        .route("/api/v1/recurring-invoices", get(list))
        .route("/api/v1/recurring-invoices/{id}/stop", post(stop))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecurringBody {
    every_months: i32,
    /// Issued and emailed on its date instead of waiting as a draft.
    #[serde(default)]
    auto_send: bool,
}

#[derive(Serialize)]
struct RecurringJson {
    id: Uuid,
    source_invoice_id: Uuid,
    source_number: Option<String>,
    customer_name: String,
    every_months: i32,
    next_run_on: Date,
    auto_send: bool,
}

impl From<Recurring> for RecurringJson {
    fn from(r: Recurring) -> Self {
        RecurringJson {
            id: r.id,
            source_invoice_id: r.source_invoice_id,
            source_number: r.source_number,
            customer_name: r.customer_name,
            every_months: r.every_months,
            next_run_on: r.next_run_on,
            auto_send: r.auto_send,
        }
    }
}

async fn start(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    body: Result<StrictJson<RecurringBody>, ApiError>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let caller = auth.caller();
    views::find_invoice(&state, caller.business_id, id).await?;
    let StrictJson(body) = body?;
    invoicing::start_recurring(&state, &caller, id, body.every_months, body.auto_send).await?;
    let started = invoicing::list_recurring(&state, &caller)
        .await?
        .into_iter()
        .find(|r| r.source_invoice_id == id)
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(RecurringJson::from(started))).into_response())
}

async fn list(State(state): State<AppState>, auth: ApiAuth) -> Result<Response, ApiError> {
    let data: Vec<RecurringJson> =
        invoicing::list_recurring(&state, &auth.caller()).await?.into_iter().map(RecurringJson::from).collect();
    Ok(Json(serde_json::json!({ "data": data })).into_response())
}

async fn stop(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    invoicing::stop_recurring(&state, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
