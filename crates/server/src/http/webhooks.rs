//! Inbound webhooks, one endpoint per business: Stripe's events, and the access point
//! provider's (a Peppol submission's verdict, a document received).
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
    app::access_point_events::{self, WebhookRefusal},
    audit::{self, Actor, AuditEvent, Category, Outcome, RequestMeta},
    metrics::{WebhookOutcome, WebhookSource},
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
        .route("/webhooks/access-point/{business_id}", post(access_point_event))
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
            state.metrics.webhook(WebhookSource::Stripe, WebhookOutcome::Processed);
            tracing::info!(%business_id, %event_id, outcome, "payment.webhook.processed");
            Json(json!({"received": true})).into_response()
        }
        Ok(Delivery::Duplicate { event_id }) => {
            state.metrics.webhook(WebhookSource::Stripe, WebhookOutcome::Duplicate);
            tracing::info!(%business_id, %event_id, "payment.webhook.duplicate");
            Json(json!({"received": true, "duplicate": true})).into_response()
        }
        Ok(Delivery::Rejected(reason)) => {
            state.metrics.webhook(WebhookSource::Stripe, WebhookOutcome::Rejected);
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
            state.metrics.webhook(WebhookSource::Stripe, WebhookOutcome::Failed);
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

/// The access point provider's event for one business. Answers 200 once applied; 400
/// problem+json when not verified (nothing changes, audited as a denied attempt); 503
/// when our side failed, so that the provider delivers it again.
async fn access_point_event(
    State(state): State<AppState>,
    IdPath(business_id): IdPath,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (settings, kek) = (&state.settings.access_point, &state.keys.kek);
    let now = state.clock.now();
    match access_point_events::pushed_webhook(&state.db, kek, settings, business_id, &headers, &body, now).await {
        Ok(outcome) => {
            state.metrics.webhook(WebhookSource::AccessPoint, WebhookOutcome::Processed);
            tracing::info!(%business_id, outcome, "access_point.webhook.processed");
            Json(json!({"received": true})).into_response()
        }
        Err(refusal @ (WebhookRefusal::NotConnected | WebhookRefusal::Unverified(_))) => {
            state.metrics.webhook(WebhookSource::AccessPoint, WebhookOutcome::Rejected);
            tracing::warn!(%business_id, reason = %refusal, "access_point.webhook.rejected");
            let event = AuditEvent::new(now, Category::Dispatch, "access_point.webhook.rejected")
                .actor(Actor::Anonymous)
                .business(business_id)
                .outcome(Outcome::Denied)
                .request(&meta)
                .details(json!({ "reason": refusal.to_string() }));
            if let Err(e) = audit::record(&state.db, &event).await {
                tracing::error!(error = %e, "a rejected webhook could not be recorded in the audit log");
            }
            problem_response(StatusCode::BAD_REQUEST, "Webhook not accepted", Some(refusal.to_string()), Vec::new())
        }
        Err(WebhookRefusal::Ours(reason)) => {
            state.metrics.webhook(WebhookSource::AccessPoint, WebhookOutcome::Failed);
            tracing::error!(%business_id, %reason, "access_point.webhook.failed; the provider will deliver again");
            let detail = Some("Please deliver it again later.".into());
            problem_response(StatusCode::SERVICE_UNAVAILABLE, "Webhook not processed", detail, Vec::new())
        }
    }
}
