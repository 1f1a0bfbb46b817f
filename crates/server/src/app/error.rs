//! The one error type of the application layer. It names what went wrong in terms of
//! the operation (not found, invalid fields, a state conflict); `http/` maps it to an
//! error page (`http::error::AppError`) or to problem+json (`http::api::problem`).

use time::Duration;

use super::fields::FieldErrors;
use crate::i18n::Text;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such thing in this business (or it is not the caller's to see).
    #[error("not found")]
    NotFound,
    /// One or more fields are wrong, each with its message (in the caller's language).
    #[error("invalid input: {}", .0.summary())]
    Invalid(FieldErrors),
    /// The request as a whole makes no sense (not tied to one field).
    #[error("{0}")]
    BadRequest(Text),
    /// The caller may not do this (a role or scope is missing).
    #[error("{0}")]
    Forbidden(Text),
    /// The current state does not allow this (already issued, edited meanwhile).
    #[error("{0}")]
    Conflict(Text),
    /// Valid input that cannot be acted on yet (e.g. a profile lacks what a legal
    /// invoice needs).
    #[error("{0}")]
    Unprocessable(Text),
    #[error("{message}")]
    TooManyRequests { message: Text, retry_after: Duration },
    #[error("the database is unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error(transparent)]
    Unexpected(anyhow::Error),
}

impl Error {
    /// One invalid field.
    pub fn field(field: &str, message: impl Into<Text>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        Error::Invalid(errors)
    }
}

/// Whether a database error means PostgreSQL cannot be reached right now (a restart, a
/// failover, a full pool): the caller answers 503 and asks to retry, not 500.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    crate::db::is_unavailable(e)
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if is_unavailable(&e) { Error::Unavailable(e) } else { Error::Unexpected(e.into()) }
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        match e.downcast::<sqlx::Error>() {
            Ok(e) => e.into(),
            Err(e) => Error::Unexpected(e),
        }
    }
}

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        Error::Invalid(errors)
    }
}

/// An operation's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
