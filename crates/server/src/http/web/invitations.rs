//! The invitations page: the signed-in user's open invitations, each with Join and
//! Decline, and (for someone with no business yet) starting their own instead. A session
//! without a business is sent here by `CurrentSession`.

use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use uuid::Uuid;

use super::pages::{InvitationView, InvitationsPage};
use crate::{
    app::invitations::{self, Answer},
    audit::RequestMeta,
    http::{error::AppError, session::SignedInUser},
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/invitations", get(show))
        .route("/invitations/own-business", post(start_own_business))
        .route("/invitations/{business_id}/{id}/join", post(join))
        .route("/invitations/{business_id}/{id}/decline", post(decline))
}

async fn show(State(state): State<AppState>, user: SignedInUser, t: Tr) -> Result<Response, AppError> {
    let invitations = invitations::invitations_to_answer(&state, user.user_id)
        .await?
        .into_iter()
        .map(|i| {
            let role = if i.role == "accountant" { t.t("role-accountant-read-only") } else { t.role(&i.role) };
            let expires = (i.created_at + crate::db::members::INVITATION_VALID_FOR).date();
            InvitationView {
                join_action: format!("/invitations/{}/{}/join", i.business_id, i.id),
                decline_action: format!("/invitations/{}/{}/decline", i.business_id, i.id),
                offer: t.t2("invitations-offer", "business", &i.business_name, "role", role),
                invited_by: t.t2("invitations-invited-by", "inviter", &i.invited_by, "date", t.date(expires)),
                join_label: t.t1("invitations-join", "business", &i.business_name),
            }
        })
        .collect();
    Ok(InvitationsPage { t, invitations, has_business: user.business_id.is_some() }.into_response())
}

/// The two ids of an invitation's address; anything else is not found.
fn invitation_ids((business_id, id): (String, String)) -> Result<(Uuid, Uuid), AppError> {
    Ok((business_id.parse().map_err(|_| AppError::NotFound)?, id.parse().map_err(|_| AppError::NotFound)?))
}

async fn join(
    State(state): State<AppState>,
    user: SignedInUser,
    meta: RequestMeta,
    Path(ids): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (business_id, id) = invitation_ids(ids)?;
    invitations::answer_invitation(&state, &user.invitee(), &meta, business_id, id, Answer::Join).await?;
    Ok(Redirect::to("/").into_response())
}

async fn decline(
    State(state): State<AppState>,
    user: SignedInUser,
    meta: RequestMeta,
    Path(ids): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (business_id, id) = invitation_ids(ids)?;
    invitations::answer_invitation(&state, &user.invitee(), &meta, business_id, id, Answer::Decline).await?;
    Ok(Redirect::to("/invitations").into_response())
}

async fn start_own_business(
    State(state): State<AppState>,
    user: SignedInUser,
    meta: RequestMeta,
) -> Result<Response, AppError> {
    invitations::start_own_business(&state, &user.invitee(), &meta).await?;
    Ok(Redirect::to("/").into_response())
}
