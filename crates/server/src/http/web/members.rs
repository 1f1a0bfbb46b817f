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
use fastfaktura_domain::EmailAddress;
use serde::Deserialize;
use uuid::Uuid;

use super::pages::MembersPage;
use crate::{
    auth::session::CurrentSession,
    db,
    http::{IdPath, error::AppError},
    i18n::Tr,
    integrations::email,
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
    Ok(MembersPage {
        t: t.clone(),
        members: db::members::list(&state.db, session.business_id).await?,
        invitations: db::members::open_invitations(&state.db, session.business_id).await?,
        is_owner: session.role == "owner",
        me: session.user_id,
        error,
        notice,
    })
}

async fn show(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    Ok(page(&state, &session, &t, None, None).await?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteForm {
    email: String,
    role: String,
}

async fn invite(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    form: Result<Form<InviteForm>, FormRejection>,
) -> Result<Response, AppError> {
    session.require_owner()?;
    let Form(form) = form?;
    let invalid = |message: String| async {
        let page = page(&state, &session, &t, Some(message), None).await?;
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let address = match EmailAddress::parse(&form.email) {
        Ok(a) => a,
        Err(e) => return invalid(format!("{}: {e}", t.t("label-email"))).await,
    };
    if !matches!(form.role.as_str(), "member" | "accountant") {
        return invalid(t.t("members-error-role")).await;
    }
    if db::members::list(&state.db, session.business_id).await?.iter().any(|m| m.email == address.as_str()) {
        return invalid(t.t1("members-already-member", "email", address.as_str())).await;
    }
    let now = state.clock.now();
    let business = db::businesses::profile(&state.db, session.business_id).await?;
    let mut tx = state.db.begin().await?;
    let Some(_) =
        db::members::invite(&mut tx, session.business_id, address.as_str(), &form.role, session.user_id, now).await?
    else {
        return invalid(t.t1("members-already-invited", "email", address.as_str())).await;
    };
    let role_text = if form.role == "accountant" { "an accountant (read-only)" } else { "a member" };
    let body = format!(
        "Hello,\n\nYou have been invited to join {} on FastFaktura as {role_text}.\n\n\
         To accept, sign in at {}/login with this email address ({address}); you will get a one-time code.\n\n\
         If you did not expect this, you can ignore this email.\n\nFastFaktura\n",
        business.name,
        state.settings.public_origin(),
    );
    email::enqueue(
        &mut tx,
        &state.keys.outbox,
        address.as_str(),
        &format!("Invitation to {} on FastFaktura", business.name),
        &body,
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(business_id = %session.business_id, role = %form.role, "member invited");
    let notice = t.t1("members-invitation-sent", "email", address.as_str());
    Ok(page(&state, &session, &t, None, Some(notice)).await?.into_response())
}

async fn revoke(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    session.require_owner()?;
    if !db::members::revoke_invitation(&state.db, session.business_id, id, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/settings/members").into_response())
}

async fn remove(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(user_id): IdPath,
) -> Result<Response, AppError> {
    session.require_owner()?;
    if !db::members::remove(&state.db, session.business_id, user_id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(business_id = %session.business_id, %user_id, "member removed");
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
    if !db::sessions::switch_business(&state.db, &session.token_hash, session.user_id, target).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/").into_response())
}
