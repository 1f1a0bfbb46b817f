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
use fastfaktura_domain::{EmailAddress, PhoneNumber};
use serde::Deserialize;
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
    i18n::{Tr, key},
    integrations::sms_accounts,
    invoicing::{
        customer_links,
        delivery::{self, SendRequest},
        documents,
    },
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
    let doc = documents::issued_document(&state.db, session.business_id, id).await?;
    Ok(document_file(doc, format).await?)
}

/// One delivery as the document page lists it.
pub struct DeliveryRow {
    pub id: String,
    pub created_at: String,
    /// "Email" or "SMS", and why (a reminder, a recurring invoice), in the page's language.
    pub channel: String,
    pub recipient: String,
    /// The status, already in the page's language.
    pub status: String,
    pub can_retry: bool,
}

pub async fn delivery_rows(
    state: &AppState,
    t: &Tr,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<DeliveryRow>, AppError> {
    let rows = db::deliveries::for_invoice(&state.db, business_id, invoice_id).await?;
    Ok(rows
        .into_iter()
        .map(|d| {
            let reason = d.last_error.clone().unwrap_or_default();
            let status = match (d.status.as_str(), d.sent_at) {
                ("sent", Some(at)) => t.t1("delivery-sent", "when", minute(at)),
                ("failed", _) => t.t1("delivery-failed", "reason", reason),
                ("cancelled", _) => t.t1("delivery-cancelled", "reason", reason),
                ("sending", _) if d.attempts == 0 => t.t("delivery-sending"),
                _ if d.attempts > 0 => t.t1("delivery-retrying", "reason", reason),
                _ => t.t("delivery-queued"),
            };
            DeliveryRow {
                id: d.id.to_string(),
                created_at: minute(d.created_at),
                channel: {
                    let channel = t.t(if d.channel == "sms" {
                        key("delivery-channel-sms")
                    } else {
                        key("delivery-channel-email")
                    });
                    match d.kind.as_str() {
                        "reminder" => t.t1("delivery-kind-reminder", "channel", channel),
                        "recurring" => t.t1("delivery-kind-recurring", "channel", channel),
                        _ => channel,
                    }
                },
                recipient: d.recipient,
                can_retry: d.status == "failed",
                status,
            }
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SendForm {
    /// Checkboxes: which channels.
    send_email: Option<String>,
    send_sms: Option<String>,
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
    let business_id = session.business_id;
    let invoice = db::invoices::find(&state.db, business_id, id).await?.ok_or(AppError::NotFound)?;
    let (by_email, by_sms) = (form.send_email.is_some(), form.send_sms.is_some());
    // Mistakes in the form are shown in the form; a document that cannot be sent at
    // all (a draft) is refused by `delivery::send` below.
    if invoice.status == "issued" {
        let mistake = if !by_email && !by_sms {
            Some(key("send-no-channel"))
        } else if by_email && EmailAddress::parse(&form.recipient).is_err() {
            Some(key("send-bad-email"))
        } else if by_sms && PhoneNumber::parse(&form.phone).is_err() {
            Some(key("send-bad-phone"))
        } else if by_sms && !sms_accounts::available(&mut *state.db.acquire().await?, business_id).await? {
            Some(key("send-sms-unavailable"))
        } else {
            None
        };
        if let Some(message) = mistake {
            let typed = (form.recipient.as_str(), form.phone.as_str());
            return super::invoices::with_send_error(&state, &t, business_id, invoice, t.t(message), typed).await;
        }
    }
    let request = SendRequest {
        email: by_email.then_some(form.recipient.trim()),
        phone: by_sms.then_some(form.phone.trim()),
        attach_xml: form.attach_xml.is_some(),
    };
    delivery::send(&state, business_id, id, session.user_id, request).await?;
    Ok(Redirect::to(&format!("/invoices/{id}#send")).into_response())
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
    delivery::retry(&state, session.business_id, delivery_id).await?;
    Ok(Redirect::to(&format!("/invoices/{id}#send")).into_response())
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
    let token = customer_links::unseal(&state.keys.invoice_links, business_id, &live)?;
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
