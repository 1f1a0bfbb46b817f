//! Getting an issued document out of the app: the owner's downloads (PDF, UBL, CII)
//! and the owner's side of the customer link: create it, copy it, see whether the
//! customer opened it, replace it (the old link stops working) or turn it off.

use axum::{
    Router,
    extract::State,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    auth::session::CurrentSession,
    db,
    http::{
        IdPath,
        documents::{DocumentFormat, document_file},
        error::AppError,
    },
    invoicing::{customer_links, documents},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/invoices/{id}/link", post(create))
        .route("/invoices/{id}/link/rotate", post(rotate))
        .route("/invoices/{id}/link/revoke", post(revoke))
        .route(
            "/invoices/{id}/pdf",
            get(|s: State<AppState>, c: CurrentSession, i: IdPath| download(s, c, i, DocumentFormat::Pdf)),
        )
        .route(
            "/invoices/{id}/ubl",
            get(|s: State<AppState>, c: CurrentSession, i: IdPath| download(s, c, i, DocumentFormat::Ubl)),
        )
        .route(
            "/invoices/{id}/cii",
            get(|s: State<AppState>, c: CurrentSession, i: IdPath| download(s, c, i, DocumentFormat::Cii)),
        )
}

async fn download(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
    format: DocumentFormat,
) -> Result<Response, AppError> {
    let doc = documents::issued_document(&state, session.business_id, id).await?;
    Ok(document_file(doc, format).await?)
}

/// What the document page shows about its customer link.
pub struct CustomerLinkView {
    pub url: String,
    pub view_count: i32,
    pub first_viewed_at: Option<String>,
}

/// The live link of an issued document, if it has one.
pub async fn link_view(
    state: &AppState,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Option<CustomerLinkView>, AppError> {
    let Some(live) = db::invoice_links::live(&state.db, business_id, invoice_id).await? else { return Ok(None) };
    let token = customer_links::unseal(state, business_id, &live)?;
    Ok(Some(CustomerLinkView {
        url: format!("{}/i/{token}", state.settings.public_origin()),
        view_count: live.view_count,
        first_viewed_at: live.first_viewed_at.map(minute),
    }))
}

fn minute(at: OffsetDateTime) -> String {
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}

fn back_to(invoice_id: Uuid) -> Response {
    Redirect::to(&format!("/invoices/{invoice_id}#customer-link")).into_response()
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    customer_links::link_token(&state, session.business_id, id).await?;
    Ok(back_to(id))
}

async fn rotate(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    customer_links::rotate(&state, session.business_id, id).await?;
    Ok(back_to(id))
}

async fn revoke(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    customer_links::revoke(&state, session.business_id, id).await?;
    Ok(back_to(id))
}
