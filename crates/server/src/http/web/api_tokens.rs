//! Settings → API tokens: create (the token is shown once), list, revoke.

use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};

use super::pages::ApiTokensPage;
use crate::{
    app::{
        Error,
        api_tokens::{self, NewTokenInput},
    },
    audit::RequestMeta,
    http::session::CurrentSession,
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
    let caller = session.caller();
    let tokens = api_tokens::list_api_tokens(state, &caller).await?;
    Ok(ApiTokensPage {
        t,
        tokens,
        new_token,
        error,
        is_owner: caller.is_owner(),
        user_id: session.user_id,
        read_only: caller.is_read_only(),
        lifetimes: api_tokens::TOKEN_LIFETIMES,
    })
}

async fn list(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    Ok(page(&state, &session, t, None, None).await?.into_response())
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    form: Result<Form<NewTokenInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    match api_tokens::create_api_token(&state, &session.caller(), session.user_id, &t, &meta, &input).await {
        // Shown once, in this response only; it is never stored or logged.
        Ok(token) => Ok(page(&state, &session, t, Some(token), None).await?.into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            let page = page(&state, &session, t, None, Some(errors.summary())).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    api_tokens::revoke_api_token(&state, &session.caller(), &meta, id).await?;
    Ok(Redirect::to("/settings/api-tokens").into_response())
}
