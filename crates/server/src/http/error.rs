//! One error type for the web layer, rendered as a page a person can act on.
//!
//! Unexpected errors are logged with their full chain and shown as a generic page;
//! a database that cannot be reached is a 503 with Retry-After, never a 500 or a panic.
//!
//! Errors arise where the request's language is not at hand (extractors, the CSRF
//! layer, `?` deep in a handler), so their messages are [`Text`] (catalogue keys), the
//! page is rendered in English, and [`localize`] renders it again in the language of
//! the request on the way out.

use axum::{
    body::Body,
    extract::{Request, rejection::FormRejection},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use time::Duration;

use crate::i18n::{Lang, Text, Tr, key};

/// The page every error is shown as: a title and what to do, in the reader's language.
#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub title: String,
    pub message: String,
}

/// `Retry-After` (seconds) on every 503, page or problem+json: long enough for a
/// database restart or failover, short enough that a client does not give up.
pub const UNAVAILABLE_RETRY_AFTER: &str = "30";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(Text),
    #[error("{0}")]
    PayloadTooLarge(Text),
    #[error("{0}")]
    Forbidden(Text),
    #[error("page not found")]
    NotFound,
    /// The request conflicts with the current state (issued, edited meanwhile).
    #[error("{0}")]
    Conflict(Text),
    #[error("{message}")]
    TooManyRequests { message: Text, retry_after: Duration },
    #[error("the database is unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if crate::app::error::is_unavailable(&e) { AppError::Unavailable(e) } else { AppError::Unexpected(e.into()) }
    }
}

impl From<crate::app::Error> for AppError {
    fn from(e: crate::app::Error) -> Self {
        use crate::app::Error;
        match e {
            Error::NotFound => AppError::NotFound,
            // A page that can show errors at their fields matches on `Invalid` itself;
            // anywhere else the messages are shown together.
            Error::Invalid(errors) => AppError::BadRequest(errors.into_text()),
            Error::BadRequest(m) | Error::Unprocessable(m) => AppError::BadRequest(m),
            Error::Forbidden(m) => AppError::Forbidden(m),
            Error::Conflict(m) => AppError::Conflict(m),
            Error::TooManyRequests { message, retry_after } => AppError::TooManyRequests { message, retry_after },
            Error::Unavailable(e) => AppError::Unavailable(e),
            Error::Unexpected(e) => AppError::Unexpected(e),
        }
    }
}

impl From<FormRejection> for AppError {
    fn from(rejection: FormRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge(Text::key("error-form-too-large"))
        } else {
            AppError::BadRequest(Text::key("error-form-unreadable"))
        }
    }
}

impl From<axum::extract::rejection::QueryRejection> for AppError {
    fn from(_: axum::extract::rejection::QueryRejection) -> Self {
        AppError::BadRequest(Text::key("error-query-unreadable"))
    }
}

impl From<crate::auth::otp::LoginError> for AppError {
    fn from(e: crate::auth::otp::LoginError) -> Self {
        match e {
            crate::auth::otp::LoginError::TooMany { retry_after, message } => {
                AppError::TooManyRequests { message: Text::key(message), retry_after }
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
pub fn describe_wait(wait: Duration) -> Text {
    let minutes = (wait.whole_seconds() + 59) / 60;
    match minutes {
        ..=1 => Text::key("wait-minute"),
        2..=90 => Text::key("wait-minutes").with("minutes", minutes),
        _ => Text::key("wait-hours").with("hours", (minutes + 59) / 60),
    }
}

/// What an error page says, kept on the response for [`localize`].
#[derive(Debug, Clone)]
struct ErrorContent {
    title: &'static str,
    message: Text,
}

impl ErrorContent {
    fn page(&self, t: Tr) -> ErrorPage {
        let lang = t.lang();
        ErrorPage { title: t.t(self.title), message: self.message.render(lang), t }
    }
}

/// Renders error pages again in the language of the request (they are English when
/// made, see the module doc).
pub async fn localize(request: Request, next: Next) -> Response {
    let t = Tr::from_request(request.method(), request.uri(), request.headers());
    let mut response = next.run(request).await;
    if let Some(content) = response.extensions_mut().remove::<ErrorContent>() {
        use askama::Template;
        match content.page(t).render() {
            Ok(html) => {
                response.headers_mut().remove(header::CONTENT_LENGTH);
                *response.body_mut() = Body::from(html);
            }
            Err(e) => tracing::error!(error = %e, "rendering an error page"),
        }
    }
    response
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, key("error-title-bad-request"), m.clone()),
            AppError::PayloadTooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, key("error-title-too-large"), m.clone()),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, key("error-title-forbidden"), m.clone()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, key("error-title-conflict"), m.clone()),
            AppError::NotFound => (StatusCode::NOT_FOUND, key("error-title-not-found"), Text::key("error-not-found")),
            AppError::TooManyRequests { message, retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                key("error-title-too-many"),
                Text::key("error-try-again").with("message", message.clone()).with("wait", describe_wait(*retry_after)),
            ),
            AppError::Unavailable(e) => {
                tracing::error!(error = %e, "database unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, key("error-title-unavailable"), Text::key("error-unavailable"))
            }
            AppError::Unexpected(e) => {
                tracing::error!(error = ?e, "unexpected error");
                (StatusCode::INTERNAL_SERVER_ERROR, key("error-title-unexpected"), Text::key("error-unexpected"))
            }
        };
        let content = ErrorContent { title, message };
        let mut response = (status, content.page(Tr::new(Lang::En, "/"))).into_response();
        response.extensions_mut().insert(content);
        match &self {
            AppError::TooManyRequests { retry_after, .. } => {
                response.headers_mut().insert(header::RETRY_AFTER, retry_after_header(*retry_after));
            }
            AppError::Unavailable(_) => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(UNAVAILABLE_RETRY_AFTER));
            }
            _ => {}
        }
        response
    }
}
