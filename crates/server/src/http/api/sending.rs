//! Getting an issued document to its customer through the API, as the invoice page's
//! Send form and customer-link box do on the web: send by email, SMS and/or Peppol
//! (`app::invoicing::sending::send_document`, the web's operation and checks), the
//! deliveries with their status and error, retrying a failed one, and the customer
//! link (create or read, rotate, revoke; `app::invoicing::links`).

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{ApiAuth, ApiId, json::StrictJson, problem::ApiError};
use crate::{
    app::invoicing::{
        Delivery, links,
        sending::{self, SendInput},
        views,
    },
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/invoices/{id}/send", post(send))
        .route("/api/v1/invoices/{id}/deliveries", get(deliveries))
        .route("/api/v1/deliveries/{id}/retry", post(retry))
        .route("/api/v1/invoices/{id}/link", get(read_link).post(create_link))
        .route("/api/v1/invoices/{id}/link/rotate", post(rotate_link))
        .route("/api/v1/invoices/{id}/link/revoke", post(revoke_link))
}

/// A way to send a document.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Channel {
    Email,
    Sms,
    Peppol,
}

/// What the Send form asks, as JSON: the channels ticked, the email address and phone
/// number typed, and whether the e-invoices go with the email.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct SendBody {
    channels: Vec<Channel>,
    recipient: String,
    phone: String,
    attach_xml: bool,
}

#[derive(Serialize)]
struct DeliveryJson {
    id: Uuid,
    invoice_id: Uuid,
    channel: String,
    /// `send`, `reminder` or `recurring`.
    kind: String,
    recipient: String,
    attach_xml: bool,
    status: String,
    attempts: i32,
    /// Why the last attempt failed.
    error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    sent_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    delivered_at: Option<OffsetDateTime>,
}

impl From<Delivery> for DeliveryJson {
    fn from(d: Delivery) -> Self {
        DeliveryJson {
            id: d.id,
            invoice_id: d.invoice_id,
            channel: d.channel,
            kind: d.kind,
            recipient: d.recipient,
            attach_xml: d.attach_xml,
            status: d.status,
            attempts: d.attempts,
            error: d.last_error,
            created_at: d.created_at,
            sent_at: d.sent_at,
            delivered_at: d.delivered_at,
        }
    }
}

#[derive(Serialize)]
struct DeliveryList {
    data: Vec<DeliveryJson>,
}

async fn delivery_list(
    state: &AppState,
    auth: &ApiAuth,
    id: Uuid,
    only: Option<&[Uuid]>,
) -> Result<DeliveryList, ApiError> {
    let all = sending::deliveries(state, &auth.caller(), id).await?;
    let data = all.into_iter().filter(|d| only.is_none_or(|ids| ids.contains(&d.id))).map(DeliveryJson::from).collect();
    Ok(DeliveryList { data })
}

/// Queues the document on each channel; answers 202 with the deliveries queued.
async fn send(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    body: Result<StrictJson<SendBody>, ApiError>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let caller = auth.caller();
    // Another business's document is "not found" before the body is judged.
    views::find_invoice(&state, caller.business_id, id).await?;
    let StrictJson(body) = body?;
    let input = SendInput {
        by_email: body.channels.contains(&Channel::Email),
        by_sms: body.channels.contains(&Channel::Sms),
        by_peppol: body.channels.contains(&Channel::Peppol),
        recipient: &body.recipient,
        phone: &body.phone,
        attach_xml: body.attach_xml,
    };
    let queued = sending::send_document(&state, &caller, &Tr::default(), id, input).await?;
    let list = delivery_list(&state, &auth, id, Some(&queued)).await?;
    Ok((StatusCode::ACCEPTED, Json(list)).into_response())
}

async fn deliveries(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    Ok(Json(delivery_list(&state, &auth, id, None).await?).into_response())
}

async fn retry(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    sending::retry_delivery(&state, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize)]
struct LinkJson {
    /// The customer's page of the document; anyone holding it sees the document.
    url: String,
    view_count: i32,
    #[serde(with = "time::serde::rfc3339::option")]
    first_viewed_at: Option<OffsetDateTime>,
}

async fn link_json(state: &AppState, auth: &ApiAuth, id: Uuid) -> Result<Response, ApiError> {
    let link = views::customer_link(state, auth.business_id, id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(LinkJson { url: link.url, view_count: link.view_count, first_viewed_at: link.first_viewed_at })
        .into_response())
}

/// The live link, 404 when there is none.
async fn read_link(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    views::find_invoice(&state, auth.business_id, id).await?;
    link_json(&state, &auth, id).await
}

/// Turns the link on (or gives the live one again).
async fn create_link(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    links::create_link(&state, &auth.caller(), id).await?;
    link_json(&state, &auth, id).await
}

/// A new link; the old one stops working at once.
async fn rotate_link(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    links::rotate_link(&state, &auth.caller(), id).await?;
    link_json(&state, &auth, id).await
}

async fn revoke_link(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    links::revoke_link(&state, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
