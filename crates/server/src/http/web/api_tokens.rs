//! Settings → API tokens: create (the token is shown once), list, revoke.

use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    forms::{labelled, required},
    pages::ApiTokensPage,
};
use crate::{
    audit::{self, Actor, AuditEvent, Category, RequestMeta},
    auth::session::CurrentSession,
    crypto,
    db::{self, api_tokens::NewToken},
    http::{IdPath, error::AppError},
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/api-tokens", get(list).post(create))
        .route("/settings/api-tokens/{id}/revoke", post(revoke))
}

async fn page(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    new_token: Option<String>,
    error: Option<String>,
) -> Result<ApiTokensPage, AppError> {
    let tokens = db::api_tokens::list_active(&state.db, session.business_id).await?;
    Ok(ApiTokensPage { t, tokens, new_token, error })
}

async fn list(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    Ok(page(&state, &session, t, None, None).await?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewTokenForm {
    name: String,
    scope: String,
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    form: Result<Form<NewTokenForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let name = match required(&t, &form.name, 100) {
        Ok(name) => name,
        Err(message) => {
            let error = format!("{}.", labelled(&t, &t.t("label-name"), &message));
            let page = page(&state, &session, t, None, Some(error)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let token = format!("fft_{}", crypto::new_token());
    let mut tx = state.db.begin().await?;
    let token_id = db::api_tokens::create(
        &mut *tx,
        session.business_id,
        NewToken {
            name: &name,
            token_hash: &crypto::token_hash(&token),
            can_write: form.scope == "write",
            created_by: session.user_id,
        },
        state.clock.now(),
    )
    .await?;
    let event = token_event(&state, &session, &meta, "crypto.key.created", token_id)
        .details(serde_json::json!({ "kind": "api_token", "scope": if form.scope == "write" { "write" } else { "read" }, "name": name }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(business_id = %session.business_id, user_id = %session.user_id, "API token created");
    // Shown once, in this response only; it is never stored or logged.
    Ok(page(&state, &session, t, Some(token), None).await?.into_response())
}

async fn revoke(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    if !db::api_tokens::revoke(&mut *tx, session.business_id, id, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    let event = token_event(&state, &session, &meta, "crypto.key.destroyed", id)
        .details(serde_json::json!({ "kind": "api_token" }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(business_id = %session.business_id, token_id = %id, "API token revoked");
    Ok(Redirect::to("/settings/api-tokens").into_response())
}

/// A `security` event about one of the business's API tokens, named by its id.
fn token_event(state: &AppState, session: &CurrentSession, meta: &RequestMeta, action: &str, id: Uuid) -> AuditEvent {
    AuditEvent::new(state.clock.now(), Category::Security, action)
        .actor(Actor::User(session.user_id))
        .business(session.business_id)
        .target(id.to_string())
        .request(meta)
}
