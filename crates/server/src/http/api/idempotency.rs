//! `Idempotency-Key` for API POSTs: the first request with a key runs and its response
//! is stored; a retry with the same key and body gets the stored response (marked
//! `Idempotent-Replayed: true`); the same key with a different body is refused. A
//! request that failed on our side (5xx) releases its key so it can be retried.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use super::{ApiAuth, MAX_BODY_BYTES, problem::problem_response};
use crate::{app::idempotency as store, state::AppState};

pub async fn replay_or_record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned) else {
        return next.run(request).await;
    };
    if key.is_empty() || key.len() > 255 {
        return problem_response(
            StatusCode::BAD_REQUEST,
            "Bad request",
            Some("Idempotency-Key must have 1 to 255 characters.".into()),
            vec![],
        );
    }
    let Some(auth) = request.extensions().get::<ApiAuth>().cloned() else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return problem_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too large",
            Some("The request body is larger than 1 MiB.".into()),
            vec![],
        );
    };
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update(b"\0");
    hasher.update(parts.uri.path());
    hasher.update(b"\0");
    hasher.update(&bytes);
    let request_hash = hasher.finalize().to_vec();
    let business = auth.business_id;
    let claimed = match store::claim(&state, business, &key, &request_hash).await {
        Ok(claimed) => claimed,
        Err(e) => return super::problem::ApiError::from(e).into_response(),
    };
    if !claimed {
        return match store::find(&state, business, &key).await {
            Ok(Some(stored)) if stored.request_hash != request_hash => problem_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Idempotency-Key reused",
                Some(
                    "This Idempotency-Key was already used for a different request; use a new key for a new request."
                        .into(),
                ),
                vec![],
            ),
            Ok(Some(stored)) => match (stored.response_status, stored.response_body) {
                (Some(status), Some(body)) => replay(status, body),
                _ => problem_response(
                    StatusCode::CONFLICT,
                    "Still in progress",
                    Some("A request with this Idempotency-Key is still being processed; retry shortly.".into()),
                    vec![],
                ),
            },
            Ok(None) => {
                problem_response(StatusCode::CONFLICT, "Conflict", Some("Please retry the request.".into()), vec![])
            }
            Err(e) => super::problem::ApiError::from(e).into_response(),
        };
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let outcome = if parts.status.is_server_error() {
        store::release(&state, business, &key).await
    } else {
        store::keep_response(&state, business, &key, i32::from(parts.status.as_u16()), &body).await
    };
    if let Err(e) = outcome {
        tracing::error!(error = %e, "could not record the idempotent response");
    }
    Response::from_parts(parts, Body::from(body))
}

fn replay(status: i32, body: Vec<u8>) -> Response {
    let status = u16::try_from(status).ok().and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() { "application/json" } else { "application/problem+json" };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
