//! `GET /api/v1/invoices/{id}/pdf`, `/ubl` and `/cii`: an issued document's files for
//! integrators, the same bytes the owner and the customer download.

use axum::{Router, extract::State, response::Response, routing::get};

use super::{ApiAuth, ApiId, problem::ApiError};
use crate::{
    app::invoicing::sending::issued_document,
    http::documents::{DocumentFormat, document_file},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/invoices/{id}/pdf",
            get(|s: State<AppState>, a: ApiAuth, i: ApiId| download(s, a, i, DocumentFormat::Pdf)),
        )
        .route(
            "/api/v1/invoices/{id}/ubl",
            get(|s: State<AppState>, a: ApiAuth, i: ApiId| download(s, a, i, DocumentFormat::Ubl)),
        )
        .route(
            "/api/v1/invoices/{id}/cii",
            get(|s: State<AppState>, a: ApiAuth, i: ApiId| download(s, a, i, DocumentFormat::Cii)),
        )
}

async fn download(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    format: DocumentFormat,
) -> Result<Response, ApiError> {
    let doc = issued_document(&state, &auth.caller(), id).await?;
    document_file(doc, format).ok_or(ApiError::NotFound)
}
