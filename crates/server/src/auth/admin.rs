//! Admin sign-in and admin sessions (security criteria ADM-1 to ADM-8, TOTP-5 to TOTP-7).
//!
//! One form carries username, password and (once enrolled) a TOTP or recovery code,
//! so every failure, whichever part was wrong and whether or not the admin exists,
//! gets the same page, status and (thanks to a dummy argon2 hash) similar timing.
//!
//! Limits, all in PostgreSQL so every instance shares them: per client IP at most
//! `admin.login_attempts_per_ip_minute` attempts (sliding window in
//! `rate_limit_events`); per submitted username, after 5 consecutive failures each
//! further attempt waits 1 s, 2 s, 4 s ... up to 15 minutes, and 100 consecutive
//! failures lock the name until another admin or `fastfaktura admin unlock` lifts it.
//! The per-name counter exists for unknown names too, so it reveals nothing.
//!
//! Admin sessions are their own table and cookie (`__Host-ff_admin` over https,
//! SameSite=Strict; the cookie and extractors are `http::admin::session`), idle 15 minutes, absolute 8 hours. A session opened before the
//! second factor is enrolled is not `mfa_verified` and reaches only the enrolment page.

use time::Duration;
use uuid::Uuid;

use crate::{
    app::Error,
    auth::{
        admin_alerts::{self, Alert, Notifier},
        password, totp,
    },
    crypto,
    db::{
        admins::{self, Event, NewAdminSession},
        rate_limits::{self, Limit, RetryAfter},
    },
    state::AppState,
};

pub const BACKOFF_AFTER: i32 = 5;
pub const LOCK_AFTER: i32 = 100;
pub const MAX_BACKOFF: Duration = Duration::minutes(15);

/// How long after the last failure the next attempt must wait.
pub fn backoff(consecutive: i32) -> Duration {
    if consecutive < BACKOFF_AFTER {
        return Duration::ZERO;
    }
    let exponent = (consecutive - BACKOFF_AFTER).min(20) as u32;
    Duration::seconds(1i64 << exponent).min(MAX_BACKOFF)
}

/// Usernames are compared lower-cased and trimmed; the per-name counter key is
/// bounded so an attacker cannot store megabytes per attempt.
pub fn normalize_username(raw: &str) -> String {
    raw.trim().to_lowercase().chars().take(64).collect()
}

pub fn valid_username(name: &str) -> bool {
    let bytes = name.as_bytes();
    (2..=63).contains(&bytes.len())
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

pub enum LoginOutcome {
    LoggedIn {
        session_token: String,
        needs_enrolment: bool,
    },
    /// One generic answer for unknown user, wrong password, wrong or replayed code.
    Failed,
    TooMany {
        retry_after: Duration,
        message: &'static str,
    },
}

pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: String,
    pub code: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub async fn log_in(state: &AppState, attempt: Attempt<'_>) -> Result<LoginOutcome, Error> {
    let now = state.clock.now();
    let username = normalize_username(attempt.username);
    let (ip, user_agent) = (attempt.ip, attempt.user_agent);

    let mut tx = state.db.begin().await?;
    let per_ip = [Limit::new(state.settings.admin.login_attempts_per_ip_minute, Duration::MINUTE)];
    if let Err(RetryAfter(retry_after)) =
        rate_limits::hit(&mut tx, &format!("admin-login:ip:{}", rate_limits::client_of(ip)), &per_ip, now).await?
    {
        tx.commit().await?;
        tracing::warn!(ip, "admin login refused: too many attempts from this address");
        return Ok(LoginOutcome::TooMany {
            retry_after,
            message: "Too many sign-in attempts from your network. Please wait a minute.",
        });
    }
    tx.commit().await?;

    if let Some(f) = admins::failures(&state.db, &username).await? {
        if f.locked {
            return Ok(LoginOutcome::TooMany {
                retry_after: Duration::hours(1),
                message: "This account is locked after too many failed sign-ins. Another administrator, or \
                          `fastfaktura admin unlock` on the server, can unlock it.",
            });
        }
        let wait_until = f.last_failed_at + backoff(f.consecutive);
        if now < wait_until {
            return Ok(LoginOutcome::TooMany {
                retry_after: wait_until - now,
                message: "Too many failed sign-ins for this account. Please wait before trying again.",
            });
        }
    }

    let admin = admins::find_by_username(&state.db, &username).await?;
    let password_text = attempt.password.clone();
    let verification = password::verify(attempt.password, admin.as_ref().map(|a| a.password_hash.clone())).await?;
    let reason = match (&admin, verification) {
        (None, _) => Some("unknown username"),
        (Some(_), password::Verification::Invalid) => Some("wrong password"),
        (Some(a), _) if a.disabled_at.is_some() => Some("admin disabled"),
        _ => None,
    };
    let (admin, mut reason) = match (admin, reason) {
        (Some(admin), None) => (admin, None),
        (_, reason) => return fail(state, &username, None, ip, user_agent, reason.unwrap_or("unknown")).await,
    };

    let enrolled = admin.totp_enabled_at.is_some();
    if enrolled {
        reason = check_second_factor(state, &admin, attempt.code, ip).await?.err();
    }
    if let Some(reason) = reason {
        return fail(state, &username, Some(admin.id), ip, user_agent, reason).await;
    }

    if let password::Verification::Valid { needs_rehash: true } = verification {
        // Stored with weaker parameters than today's (ADM-3): replace while we have the password.
        let new_hash = password::hash(password_text).await?;
        admins::set_password_hash(&state.db, admin.id, &new_hash).await?;
        tracing::info!(admin_id = %admin.id, "admin password rehashed with the current parameters");
    }
    let needs_enrolment = !enrolled && state.settings.admin.require_totp;
    let session_token = crypto::new_token();
    let mut tx = state.db.begin().await?;
    admins::clear_failures(&mut *tx, &username).await?;
    admins::create_session(
        &mut *tx,
        NewAdminSession {
            token_hash: &crypto::token_hash(&session_token),
            admin_id: admin.id,
            now,
            expires_at: now + Duration::hours(i64::from(state.settings.admin.absolute_timeout_hours)),
            mfa_verified: !needs_enrolment,
            ip,
            user_agent,
        },
    )
    .await?;
    let details = serde_json::json!({ "second_factor": if enrolled { "totp" } else { "none" } });
    record(&mut *tx, state, Some(admin.id), &admin.username, ip, user_agent, "login.success", "", details).await?;
    if admins::remember_ip(&mut *tx, admin.id, ip, now).await? {
        admin_alerts::tell_admin(
            &mut tx,
            &Notifier::from_state(state),
            &admin.username,
            Alert::NewAddress { ip, user_agent },
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(admin_id = %admin.id, ip, needs_enrolment, "admin signed in");
    Ok(LoginOutcome::LoggedIn { session_token, needs_enrolment })
}

/// A TOTP code (accepted once: its matched step is stored atomically) or an unused
/// recovery code. Err carries the reason for the record, never shown to the user.
async fn check_second_factor(
    state: &AppState,
    admin: &admins::Admin,
    code: &str,
    ip: &str,
) -> Result<Result<(), &'static str>, Error> {
    if let Some(step) = current_step_of(state, admin, code)? {
        if admins::accept_totp_step(&state.db, admin.id, step).await? {
            return Ok(Ok(()));
        }
        tracing::warn!(admin_id = %admin.id, ip, "totp_replay: a code of an already used time step was refused");
        return Ok(Err("totp replay"));
    }
    if let Some(hash) = totp::recovery_code_hash(code)
        && admins::use_recovery_code(&state.db, admin.id, &hash, state.clock.now()).await?
    {
        tracing::warn!(admin_id = %admin.id, ip, "admin signed in with a recovery code");
        return Ok(Ok(()));
    }
    Ok(Err("wrong second factor"))
}

/// The time step `code` matches for this admin's confirmed or pending secret.
fn current_step_of(state: &AppState, admin: &admins::Admin, code: &str) -> Result<Option<i64>, Error> {
    let Some(sealed) = &admin.totp_secret_sealed else { return Ok(None) };
    let secret = totp::open(&state.keys.admin_totp, admin.id, sealed)
        .map_err(|e| Error::Unexpected(anyhow::anyhow!("admin {}: TOTP secret: {e}", admin.id)))?;
    let now = state.clock.now().unix_timestamp().max(0) as u64;
    Ok(totp::matched_step(&secret, &admin.totp_algorithm, code, now).map(|s| s as i64))
}

/// Step-up (ADM-8): the admin re-enters a current TOTP code before a sensitive action.
/// The code is consumed like a login code, so it cannot be replayed.
pub async fn step_up(state: &AppState, admin: &CurrentAdmin, code: &str) -> Result<bool, Error> {
    let Some(record) = admins::find(&state.db, admin.admin_id).await? else { return Ok(false) };
    if record.totp_enabled_at.is_none() {
        return Ok(false);
    }
    match current_step_of(state, &record, code)? {
        Some(step) => Ok(admins::accept_totp_step(&state.db, record.id, step).await?),
        None => Ok(false),
    }
}

/// Confirms enrolment with a code of the pending secret; returns the new recovery codes.
pub async fn confirm_enrolment(
    state: &AppState,
    admin: &CurrentAdmin,
    code: &str,
) -> Result<Option<Vec<String>>, Error> {
    let Some(record) = admins::find(&state.db, admin.admin_id).await? else { return Ok(None) };
    if record.totp_enabled_at.is_some() {
        return Ok(None);
    }
    let Some(step) = current_step_of(state, &record, code)? else { return Ok(None) };
    let codes = totp::new_recovery_codes();
    let hashes: Vec<Vec<u8>> = codes.iter().filter_map(|c| totp::recovery_code_hash(c)).collect();
    let mut tx = state.db.begin().await?;
    if !admins::confirm_totp(&mut *tx, record.id, step, state.clock.now()).await? {
        return Ok(None);
    }
    admins::replace_recovery_codes(&mut tx, record.id, &hashes).await?;
    admins::mark_session_verified(&mut *tx, &admin.token_hash).await?;
    tx.commit().await?;
    Ok(Some(codes))
}

async fn fail(
    state: &AppState,
    username: &str,
    admin_id: Option<Uuid>,
    ip: &str,
    user_agent: &str,
    reason: &str,
) -> Result<LoginOutcome, Error> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let failures = admins::record_failure(&mut *tx, username, now, LOCK_AFTER).await?;
    let details = serde_json::json!({ "reason": reason, "consecutive_failures": failures.consecutive });
    record(&mut *tx, state, admin_id, username, ip, user_agent, "login.failure", "", details).await?;
    if failures.locked && failures.consecutive == LOCK_AFTER {
        let details = serde_json::json!({ "consecutive_failures": failures.consecutive });
        record(&mut *tx, state, admin_id, username, ip, user_agent, "login.locked", username, details).await?;
        admin_alerts::tell_admin(&mut tx, &Notifier::from_state(state), username, Alert::Locked { ip }).await?;
        tracing::warn!(ip, consecutive = failures.consecutive, "admin login name locked after consecutive failures");
    }
    tx.commit().await?;
    tracing::warn!(ip, reason, consecutive = failures.consecutive, "admin login failed");
    Ok(LoginOutcome::Failed)
}

/// Records an admin event (ADM-10).
#[allow(clippy::too_many_arguments)]
pub async fn record(
    db: impl sqlx::PgExecutor<'_>,
    state: &AppState,
    admin_id: Option<Uuid>,
    actor: &str,
    ip: &str,
    user_agent: &str,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let event = Event { at: state.clock.now(), admin_id, actor, ip, user_agent, action, target, details };
    admins::record_event(db, event).await
}

/// A live admin session, with or without the second factor (the enrolment pages take
/// this; everything else takes it through `http::admin::session::VerifiedAdmin`).
#[derive(Debug, Clone)]
pub struct CurrentAdmin {
    pub token_hash: Vec<u8>,
    pub admin_id: Uuid,
    pub username: String,
    pub mfa_verified: bool,
    pub totp_enabled: bool,
}

/// The live admin session behind a cookie's token, kept alive (its idle timer
/// restarts); None when it has ended or timed out.
pub async fn touch_session(state: &AppState, token: &str) -> Result<Option<CurrentAdmin>, Error> {
    let token_hash = crypto::token_hash(token);
    let now = state.clock.now();
    let idle = Duration::minutes(i64::from(state.settings.admin.idle_timeout_minutes));
    let active = admins::touch_session(&state.db, &token_hash, now, now - idle).await?;
    Ok(active.map(|active| CurrentAdmin {
        token_hash,
        admin_id: active.admin_id,
        username: active.username,
        mfa_verified: active.mfa_verified,
        totp_enabled: active.totp_enabled,
    }))
}

/// Ends an admin session (signing out).
/// Signs the admin out, recorded in the admin event log in the same transaction.
pub async fn end_session(state: &AppState, admin: &CurrentAdmin, ip: &str, user_agent: &str) -> Result<(), Error> {
    let mut tx = state.db.begin().await?;
    admins::delete_session(&mut *tx, &admin.token_hash).await?;
    let details = serde_json::json!({});
    record(&mut *tx, state, Some(admin.admin_id), &admin.username, ip, user_agent, "logout", "", details).await?;
    tx.commit().await?;
    tracing::info!(admin_id = %admin.admin_id, "admin signed out");
    Ok(())
}

/// Keeps a new, not yet confirmed TOTP secret (sealed) for the admin to scan.
pub async fn set_pending_secret(state: &AppState, admin: &CurrentAdmin, sealed: &[u8]) -> Result<(), Error> {
    admins::set_pending_totp(&state.db, admin.admin_id, sealed).await?;
    Ok(())
}

/// Records a confirmed enrolment and tells the admin, in one transaction.
pub async fn record_enrolment(
    state: &AppState,
    admin: &CurrentAdmin,
    ip: &str,
    user_agent: &str,
    recovery_codes: usize,
) -> Result<(), Error> {
    let details = serde_json::json!({ "recovery_codes": recovery_codes });
    let mut tx = state.db.begin().await?;
    record(&mut *tx, state, Some(admin.admin_id), &admin.username, ip, user_agent, "mfa.enrolled", "", details).await?;
    let change = "two-step verification was set up and new recovery codes were made";
    let alert = Alert::Changed { change, by: &admin.username, ip };
    admin_alerts::tell_admin(&mut tx, &Notifier::from_state(state), &admin.username, alert).await?;
    tx.commit().await?;
    tracing::info!(admin_id = %admin.admin_id, "admin enrolled TOTP");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_fifth_failure_and_stops_at_15_minutes() {
        assert_eq!(backoff(4), Duration::ZERO);
        assert_eq!(backoff(5), Duration::seconds(1));
        assert_eq!(backoff(6), Duration::seconds(2));
        assert_eq!(backoff(9), Duration::seconds(16));
        assert_eq!(backoff(20), MAX_BACKOFF);
        assert_eq!(backoff(99), MAX_BACKOFF);
    }

    #[test]
    fn usernames() {
        assert_eq!(normalize_username("  Alice "), "alice");
        assert!(valid_username("alice") && valid_username("ops.team-1"));
        assert!(!valid_username("a") && !valid_username("Alice") && !valid_username("-x") && !valid_username("a b"));
    }
}
