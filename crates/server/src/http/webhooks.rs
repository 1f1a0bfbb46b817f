//! Inbound webhooks: Stripe's events, one endpoint per business.
//!
//! Outside the same-origin check (Stripe posts from its own servers; the signature is
//! the authentication) and reading the body as raw bytes, because the signature covers
//! the exact bytes sent. Answers: 200 once processed or for a repeat; 400 problem+json
//! with the reason when the delivery is not verified (nothing changes); 5xx when
//! recording failed, so that Stripe delivers again.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::json;

use super::{IdPath, api::problem::problem_response};
use crate::{
    audit::{self, Actor, AuditEvent, Category, Outcome, RequestMeta},
    payments::{
        PaymentError,
        webhook::{self, Delivery},
    },
    state::AppState,
};

/// Stripe's event payloads are well under this.
const MAX_EVENT_BYTES: usize = 512 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/stripe/{business_id}", post(stripe_event))
        .layer(DefaultBodyLimit::max(MAX_EVENT_BYTES))
}

async fn stripe_event(
    State(state): State<AppState>,
    IdPath(business_id): IdPath,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    match webhook::receive(&state, business_id, signature, &body).await {
        Ok(Delivery::Processed { event_id, outcome }) => {
            tracing::info!(%business_id, %event_id, outcome, "payment.webhook.processed");
            Json(json!({"received": true})).into_response()
        }
        Ok(Delivery::Duplicate { event_id }) => {
            tracing::info!(%business_id, %event_id, "payment.webhook.duplicate");
            Json(json!({"received": true, "duplicate": true})).into_response()
        }
        Ok(Delivery::Rejected(reason)) => {
            tracing::warn!(%business_id, %reason, "payment.webhook.rejected");
            // Unverified: the business in the URL is only what the sender claimed.
            let event = AuditEvent::new(state.clock.now(), Category::Payment, "payment.webhook.rejected")
                .actor(Actor::Anonymous)
                .business(business_id)
                .outcome(Outcome::Denied)
                .request(&meta)
                .details(json!({ "reason": reason.to_string() }));
            if let Err(e) = audit::record(&state.db, &event).await {
                tracing::error!(error = %e, "a rejected webhook could not be recorded in the audit log");
            }
            problem_response(StatusCode::BAD_REQUEST, "Webhook not accepted", Some(reason.to_string()), Vec::new())
        }
        Err(e) => {
            let status = match e {
                PaymentError::Stripe(_) => StatusCode::BAD_GATEWAY,
                PaymentError::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            tracing::error!(%business_id, error = %e, "payment.webhook.failed; Stripe will deliver again");
            problem_response(status, "Webhook not processed", Some("Please deliver it again later.".into()), Vec::new())
        }
    }
}
