//! The console's account tools as operations: find, suspend and reinstate users and end
//! their sessions; list, create, disable, enable and unlock admins and reset their
//! second factor. Each change that must be all-or-nothing (an account with its address
//! and the security contact's notice; a reset with its alert) is one transaction here.
//! Each changing operation records itself in the admin event log (`auth::admin::record`,
//! with actor, address and before/after, ADM-10) inside its own transaction: the action
//! and its record happen together or not at all.

use uuid::Uuid;

use super::{Error, error::Result};
pub use crate::db::{
    admins::{Admin, AdminListRow, EventRow},
    operator::{BusinessRow, UserRow},
};
use crate::{
    auth::admin_alerts::{self, Alert, Notifier},
    db::{self, admins, operator},
    state::AppState,
};

/// Users and businesses whose name or address contains `query` (at most `limit` each).
pub async fn search(state: &AppState, query: &str, limit: i64) -> Result<(Vec<UserRow>, Vec<BusinessRow>)> {
    Ok((
        operator::search_users(&state.db, query, limit).await?,
        operator::search_businesses(&state.db, query, limit).await?,
    ))
}

pub async fn find_user(state: &AppState, id: Uuid) -> Result<UserRow> {
    operator::find_user(&state.db, id).await?.ok_or(Error::NotFound)
}

/// Who in the console does what to which target, with the details to record
/// (the operation adds what it learns, such as how many sessions it ended).
pub struct ConsoleAction<'a> {
    pub admin_id: Uuid,
    pub username: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub action: &'a str,
    pub target: String,
    pub details: serde_json::Value,
}

/// Records `action` in the caller's transaction, `extra` merged into its details.
pub(super) async fn record_in(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    action: ConsoleAction<'_>,
    extra: serde_json::Value,
) -> Result<()> {
    let mut details = action.details;
    if let (Some(map), Some(more)) = (details.as_object_mut(), extra.as_object()) {
        map.extend(more.clone());
    }
    let (a, target) = (action.action, action.target);
    crate::auth::admin::record(
        conn,
        state,
        Some(action.admin_id),
        action.username,
        action.ip,
        action.user_agent,
        a,
        &target,
        details,
    )
    .await?;
    Ok(())
}

/// Suspends a user and ends their sessions; returns (whether it changed, sessions ended).
pub async fn suspend_user(state: &AppState, id: Uuid, action: ConsoleAction<'_>) -> Result<(bool, u64)> {
    let mut tx = state.db.begin().await?;
    let outcome = operator::suspend_user(&mut tx, id, state.clock.now()).await?;
    record_in(&mut tx, state, action, serde_json::json!({ "sessions_ended": outcome.1 })).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Lifts a suspension; returns whether it changed anything.
pub async fn reinstate_user(state: &AppState, id: Uuid, action: ConsoleAction<'_>) -> Result<bool> {
    let mut tx = state.db.begin().await?;
    let changed = operator::reinstate_user(&mut *tx, id).await?;
    record_in(&mut tx, state, action, serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(changed)
}

/// Ends every session of a user; returns how many.
pub async fn end_user_sessions(state: &AppState, id: Uuid, action: ConsoleAction<'_>) -> Result<u64> {
    let mut tx = state.db.begin().await?;
    let ended = db::sessions::delete_all_for_user(&mut *tx, id).await?;
    record_in(&mut tx, state, action, serde_json::json!({ "sessions_ended": ended })).await?;
    tx.commit().await?;
    Ok(ended)
}

/// The newest admin events.
pub async fn recent_events(state: &AppState, limit: i64) -> Result<Vec<EventRow>> {
    Ok(admins::recent_events(&state.db, limit).await?)
}

pub async fn list_admins(state: &AppState) -> Result<Vec<AdminListRow>> {
    Ok(admins::list(&state.db).await?)
}

pub async fn find_admin(state: &AppState, id: Uuid) -> Result<Admin> {
    admins::find(&state.db, id).await?.ok_or(Error::NotFound)
}

/// A new admin account as the console made it (the password already hashed).
pub struct NewAdmin<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub email: Option<&'a str>,
    /// Who created it ("admin:NAME"), and from where, for the security contact.
    pub created_by: &'a str,
    pub by_username: &'a str,
    pub ip: &'a str,
}

/// Creates the account with its address and tells the security contact, all or
/// nothing; false when the username is taken.
pub async fn create_admin(state: &AppState, new: &NewAdmin<'_>, action: ConsoleAction<'_>) -> Result<bool> {
    let id = Uuid::new_v4();
    let mut tx = state.db.begin().await?;
    if !admins::create(&mut *tx, id, new.username, new.password_hash, state.clock.now(), new.created_by).await? {
        return Ok(false);
    }
    admins::set_email(&mut *tx, id, new.email).await?;
    admin_alerts::tell_security_contact(
        &mut tx,
        &Notifier::from_state(state),
        new.username,
        &format!("admin {}", new.by_username),
        new.ip,
    )
    .await?;
    record_in(&mut tx, state, action, serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(true)
}

/// Disables or enables an admin; returns whether it changed anything.
pub async fn set_admin_disabled(state: &AppState, id: Uuid, disabled: bool, action: ConsoleAction<'_>) -> Result<bool> {
    let mut tx = state.db.begin().await?;
    let changed = admins::set_disabled(&mut tx, id, disabled, state.clock.now()).await?;
    record_in(&mut tx, state, action, serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(changed)
}

/// Clears an admin's failed sign-ins (and the lock); returns whether there were any.
pub async fn unlock_admin(state: &AppState, username: &str, action: ConsoleAction<'_>) -> Result<bool> {
    let mut tx = state.db.begin().await?;
    let changed = admins::clear_failures(&mut *tx, username).await?;
    record_in(&mut tx, state, action, serde_json::json!({ "changed": changed })).await?;
    tx.commit().await?;
    Ok(changed)
}

/// Resets an admin's second factor (and recovery codes) and tells them, all or nothing.
pub async fn reset_admin_totp(
    state: &AppState,
    target: &Admin,
    by_username: &str,
    ip: &str,
    action: ConsoleAction<'_>,
) -> Result<()> {
    let mut tx = state.db.begin().await?;
    admins::reset_totp(&mut tx, target.id).await?;
    let change = "two-step verification was reset (and the recovery codes removed)";
    let alert = Alert::Changed { change, by: by_username, ip };
    admin_alerts::tell_admin(&mut tx, &Notifier::from_state(state), &target.username, alert).await?;
    record_in(&mut tx, state, action, serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(())
}
