//! The JSON API under `/api/v1`, for integrators.
//!
//! Authenticated by personal API tokens (`Authorization: Bearer fft_...`, scopes read
//! or read+write), not cookies, so the browser CSRF check does not apply here. Every
//! POST honours an `Idempotency-Key`. Errors are RFC 9457 problem+json. Handlers reuse
//! the web layer's validation, so a field is judged the same way everywhere.

pub mod bank;
pub mod bills;
pub mod customers;
pub mod documents;
pub mod idempotency;
pub mod invoices;
pub mod json;
pub mod openapi;
pub mod openapi_owner;
mod openapi_webhooks;
pub mod owner;
pub mod problem;
pub mod products;
pub mod recurring;
pub mod sending;
pub mod settings;
pub mod webhooks;

use axum::{
    Router,
    extract::{FromRequestParts, Request, State},
    http::{header, request::Parts},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use uuid::Uuid;

use crate::state::AppState;
use problem::ApiError;

/// API bodies may carry many invoice lines.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    let authenticated = Router::new()
        .merge(bank::router())
        .merge(bills::router())
        .merge(customers::router())
        .merge(documents::router())
        .merge(invoices::router())
        .merge(owner::router())
        .merge(products::router())
        .merge(recurring::router())
        .merge(sending::router())
        .merge(settings::router())
        .merge(webhooks::router())
        // Outermost first: authenticate, then idempotency (which needs the business).
        .layer(middleware::from_fn_with_state(state.clone(), idempotency::replay_or_record))
        .layer(middleware::from_fn_with_state(state, authenticate));
    Router::new()
        .route("/api/v1/openapi.json", get(openapi::document))
        .merge(authenticated)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// The business and permissions of the token that made this request.
#[derive(Debug, Clone)]
pub struct ApiAuth {
    pub business_id: Uuid,
    pub token_id: Uuid,
    /// The member who created the token, whom it acts for.
    pub created_by: Uuid,
    pub can_write: bool,
    /// The owner scope, with its creator the owner now.
    pub acts_as_owner: bool,
}

impl ApiAuth {
    /// The token acting on its business, for the application layer.
    pub fn caller(&self) -> crate::app::Caller {
        crate::app::Caller::api_token(self.business_id, self.token_id)
            .created_by(self.created_by)
            .acting_as_owner(self.acts_as_owner)
    }

    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.can_write {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "This API token is read-only; create a token with the write scope to change data.".into(),
            ))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<ApiAuth>().cloned().ok_or(ApiError::Unauthorized)
    }
}

async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with("fft_") && t.len() < 200)
        .map(str::to_owned);
    let Some(token) = token else { return ApiError::Unauthorized.into_response() };
    match crate::app::api_tokens::authenticate(&state, &token).await {
        Ok(Some(owner)) => {
            crate::http::access_log::identify(
                request.extensions(),
                crate::audit::Actor::ApiToken(owner.id),
                Some(owner.business_id),
            );
            request.extensions_mut().insert(ApiAuth {
                business_id: owner.business_id,
                token_id: owner.id,
                created_by: owner.created_by,
                can_write: owner.can_write,
                acts_as_owner: owner.acts_as_owner,
            });
            next.run(request).await
        }
        Ok(None) => {
            tracing::warn!(path = request.uri().path(), "API request with an unknown or revoked token");
            ApiError::Unauthorized.into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Turns a JSON body rejection into a problem a person can act on.
pub fn bad_json(rejection: axum::extract::rejection::JsonRejection) -> ApiError {
    ApiError::BadRequest(format!("The request body is not the JSON this endpoint expects: {}", rejection.body_text()))
}

/// An id from the path; anything that is not a UUID is simply "not found".
#[derive(Debug, Clone, Copy)]
pub struct ApiId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for ApiId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state).await.map_err(|_| ApiError::NotFound)?;
        raw.parse().map(ApiId).map_err(|_| ApiError::NotFound)
    }
}

/// Turns a rejected file body into a problem: too large (naming `limit`, such as
/// "512 KiB") or unreadable.
pub fn bad_body(rejection: axum::extract::rejection::BytesRejection, limit: &str) -> ApiError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge(format!("The file can be at most {limit}."))
    } else {
        ApiError::BadRequest(format!("The request body could not be read: {}", rejection.body_text()))
    }
}

/// Turns a query-string rejection into a problem naming what was wrong.
pub fn bad_query(rejection: axum::extract::rejection::QueryRejection) -> ApiError {
    ApiError::BadRequest(format!("The query string is not valid: {}", rejection.body_text()))
}
