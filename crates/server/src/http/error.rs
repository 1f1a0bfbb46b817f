//! One error type for the web layer, rendered as a page a person can act on.
//!
//! Unexpected errors are logged with their full chain and shown as a generic page;
//! a database that cannot be reached is a 503 with Retry-After, never a 500 or a panic.

use axum::{
    extract::rejection::FormRejection,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use time::Duration;

use crate::http::web::pages::ErrorPage;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("page not found")]
    NotFound,
    /// The request conflicts with the current state (issued, edited meanwhile).
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: Duration },
    #[error("the database is unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if crate::db::is_unavailable(&e) { AppError::Unavailable(e) } else { AppError::Unexpected(e.into()) }
    }
}

impl From<FormRejection> for AppError {
    fn from(rejection: FormRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge("That form was far too large. Please go back and try again.".into())
        } else {
            AppError::BadRequest("That form could not be read. Please go back, reload the page and try again.".into())
        }
    }
}

impl From<axum::extract::rejection::QueryRejection> for AppError {
    fn from(_: axum::extract::rejection::QueryRejection) -> Self {
        AppError::BadRequest(
            "That address has a search or page value we could not read. Please go back and try again.".into(),
        )
    }
}

impl From<crate::auth::otp::LoginError> for AppError {
    fn from(e: crate::auth::otp::LoginError) -> Self {
        match e {
            crate::auth::otp::LoginError::TooMany { retry_after, message } => {
                AppError::TooManyRequests { message: message.into(), retry_after }
            }
            crate::auth::otp::LoginError::Database(e) => e.into(),
        }
    }
}

/// Whole seconds for a `Retry-After` header, at least 1.
pub fn retry_after_header(wait: Duration) -> HeaderValue {
    HeaderValue::from(wait.whole_seconds().max(1))
}

/// "in 3 minutes" style wording for a wait.
pub fn describe_wait(wait: Duration) -> String {
    let minutes = (wait.whole_seconds() + 59) / 60;
    match minutes {
        ..=1 => "in a minute".into(),
        2..=90 => format!("in {minutes} minutes"),
        _ => format!("in about {} hours", (minutes + 59) / 60),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "That did not work", m.clone()),
            AppError::PayloadTooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "Too large", m.clone()),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m.clone()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "Not saved", m.clone()),
            AppError::NotFound => (StatusCode::NOT_FOUND, "Not found", "There is no page at this address.".into()),
            AppError::TooManyRequests { message, retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                "Please wait",
                format!("{message} You can try again {}.", describe_wait(*retry_after)),
            ),
            AppError::Unavailable(e) => {
                tracing::error!(error = %e, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Temporarily unavailable",
                    "FastFaktura cannot reach its database right now. Nothing was lost; please try again in a minute."
                        .into(),
                )
            }
            AppError::Unexpected(e) => {
                tracing::error!(error = ?e, "unexpected error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Something went wrong on our side. Nothing was changed; please try again.".into(),
                )
            }
        };
        let mut response = (status, ErrorPage { title, message }).into_response();
        match &self {
            AppError::TooManyRequests { retry_after, .. } => {
                response.headers_mut().insert(header::RETRY_AFTER, retry_after_header(*retry_after));
            }
            AppError::Unavailable(_) => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            }
            _ => {}
        }
        response
    }
}
