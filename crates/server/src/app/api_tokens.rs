//! Personal API tokens: create (the token is returned once and never stored, only its
//! hash), list the live ones with who made them, revoke (a member their own, the owner
//! any). A token acts for its creator: it stops working when they leave the business
//! or are suspended, or when it expires. Each change is a `security` audit event
//! naming the token by its id.

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

/// A new token as typed: its name, `read`, `write` or `owner` (the owner's operations
/// too; only the owner may give it), and the days it lives (empty: until revoked).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct NewTokenInput {
    pub name: String,
    pub scope: String,
    pub expires_in_days: String,
}

/// The lifetimes offered: 30, 90 or 365 days, or none.
pub const TOKEN_LIFETIMES: [u16; 3] = [30, 90, 365];

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
    let lifetime = match input.expires_in_days.trim() {
        "" | "never" => None,
        days => Some(
            days.parse::<u16>()
                .ok()
                .filter(|d| TOKEN_LIFETIMES.contains(d))
                .ok_or_else(|| Error::field("expires_in_days", t.t("api-error-lifetime")))?,
        ),
    };
    // Only the owner, signed in, gives a token the owner's operations.
    let acts_as_owner = input.scope == "owner";
    if acts_as_owner && !caller.is_owner_in_person() {
        return Err(Error::field("scope", t.t("api-error-owner-scope")));
    }
    // An accountant reads: their token cannot write whatever scope is asked for.
    let can_write = (input.scope == "write" || acts_as_owner) && !caller.is_read_only();
    let scope = if acts_as_owner {
        "owner"
    } else if can_write {
        "write"
    } else {
        "read"
    };
    let now = state.clock.now();
    let expires_at = lifetime.map(|days| now + time::Duration::days(i64::from(days)));
    let token = format!("fft_{}", crypto::new_token());
    let mut tx = state.db.begin().await?;
    let token_id = db::api_tokens::create(
        &mut *tx,
        caller.business_id,
        NewToken {
            name: &name,
            token_hash: &crypto::token_hash(&token),
            can_write,
            acts_as_owner,
            created_by: user_id,
            expires_at,
        },
        now,
    )
    .await?;
    let event = token_event(state, caller, meta, "crypto.key.created", token_id).details(serde_json::json!({
        "kind": "api_token", "scope": scope, "name": name,
        "expires_in_days": lifetime
    }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(business_id = %caller.business_id, %user_id, "API token created");
    Ok(token)
}

/// Revokes a token: the owner any of the business's, a member only their own.
pub async fn revoke_api_token(state: &AppState, caller: &Caller, meta: &RequestMeta, id: Uuid) -> Result<()> {
    let only_of = match (&caller.actor, caller.is_owner()) {
        (_, true) => None,
        (Actor::User(user_id), false) => Some(*user_id),
        _ => return Err(Error::Forbidden(crate::i18n::Text::key(crate::i18n::key("error-owner-only")))),
    };
    let mut tx = state.db.begin().await?;
    if !db::api_tokens::revoke(&mut *tx, caller.business_id, id, only_of, state.clock.now()).await? {
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
/// business, id, scope and creator; None when unknown, revoked, expired, or its creator
/// is no longer a member or is suspended.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<TokenOwner>, sqlx::Error> {
    db::api_tokens::authenticate(&state.db, &crypto::token_hash(token), state.clock.now()).await
}
