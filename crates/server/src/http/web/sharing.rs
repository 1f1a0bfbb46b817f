//! Getting an issued document out of the app: the owner's downloads (PDF, UBL, CII)
//! "Send" (email and/or SMS) with each delivery's status and a retry button,
//! and the owner's side of the customer link: create it, copy it, see whether the
//! customer opened it, replace it (the old link stops working) or turn it off.

use axum::{
    Form, Router,
    extract::{Path, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    app::{
        Error,
        invoicing::{
            links,
            sending::{self, SendInput},
        },
    },
    http::session::CurrentSession,
    http::{
        IdPath,
        documents::{DocumentFormat, document_file},
        error::AppError,
    },
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/invoices/{id}/link", post(create))
        .route("/invoices/{id}/link/rotate", post(rotate))
        .route("/invoices/{id}/link/revoke", post(revoke))
        .route("/invoices/{id}/send", post(send))
        .route("/invoices/{id}/deliveries/{delivery_id}/retry", post(retry))
        .route(
            "/invoices/{id}/pdf",
            get(|s: State<AppState>, c: CurrentSession, i: IdPath| download(s, c, i, DocumentFormat::Pdf)),
        )
        .route(
            "/invoices/{id}/view",
            get(|s: State<AppState>, c: CurrentSession, i: IdPath| download(s, c, i, DocumentFormat::PdfToView)),
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
    let doc = sending::issued_document(&state, &session.caller(), id).await?;
    document_file(doc, format).ok_or(AppError::NotFound)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SendForm {
    /// Checkboxes: which channels.
    send_email: Option<String>,
    send_sms: Option<String>,
    send_peppol: Option<String>,
    recipient: String,
    phone: String,
    attach_xml: Option<String>,
}

async fn send(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
    form: Result<Form<SendForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let caller = session.caller();
    let input = SendInput {
        by_email: form.send_email.is_some(),
        by_sms: form.send_sms.is_some(),
        by_peppol: form.send_peppol.is_some(),
        recipient: &form.recipient,
        phone: &form.phone,
        attach_xml: form.attach_xml.is_some(),
    };
    match sending::send_document(&state, &caller, &t, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/invoices/{id}#send")).into_response()),
        // Mistakes in the form are shown in the form.
        Err(Error::Invalid(errors)) if errors.get("send").is_some() => {
            let typed = (form.recipient.as_str(), form.phone.as_str());
            super::invoices::with_send_error(&state, &t, &caller, id, errors.read_in(&t).summary(), typed).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn retry(
    State(state): State<AppState>,
    session: CurrentSession,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    // Ids that are not UUIDs are simply "not found", like every other id in a path.
    let (Ok(id), Ok(delivery_id)) = (id.parse::<Uuid>(), delivery_id.parse::<Uuid>()) else {
        return Err(AppError::NotFound);
    };
    sending::retry_delivery(&state, &session.caller(), delivery_id).await?;
    Ok(Redirect::to(&format!("/invoices/{id}#send")).into_response())
}

fn back_to(invoice_id: Uuid) -> Response {
    Redirect::to(&format!("/invoices/{invoice_id}#customer-link")).into_response()
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    links::create_link(&state, &session.caller(), id).await?;
    Ok(back_to(id))
}

async fn rotate(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    links::rotate_link(&state, &session.caller(), id).await?;
    Ok(back_to(id))
}

async fn revoke(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    links::revoke_link(&state, &session.caller(), id).await?;
    Ok(back_to(id))
}
