//! The store behind `Idempotency-Key` on API POSTs (the HTTP side, hashing the request
//! and replaying the response, is `http::api::idempotency`): claim a key for a
//! request, read what a key holds, keep a finished response, give a key back after a
//! failure on our side.

use uuid::Uuid;

pub use crate::db::idempotency::Stored;
use crate::{db, state::AppState};

/// Claims `key` for the request with `request_hash`; false when the key is taken.
pub async fn claim(state: &AppState, business_id: Uuid, key: &str, request_hash: &[u8]) -> Result<bool, sqlx::Error> {
    db::idempotency::claim(&state.db, business_id, key, request_hash, state.clock.now()).await
}

/// What a taken key holds: its request's hash and, once finished, its response.
pub async fn find(state: &AppState, business_id: Uuid, key: &str) -> Result<Option<Stored>, sqlx::Error> {
    db::idempotency::find(&state.db, business_id, key).await
}

/// Keeps the response a retry with the same key will get.
pub async fn keep_response(
    state: &AppState,
    business_id: Uuid,
    key: &str,
    status: i32,
    body: &[u8],
) -> Result<(), sqlx::Error> {
    db::idempotency::store_response(&state.db, business_id, key, status, body).await
}

/// Gives the key back (the request failed on our side, so a retry may run it).
pub async fn release(state: &AppState, business_id: Uuid, key: &str) -> Result<(), sqlx::Error> {
    db::idempotency::release(&state.db, business_id, key).await
}
