//! The application layer: one function per user operation, shared by the web pages,
//! the JSON API and the job worker.
//!
//! An operation takes a typed input (the web form and the API body map into the same
//! one), owns its transaction, its validation, its audit event and its job enqueue,
//! and returns a typed result or an [`Error`]. It knows nothing of HTTP: `http/`
//! extracts, calls one operation and renders; it never calls `db::` itself. Below this
//! layer sit the pure `domain` crate (rules and types) and `db/` (one module per
//! aggregate, checked SQL). See docs/ARCHITECTURE.md for the layering rule.

pub mod admin;
pub mod admin_tools;
pub mod api_tokens;
pub mod business;
pub mod catalogue;
pub mod customers;
pub mod data_export;
pub mod error;
pub mod fields;
pub mod health;
pub mod idempotency;
pub mod invoicing;
pub mod members;
pub mod payment_keys;
pub mod settings;
pub mod sign_in;

pub use error::Error;

use uuid::Uuid;

/// Who performs an operation on which business: the signed-in user of a web
/// session, or the API token of an integrator. Operations record it in audit events.
#[derive(Debug, Clone)]
pub struct Caller {
    pub business_id: Uuid,
    pub actor: crate::audit::Actor,
}

impl Caller {
    pub fn user(business_id: Uuid, user_id: Uuid) -> Self {
        Caller { business_id, actor: crate::audit::Actor::User(user_id) }
    }

    pub fn api_token(business_id: Uuid, token_id: Uuid) -> Self {
        Caller { business_id, actor: crate::audit::Actor::ApiToken(token_id) }
    }
}
