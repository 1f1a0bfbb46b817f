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
        .route("/invitations/{business_id}/{id}/{answer}", post(answer))
}

async fn show(State(state): State<AppState>, user: SignedInUser, t: Tr) -> Result<Response, AppError> {
    let invitations = invitations::invitations_to_answer(&state, user.user_id)
        .await?
        .into_iter()
        .map(|i| {
            let role = if i.role == "accountant" { t.t("role-accountant-read-only") } else { t.role(&i.role) };
            let expires = (i.created_at + invitations::INVITATION_VALID_FOR).date();
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

/// Join or decline: `/invitations/{business_id}/{id}/join` or `.../decline`; any other
/// address is not found.
async fn answer(
    State(state): State<AppState>,
    user: SignedInUser,
    meta: RequestMeta,
    Path((business_id, id, answer)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let (answer, next) = match answer.as_str() {
        "join" => (Answer::Join, "/"),
        "decline" => (Answer::Decline, "/invitations"),
        _ => return Err(AppError::NotFound),
    };
    let business_id: Uuid = business_id.parse().map_err(|_| AppError::NotFound)?;
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    invitations::answer_invitation(&state, &user.invitee(), &meta, business_id, id, answer).await?;
    Ok(Redirect::to(next).into_response())
}

async fn start_own_business(
    State(state): State<AppState>,
    user: SignedInUser,
    meta: RequestMeta,
) -> Result<Response, AppError> {
    invitations::start_own_business(&state, &user.invitee(), &meta).await?;
    Ok(Redirect::to("/").into_response())
}
