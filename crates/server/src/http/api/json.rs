//! `StrictJson<T>`: an API body that must hold only the fields `T` knows.
//!
//! The operations' input types are shared with the web forms, which must stay lenient
//! (a stray form field is ignored, so a foreign id is still "not found" first). The
//! OpenAPI document promises `additionalProperties: false`, so the API refuses a body
//! with a field the type does not know (a misspelt field is never silently dropped):
//! one extractor does that for every body instead of a strict copy of each type.

use axum::{
    Json,
    extract::{FromRequest, Request},
};
use serde::de::DeserializeOwned;

use super::{bad_json, problem::ApiError};

/// A JSON body of type `T` with no unknown fields; refused with a 400 problem naming
/// them (or saying what else is wrong with the body).
#[derive(Debug)]
pub struct StrictJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<serde_json::Value>::from_request(request, state).await.map_err(bad_json)?;
        if holds_nul(&value) {
            return Err(ApiError::BadRequest(
                "The request body is not the JSON this endpoint expects: no text may contain a NUL character (\\u0000)"
                    .into(),
            ));
        }
        let mut unknown = Vec::new();
        let parsed: T = serde_ignored::deserialize(value, |path| unknown.push(path.to_string())).map_err(|e| {
            ApiError::BadRequest(format!("The request body is not the JSON this endpoint expects: {e}"))
        })?;
        if !unknown.is_empty() {
            return Err(ApiError::BadRequest(format!(
                "The request body is not the JSON this endpoint expects: unknown field{} {}",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
            )));
        }
        Ok(StrictJson(parsed))
    }
}

/// Whether any string (or key) in the body holds a NUL, which PostgreSQL text cannot
/// store and no name, number or address contains.
fn holds_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}
