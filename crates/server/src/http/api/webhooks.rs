//! `/api/v1/webhook-endpoints`: an integrator registers where FastFaktura posts events
//! (the signing secret is in the creation's answer only), changes or deletes an
//! endpoint, rotates its secret, reads its delivery log and asks for a redelivery. The
//! same operations and input as Settings → Webhooks (`app::webhooks`).

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{ApiAuth, ApiId, json::StrictJson, problem::ApiError};
use crate::{
    app::webhooks::{self, Endpoint, EndpointInput, LoggedDelivery},
    audit::RequestMeta,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/webhook-endpoints", get(list).post(create))
        .route("/api/v1/webhook-endpoints/{id}", get(read).put(update).delete(remove))
        .route("/api/v1/webhook-endpoints/{id}/rotate-secret", post(rotate))
        .route("/api/v1/webhook-endpoints/{id}/deliveries", get(deliveries))
        .route("/api/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver", post(redeliver))
}

#[derive(Serialize)]
struct EndpointJson {
    id: Uuid,
    url: String,
    description: String,
    events: Vec<String>,
    enabled: bool,
    /// Why it was turned off (after three days without a successful delivery).
    disabled_reason: Option<String>,
    disabled_at: Option<OffsetDateTime>,
    /// Since when deliveries have been failing, if they are.
    failing_since: Option<OffsetDateTime>,
    /// While a rotated-out secret still signs beside the new one.
    previous_secret_valid_until: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    /// Only in the answer that created the endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl From<Endpoint> for EndpointJson {
    fn from(e: Endpoint) -> Self {
        EndpointJson {
            id: e.id,
            url: e.url,
            description: e.description,
            events: e.events,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            disabled_at: e.disabled_at,
            failing_since: e.failing_since,
            previous_secret_valid_until: e.previous_secret_until,
            created_at: e.created_at,
            secret: None,
        }
    }
}

#[derive(Serialize)]
struct DeliveryJson {
    id: Uuid,
    /// The `webhook-id` the receiver saw (the same on every attempt).
    message_id: String,
    event_type: String,
    object_id: Uuid,
    status: String,
    attempts: i32,
    next_attempt_at: Option<OffsetDateTime>,
    last_attempt_at: Option<OffsetDateTime>,
    response_status: Option<i32>,
    error: Option<String>,
    duration_ms: Option<i32>,
    delivered_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
}

impl From<LoggedDelivery> for DeliveryJson {
    fn from(d: LoggedDelivery) -> Self {
        let waiting = d.status == "pending";
        DeliveryJson {
            id: d.id,
            message_id: crate::webhooks::signing::message_id(d.event_id),
            event_type: d.event_type,
            object_id: d.object_id,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: waiting.then_some(d.next_attempt_at),
            last_attempt_at: d.last_attempt_at,
            response_status: d.last_status,
            error: d.last_error,
            duration_ms: d.last_duration_ms,
            delivered_at: d.delivered_at,
            created_at: d.created_at,
        }
    }
}

#[derive(Serialize)]
struct ListJson<T> {
    data: Vec<T>,
}

async fn list(State(state): State<AppState>, auth: ApiAuth) -> Result<Response, ApiError> {
    let endpoints = webhooks::list_endpoints(&state, &auth.caller()).await?;
    Ok(Json(ListJson { data: endpoints.into_iter().map(EndpointJson::from).collect() }).into_response())
}

async fn create(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    StrictJson(input): StrictJson<EndpointInput>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let created = webhooks::create_endpoint(&state, &auth.caller(), &meta, &input).await?;
    let json = EndpointJson { secret: Some(created.secret), ..EndpointJson::from(created.endpoint) };
    Ok((StatusCode::CREATED, Json(json)).into_response())
}

async fn read(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    Ok(Json(EndpointJson::from(webhooks::endpoint(&state, &auth.caller(), id).await?)).into_response())
}

async fn update(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    ApiId(id): ApiId,
    StrictJson(input): StrictJson<EndpointInput>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let endpoint = webhooks::update_endpoint(&state, &auth.caller(), &meta, id, &input).await?;
    Ok(Json(EndpointJson::from(endpoint)).into_response())
}

async fn remove(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    webhooks::delete_endpoint(&state, &auth.caller(), &meta, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize)]
struct RotatedJson {
    secret: String,
    previous_secret_valid_until: Option<OffsetDateTime>,
}

async fn rotate(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let caller = auth.caller();
    let secret = webhooks::rotate_secret(&state, &caller, &meta, id).await?;
    let until = webhooks::endpoint(&state, &caller, id).await?.previous_secret_until;
    Ok(Json(RotatedJson { secret, previous_secret_valid_until: until }).into_response())
}

async fn deliveries(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    let (_, log) = webhooks::delivery_log(&state, &auth.caller(), id).await?;
    Ok(Json(ListJson { data: log.into_iter().map(DeliveryJson::from).collect() }).into_response())
}

async fn redeliver(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: RequestMeta,
    Path((endpoint_id, delivery_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let (Ok(endpoint_id), Ok(delivery_id)) = (endpoint_id.parse::<Uuid>(), delivery_id.parse::<Uuid>()) else {
        return Err(ApiError::NotFound);
    };
    webhooks::redeliver(&state, &auth.caller(), &meta, endpoint_id, delivery_id).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}
