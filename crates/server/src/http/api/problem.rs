//! RFC 9457 problem details: every API error is `application/problem+json` with a
//! title a person understands and, for invalid input, one entry per field.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::{app::fields::FieldErrors, http::error::UNAVAILABLE_RETRY_AFTER};

#[derive(Debug, Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("invalid request")]
    Invalid(Vec<FieldProblem>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    /// Valid input that cannot be acted on yet (422 with the reason as detail).
    #[error("{0}")]
    Unprocessable(String),
    /// The body is larger than this endpoint takes (the message names the limit).
    #[error("{0}")]
    TooLarge(String),
    /// A limit was reached; the client may retry after `retry_after`.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: time::Duration },
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error(transparent)]
    Unexpected(anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if crate::app::error::is_unavailable(&e) { ApiError::Unavailable(e) } else { ApiError::Unexpected(e.into()) }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Invalid(
            errors.entries().map(|(field, message)| FieldProblem { field: api_field_name(field), message }).collect(),
        )
    }
}

impl From<crate::app::Error> for ApiError {
    fn from(e: crate::app::Error) -> Self {
        use crate::{app::Error, i18n::Lang};
        match e {
            Error::NotFound => ApiError::NotFound,
            Error::Invalid(errors) => errors.into(),
            Error::BadRequest(m) => ApiError::BadRequest(m.render(Lang::En)),
            Error::Forbidden(m) => ApiError::Forbidden(m.render(Lang::En)),
            Error::Conflict(m) => ApiError::Conflict(m.render(Lang::En)),
            Error::Unprocessable(m) => ApiError::Unprocessable(m.render(Lang::En)),
            Error::TooManyRequests { message, retry_after } => {
                ApiError::TooManyRequests { message: message.render(Lang::En), retry_after }
            }
            Error::Unavailable(e) => ApiError::Unavailable(e),
            Error::Unexpected(e) => ApiError::Unexpected(e),
        }
    }
}

/// Form field names (`lines[0][quantity]`) as JSON paths (`lines[0].quantity`).
fn api_field_name(form_name: &str) -> String {
    match form_name.strip_suffix(']').and_then(|s| s.rsplit_once("][")) {
        Some((head, last)) => format!("{head}].{last}"),
        None => form_name.to_owned(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let (status, title, detail, errors) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "Authentication required",
                Some("Send a valid API token as `Authorization: Bearer <token>`; create one under Settings → API tokens.".to_owned()),
                vec![],
            ),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", Some(m), vec![]),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "Not found", None, vec![]),
            ApiError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid request",
                Some("Some fields are not valid; see `errors`. Nothing was stored.".to_owned()),
                errors,
            ),
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad request", Some(m), vec![]),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, "Conflict", Some(m), vec![]),
            ApiError::Unprocessable(m) => (StatusCode::UNPROCESSABLE_ENTITY, "Cannot be done yet", Some(m), vec![]),
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "Too large", Some(m), vec![]),
            ApiError::TooManyRequests { message, .. } => (StatusCode::TOO_MANY_REQUESTS, "Too many requests", Some(message), vec![]),
            ApiError::Unavailable(e) => {
                tracing::error!(error = %e, "database unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, "Temporarily unavailable", Some("Please retry in a minute.".to_owned()), vec![])
            }
            ApiError::Unexpected(e) => {
                tracing::error!(error = ?e, "unexpected API error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", Some("Nothing was changed; please retry.".to_owned()), vec![])
            }
        };
        let mut response = problem_response(status, title, detail, errors);
        if let Some(wait) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, crate::http::error::retry_after_header(wait));
        }
        response
    }
}

pub fn problem_response(
    status: StatusCode,
    title: &str,
    detail: Option<String>,
    errors: Vec<FieldProblem>,
) -> Response {
    let problem = Problem { kind: "about:blank", title: title.to_owned(), status: status.as_u16(), detail, errors };
    let mut response = (status, Json(problem)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        // Every 503 says when to come back, as the pages do (http::error), so a client
        // or a load balancer retries instead of giving up.
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(UNAVAILABLE_RETRY_AFTER));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_names_become_json_paths() {
        assert_eq!(api_field_name("lines[0][quantity]"), "lines[0].quantity");
        assert_eq!(api_field_name("currency"), "currency");
    }
}
