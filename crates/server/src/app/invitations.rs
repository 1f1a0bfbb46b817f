//! The invitee's side of an invitation: the open invitations addressed to the signed-in
//! user, joining or declining each, and starting a business of their own instead.
//!
//! Signing in never accepts an invitation (issue 19): an address can be invited by
//! anyone, so joining is the invitee's explicit answer, made inside a session the code
//! login opened for that very address. Someone with invitations and no business signs in
//! to a session without one, which opens only these operations.

use uuid::Uuid;

use super::{Error, error::Result};
pub use crate::db::members::{Answer, INVITATION_VALID_FOR, InvitationToAnswer};
use crate::{
    audit::{self, Actor, AuditEvent, Category, RequestMeta},
    db,
    i18n::Text,
    state::AppState,
};

/// Who answers: the session (by its token hash) and its user.
pub struct Invitee<'a> {
    pub token_hash: &'a [u8],
    pub user_id: Uuid,
}

/// The open invitations addressed to the signed-in user, oldest first.
pub async fn invitations_to_answer(state: &AppState, user_id: Uuid) -> Result<Vec<InvitationToAnswer>> {
    let Some(email) = db::users::email_of(&state.db, user_id).await? else { return Ok(Vec::new()) };
    Ok(db::members::invitations_to(&state.db, &email, state.clock.now()).await?)
}

/// The invitee joins (the session then acts for that business) or declines invitation
/// `id` of `business_id`. An invitation that is not theirs, or no longer open, is not found.
pub async fn answer_invitation(
    state: &AppState,
    invitee: &Invitee<'_>,
    meta: &RequestMeta,
    business_id: Uuid,
    id: Uuid,
    answer: Answer,
) -> Result<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let email = db::users::email_of(&mut *tx, invitee.user_id).await?.ok_or(Error::NotFound)?;
    let Some(role) =
        db::members::answer_invitation(&mut tx, business_id, id, invitee.user_id, &email, answer, now).await?
    else {
        return Err(Error::NotFound);
    };
    if answer == Answer::Join
        && !db::sessions::switch_business(&mut *tx, invitee.token_hash, invitee.user_id, business_id).await?
    {
        return Err(Error::NotFound);
    }
    let action = match answer {
        Answer::Join => "invitation.accepted",
        Answer::Decline => "invitation.declined",
    };
    let event = AuditEvent::new(now, Category::Security, action)
        .actor(Actor::User(invitee.user_id))
        .business(business_id)
        .target(id.to_string())
        .request(meta)
        .details(serde_json::json!({ "role": role }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(%business_id, user_id = %invitee.user_id, action, "invitation answered");
    Ok(())
}

/// Someone who belongs to no business (they declined or left their invitations) starts
/// their own, as a first sign-in would have; the session then acts for it. Anyone who
/// already belongs to a business is refused: new businesses are not made on demand.
pub async fn start_own_business(state: &AppState, invitee: &Invitee<'_>, meta: &RequestMeta) -> Result<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Serialises two clicks of the same user: the second sees the first's business.
    db::users::lock(&mut tx, invitee.user_id).await?;
    if !db::members::businesses_of(&mut *tx, invitee.user_id).await?.is_empty() {
        return Err(Error::Conflict(Text::key("invitations-already-member")));
    }
    let business_id = db::users::create_own_business(&mut tx, invitee.user_id, now).await?;
    db::sessions::switch_business(&mut *tx, invitee.token_hash, invitee.user_id, business_id).await?;
    let event = AuditEvent::new(now, Category::Security, "business.created")
        .actor(Actor::User(invitee.user_id))
        .business(business_id)
        .target(business_id.to_string())
        .request(meta);
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(%business_id, user_id = %invitee.user_id, "own business started after the invitations");
    Ok(())
}
