//! Members of a business: the list, invitations by email with a role (owner only),
//! revoking an invitation, removing a member, and switching the session to another of
//! the user's businesses. Invitees sign in with the normal one-time-code login and then
//! join or decline (`app::invitations`).

use fastfaktura_domain::EmailAddress;
use serde::Deserialize;
use uuid::Uuid;

use super::{Caller, Error, error::Result};
pub use crate::db::members::{Invitation, Member};
use crate::{
    audit::{self, AuditEvent, Category, RequestMeta},
    db,
    i18n::Tr,
    integrations::email,
    state::AppState,
};

/// The business's members and its open invitations.
pub async fn members(state: &AppState, caller: &Caller) -> Result<(Vec<Member>, Vec<Invitation>)> {
    Ok((
        db::members::list(&state.db, caller.business_id).await?,
        db::members::open_invitations(&state.db, caller.business_id, state.clock.now()).await?,
    ))
}

/// An invitation as typed.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct InvitationInput {
    pub email: String,
    pub role: String,
}

/// The owner invites `input.email` as a member or read-only accountant and queues the email in
/// the same transaction; returns the address. A mistake (bad address or role, already
/// a member, already invited) is an error at `email`/`role` with the sentence to show.
pub async fn invite_member(
    state: &AppState,
    caller: &Caller,
    user_id: Uuid,
    t: &Tr,
    input: &InvitationInput,
) -> Result<EmailAddress> {
    caller.require_owner()?;
    let address = EmailAddress::parse(&input.email).map_err(|e| {
        Error::field("email", format!("{}: {}", t.t("label-email"), crate::app::fields::email_message(t, &e)))
    })?;
    if !matches!(input.role.as_str(), "member" | "accountant") {
        return Err(Error::field("role", t.t("members-error-role")));
    }
    if db::members::list(&state.db, caller.business_id).await?.iter().any(|m| m.email == address.as_str()) {
        return Err(Error::field("email", t.t1("members-already-member", "email", address.as_str())));
    }
    super::quotas::take(state, caller.business_id, &caller.actor, super::quotas::Quota::Invitation).await?;
    let now = state.clock.now();
    let business = db::businesses::profile(&state.db, caller.business_id).await?;
    let mut tx = state.db.begin().await?;
    let Some(_) = db::members::invite(&mut tx, caller.business_id, address.as_str(), &input.role, user_id, now).await?
    else {
        return Err(Error::field("email", t.t1("members-already-invited", "email", address.as_str())));
    };
    let role_text = if input.role == "accountant" { "an accountant (read-only)" } else { "a member" };
    let body = format!(
        "Hello,\n\nYou have been invited to join {} on FastFaktura as {role_text}.\n\n\
         To answer, sign in at {}/login with this email address ({address}); you will get a one-time code, \
         then choose Join or Decline. The invitation is open for {} days.\n\n\
         If you did not expect this, you can ignore this email: nothing happens unless you join.\n\nFastFaktura\n",
        business.name,
        state.settings.public_origin(),
        db::members::INVITATION_VALID_FOR.whole_days(),
    );
    let subject = format!("Invitation to {} on FastFaktura", business.name);
    let notice = email::Notice {
        kind: "invitation",
        business_id: Some(caller.business_id),
        recipient: address.as_str(),
        subject: &subject,
        body: &body,
    };
    email::queue_notice(&mut tx, &state.keys.outbox, notice, now).await?;
    tx.commit().await?;
    tracing::info!(business_id = %caller.business_id, role = %input.role, "member invited");
    Ok(address)
}

/// The owner withdraws an open invitation.
pub async fn revoke_invitation(state: &AppState, caller: &Caller, id: Uuid) -> Result<()> {
    caller.require_owner()?;
    if db::members::revoke_invitation(&state.db, caller.business_id, id, state.clock.now()).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// The owner removes a member from the business: their API tokens are revoked with
/// the membership, and the removal is audited.
pub async fn remove_member(state: &AppState, caller: &Caller, meta: &RequestMeta, user_id: Uuid) -> Result<()> {
    caller.require_owner()?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !db::members::remove(&mut *tx, caller.business_id, user_id).await? {
        return Err(Error::NotFound);
    }
    let revoked = db::api_tokens::revoke_all_of(&mut *tx, caller.business_id, user_id, now).await?;
    let event = AuditEvent::new(now, Category::Security, "member.removed")
        .actor(caller.actor.clone())
        .business(caller.business_id)
        .target(user_id.to_string())
        .request(meta)
        .details(serde_json::json!({ "api_tokens_revoked": revoked }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(business_id = %caller.business_id, %user_id, revoked, "member removed");
    Ok(())
}

/// Points the session (by its token hash) at another business of the same user.
pub async fn switch_business(state: &AppState, token_hash: &[u8], user_id: Uuid, target: Uuid) -> Result<()> {
    if db::sessions::switch_business(&state.db, token_hash, user_id, target).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}
