//! Personal API tokens: create (the token is returned once and never stored, only its
//! hash), list the live ones, revoke. Each change is a `security` audit event naming
//! the token by its id.

use serde::Deserialize;
use uuid::Uuid;

use super::{
    Caller, Error,
    error::Result,
    fields::{labelled, required},
};
pub use crate::db::api_tokens::ApiToken;
use crate::{
    audit::{self, Actor, AuditEvent, Category, RequestMeta},
    crypto,
    db::{self, api_tokens::NewToken},
    i18n::Tr,
    state::AppState,
};

pub async fn list_api_tokens(state: &AppState, caller: &Caller) -> Result<Vec<ApiToken>> {
    Ok(db::api_tokens::list_active(&state.db, caller.business_id).await?)
}

/// A new token as typed: its name and `read` or `write`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct NewTokenInput {
    pub name: String,
    pub scope: String,
}

/// Creates a token for `user_id` and returns it: shown once, never stored or logged.
pub async fn create_api_token(
    state: &AppState,
    caller: &Caller,
    user_id: Uuid,
    t: &Tr,
    meta: &RequestMeta,
    input: &NewTokenInput,
) -> Result<String> {
    let name = required(t, &input.name, 100)
        .map_err(|message| Error::field("name", format!("{}.", labelled(t, &t.t("label-name"), &message))))?;
    let can_write = input.scope == "write";
    let token = format!("fft_{}", crypto::new_token());
    let mut tx = state.db.begin().await?;
    let token_id = db::api_tokens::create(
        &mut *tx,
        caller.business_id,
        NewToken { name: &name, token_hash: &crypto::token_hash(&token), can_write, created_by: user_id },
        state.clock.now(),
    )
    .await?;
    let event = token_event(state, caller, meta, "crypto.key.created", token_id).details(serde_json::json!({
        "kind": "api_token", "scope": if can_write { "write" } else { "read" }, "name": name
    }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(business_id = %caller.business_id, %user_id, "API token created");
    Ok(token)
}

pub async fn revoke_api_token(state: &AppState, caller: &Caller, meta: &RequestMeta, id: Uuid) -> Result<()> {
    let mut tx = state.db.begin().await?;
    if !db::api_tokens::revoke(&mut *tx, caller.business_id, id, state.clock.now()).await? {
        return Err(Error::NotFound);
    }
    let event = token_event(state, caller, meta, "crypto.key.destroyed", id)
        .details(serde_json::json!({ "kind": "api_token" }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(business_id = %caller.business_id, token_id = %id, "API token revoked");
    Ok(())
}

/// A `security` event about one of the business's API tokens, named by its id.
fn token_event(state: &AppState, caller: &Caller, meta: &RequestMeta, action: &str, id: Uuid) -> AuditEvent {
    let actor: Actor = caller.actor.clone();
    AuditEvent::new(state.clock.now(), Category::Security, action)
        .actor(actor)
        .business(caller.business_id)
        .target(id.to_string())
        .request(meta)
}

pub use crate::db::api_tokens::TokenOwner;

/// The live token behind a bearer value (hashed here, never stored or logged): its
/// business, id and scope; None when unknown or revoked.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<TokenOwner>, sqlx::Error> {
    db::api_tokens::authenticate(&state.db, &crypto::token_hash(token), state.clock.now()).await
}
