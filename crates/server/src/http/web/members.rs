//! Settings → Members: the owner invites people by email with a role, revokes open
//! invitations and removes members; anyone with several businesses switches between
//! them. Invitees join through the normal one-time-code login.

use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use uuid::Uuid;

use super::pages::MembersPage;
use crate::{
    app::{
        Error,
        members::{self, InvitationInput},
    },
    audit::RequestMeta,
    http::session::CurrentSession,
    http::{IdPath, error::AppError},
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/members", get(show).post(invite))
        .route("/settings/members/invitations/{id}/revoke", post(revoke))
        .route("/settings/members/{id}/remove", post(remove))
        .route("/switch-business", post(switch_business))
}

async fn page(
    state: &AppState,
    session: &CurrentSession,
    t: &Tr,
    error: Option<String>,
    notice: Option<String>,
) -> Result<MembersPage, AppError> {
    let (members, invitations) = members::members(state, &session.caller()).await?;
    Ok(MembersPage {
        t: t.clone(),
        members,
        invitations,
        is_owner: session.caller().is_owner(),
        me: session.user_id,
        error,
        notice,
    })
}

async fn show(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    Ok(page(&state, &session, &t, None, None).await?.into_response())
}

async fn invite(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    form: Result<Form<InvitationInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    match members::invite_member(&state, &session.caller(), session.user_id, &t, &input).await {
        Ok(address) => {
            let notice = t.t1("members-invitation-sent", "email", address.as_str());
            Ok(page(&state, &session, &t, None, Some(notice)).await?.into_response())
        }
        Err(Error::Invalid(errors)) => {
            let page = page(&state, &session, &t, Some(errors.read_in(&t).summary()), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    members::revoke_invitation(&state, &session.caller(), id).await?;
    Ok(Redirect::to("/settings/members").into_response())
}

async fn remove(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
    IdPath(user_id): IdPath,
) -> Result<Response, AppError> {
    members::remove_member(&state, &session.caller(), &meta, user_id).await?;
    Ok(Redirect::to("/settings/members").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SwitchForm {
    business_id: String,
}

async fn switch_business(
    State(state): State<AppState>,
    session: CurrentSession,
    form: Result<Form<SwitchForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let target: Uuid = form.business_id.parse().map_err(|_| AppError::NotFound)?;
    members::switch_business(&state, &session.token_hash, session.user_id, target).await?;
    Ok(Redirect::to("/").into_response())
}
