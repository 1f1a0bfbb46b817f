//! Signing in and out. Requesting and checking a one-time code is `auth::otp` (its
//! limits, hashing and constant-time checks live there); these are the rest of the
//! flow: the address a pending challenge is for, and ending one or every session of a
//! user, each with its audit event.

use uuid::Uuid;

use super::error::Result;
use crate::{
    audit::{self, Actor, AuditEvent, Category, RequestMeta},
    crypto, db,
    state::AppState,
};

/// The address of the live challenge behind a challenge cookie, if any.
pub async fn challenge_email(state: &AppState, challenge_token: &str) -> Result<Option<String>> {
    Ok(db::otp::open_challenge_email(&state.db, &crypto::token_hash(challenge_token), state.clock.now()).await?)
}

/// The live session behind a session cookie's token, kept alive (its idle timer
/// restarts); None when it has ended or timed out. Returns the token's hash with it.
pub async fn touch_session(state: &AppState, token: &str) -> Result<Option<(Vec<u8>, FoundSession)>> {
    let token_hash = crypto::token_hash(token);
    let now = state.clock.now();
    let idle = time::Duration::minutes(i64::from(state.settings.session.idle_timeout_minutes));
    Ok(db::sessions::touch(&state.db, &token_hash, now, now - idle).await?.map(|active| (token_hash, active)))
}

pub use crate::db::sessions::{ActiveSession, FoundSession};

/// Who a session is: its token hash, its user and the business it acts for.
pub struct SignedIn<'a> {
    pub token_hash: &'a [u8],
    pub user_id: Uuid,
    /// `None` while the user answers invitations and has no business yet.
    pub business_id: Option<Uuid>,
}

/// Ends this session.
pub async fn log_out(state: &AppState, session: &SignedIn<'_>, meta: &RequestMeta) -> Result<()> {
    let mut tx = state.db.begin().await?;
    db::sessions::delete(&mut *tx, session.token_hash).await?;
    audit::record(&mut *tx, &logout_event(state, session, meta, "auth.logout", 1)).await?;
    tx.commit().await?;
    tracing::info!(user_id = %session.user_id, "logged out");
    Ok(())
}

/// Ends every session of the user, on every device.
pub async fn log_out_everywhere(state: &AppState, session: &SignedIn<'_>, meta: &RequestMeta) -> Result<()> {
    let mut tx = state.db.begin().await?;
    let ended = db::sessions::delete_all_for_user(&mut *tx, session.user_id).await?;
    audit::record(&mut *tx, &logout_event(state, session, meta, "auth.logout.everywhere", ended)).await?;
    tx.commit().await?;
    tracing::info!(user_id = %session.user_id, sessions = ended, "logged out everywhere");
    Ok(())
}

fn logout_event(state: &AppState, session: &SignedIn<'_>, meta: &RequestMeta, action: &str, ended: u64) -> AuditEvent {
    let event = AuditEvent::new(state.clock.now(), Category::Auth, action)
        .actor(Actor::User(session.user_id))
        .target(session.user_id.to_string())
        .request(meta)
        .details(serde_json::json!({ "sessions_ended": ended }));
    match session.business_id {
        Some(business_id) => event.business(business_id),
        None => event,
    }
}
