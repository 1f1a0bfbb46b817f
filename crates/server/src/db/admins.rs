//! Admin accounts, their sessions, TOTP state, recovery codes, login failure counters
//! and the admin event record. Separate tables from users and sessions on purpose
//! (ADM-9): nothing here can be reached with a user's session token and vice versa.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Admin {
    pub id: Uuid,
    pub username: String,
    pub password_hash: String,
    pub disabled_at: Option<OffsetDateTime>,
    pub totp_secret_sealed: Option<Vec<u8>>,
    pub totp_algorithm: String,
    pub totp_enabled_at: Option<OffsetDateTime>,
}

/// Creates an admin; false when the username is taken.
pub async fn create(
    db: impl PgExecutor<'_>,
    id: Uuid,
    username: &str,
    password_hash: &str,
    now: OffsetDateTime,
    created_by: &str,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"INSERT INTO admin_users (id, username, password_hash, created_at, created_by)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING"#,
        id,
        username,
        password_hash,
        now,
        created_by
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

pub async fn find_by_username(db: impl PgExecutor<'_>, username: &str) -> Result<Option<Admin>, sqlx::Error> {
    sqlx::query_as!(
        Admin,
        r#"SELECT id, username, password_hash, disabled_at, totp_secret_sealed, totp_algorithm, totp_enabled_at
           FROM admin_users WHERE username = $1"#,
        username
    )
    .fetch_optional(db)
    .await
}

pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<Admin>, sqlx::Error> {
    sqlx::query_as!(
        Admin,
        r#"SELECT id, username, password_hash, disabled_at, totp_secret_sealed, totp_algorithm, totp_enabled_at
           FROM admin_users WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone)]
pub struct AdminListRow {
    pub id: Uuid,
    pub username: String,
    pub disabled: bool,
    pub totp_enabled: bool,
    pub locked: bool,
    pub created_at: OffsetDateTime,
}

pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<AdminListRow>, sqlx::Error> {
    sqlx::query_as!(
        AdminListRow,
        r#"SELECT a.id, a.username, a.disabled_at IS NOT NULL AS "disabled!", a.totp_enabled_at IS NOT NULL AS "totp_enabled!",
                  f.locked_at IS NOT NULL AS "locked!", a.created_at
           FROM admin_users a LEFT JOIN admin_login_failures f ON f.username = a.username
           ORDER BY a.username"#
    )
    .fetch_all(db)
    .await
}

pub async fn set_password_hash(db: impl PgExecutor<'_>, id: Uuid, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE admin_users SET password_hash = $2 WHERE id = $1", id, hash).execute(db).await?;
    Ok(())
}

/// Disables or re-enables an admin; disabling ends their sessions in the same
/// transaction. Returns whether anything changed.
pub async fn set_disabled(
    conn: &mut PgConnection,
    id: Uuid,
    disabled: bool,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query!(
        r#"UPDATE admin_users SET disabled_at = CASE WHEN $2 THEN $3::timestamptz END
           WHERE id = $1 AND (disabled_at IS NOT NULL) <> $2"#,
        id,
        disabled,
        now
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if disabled {
        delete_sessions_for(&mut *conn, id).await?;
    }
    Ok(changed)
}

/// Removes the second factor (TOTP and recovery codes) and ends the admin's sessions
/// (TOTP-11): at the next login they enrol again.
pub async fn reset_totp(conn: &mut PgConnection, id: Uuid) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query!(
        r#"UPDATE admin_users SET totp_secret_sealed = NULL, totp_enabled_at = NULL, totp_last_step = 0
           WHERE id = $1"#,
        id
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    sqlx::query!("DELETE FROM admin_recovery_codes WHERE admin_id = $1", id).execute(&mut *conn).await?;
    delete_sessions_for(&mut *conn, id).await?;
    Ok(changed)
}

/// Stores a not yet confirmed secret (enrolment); never replaces a confirmed one.
pub async fn set_pending_totp(db: impl PgExecutor<'_>, id: Uuid, sealed: &[u8]) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE admin_users SET totp_secret_sealed = $2 WHERE id = $1 AND totp_enabled_at IS NULL",
        id,
        sealed
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Confirms enrolment with the step of the code that proved it, which is thereby used.
pub async fn confirm_totp(
    db: impl PgExecutor<'_>,
    id: Uuid,
    step: i64,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"UPDATE admin_users SET totp_enabled_at = $3, totp_last_step = $2
           WHERE id = $1 AND totp_enabled_at IS NULL AND totp_secret_sealed IS NOT NULL AND totp_last_step < $2"#,
        id,
        step,
        now
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Accepts a TOTP step once (TOTP-5, TOTP-6): the matched step is stored and any step
/// at or below the stored one is refused, in one conditional statement, so of many
/// concurrent requests with one code exactly one gets `true`.
pub async fn accept_totp_step(db: impl PgExecutor<'_>, id: Uuid, step: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE admin_users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2 AND totp_enabled_at IS NOT NULL",
        id,
        step
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Replaces all recovery codes (old ones stop working).
pub async fn replace_recovery_codes(conn: &mut PgConnection, id: Uuid, hashes: &[Vec<u8>]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM admin_recovery_codes WHERE admin_id = $1", id).execute(&mut *conn).await?;
    for hash in hashes {
        sqlx::query!("INSERT INTO admin_recovery_codes (admin_id, code_hash) VALUES ($1, $2)", id, hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Uses a recovery code once; false when unknown or already used.
pub async fn use_recovery_code(
    db: impl PgExecutor<'_>,
    id: Uuid,
    hash: &[u8],
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE admin_recovery_codes SET used_at = $3 WHERE admin_id = $1 AND code_hash = $2 AND used_at IS NULL",
        id,
        hash,
        now
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

// ---- login failures per submitted username (ADM-4) ----

#[derive(Debug, Clone, Copy)]
pub struct Failures {
    pub consecutive: i32,
    pub last_failed_at: OffsetDateTime,
    pub locked: bool,
}

pub async fn failures(db: impl PgExecutor<'_>, username: &str) -> Result<Option<Failures>, sqlx::Error> {
    sqlx::query_as!(
        Failures,
        r#"SELECT consecutive, last_failed_at, locked_at IS NOT NULL AS "locked!"
           FROM admin_login_failures WHERE username = $1"#,
        username
    )
    .fetch_optional(db)
    .await
}

/// Counts a failure atomically; at `lock_after` consecutive failures the name locks.
pub async fn record_failure(
    db: impl PgExecutor<'_>,
    username: &str,
    now: OffsetDateTime,
    lock_after: i32,
) -> Result<Failures, sqlx::Error> {
    sqlx::query_as!(
        Failures,
        r#"INSERT INTO admin_login_failures AS f (username, consecutive, last_failed_at, locked_at)
           VALUES ($1, 1, $2, NULL)
           ON CONFLICT (username) DO UPDATE SET
               consecutive = f.consecutive + 1,
               last_failed_at = $2,
               locked_at = COALESCE(f.locked_at, CASE WHEN f.consecutive + 1 >= $3 THEN $2::timestamptz END)
           RETURNING consecutive, last_failed_at, locked_at IS NOT NULL AS "locked!""#,
        username,
        now,
        lock_after
    )
    .fetch_one(db)
    .await
}

/// A success, or an unlock by another admin or the CLI: the count starts again.
pub async fn clear_failures(db: impl PgExecutor<'_>, username: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!("DELETE FROM admin_login_failures WHERE username = $1", username)
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}

// ---- sessions ----

pub struct NewAdminSession<'a> {
    pub token_hash: &'a [u8],
    pub admin_id: Uuid,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub mfa_verified: bool,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub async fn create_session(db: impl PgExecutor<'_>, s: NewAdminSession<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO admin_sessions (token_hash, admin_id, created_at, last_seen_at, expires_at, mfa_verified, ip, user_agent)
           VALUES ($1, $2, $3, $3, $4, $5, $6, $7)"#,
        s.token_hash,
        s.admin_id,
        s.now,
        s.expires_at,
        s.mfa_verified,
        s.ip,
        s.user_agent
    )
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ActiveAdmin {
    pub admin_id: Uuid,
    pub username: String,
    pub mfa_verified: bool,
    pub totp_enabled: bool,
}

/// A live admin session (not idle since `idle_cutoff`, not past its absolute expiry,
/// admin not disabled), recording activity.
pub async fn touch_session(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    now: OffsetDateTime,
    idle_cutoff: OffsetDateTime,
) -> Result<Option<ActiveAdmin>, sqlx::Error> {
    sqlx::query_as!(
        ActiveAdmin,
        r#"UPDATE admin_sessions s SET last_seen_at = $2
           FROM admin_users a
           WHERE s.token_hash = $1 AND a.id = s.admin_id AND a.disabled_at IS NULL
             AND s.expires_at > $2 AND s.last_seen_at > $3
           RETURNING a.id AS admin_id, a.username, s.mfa_verified, a.totp_enabled_at IS NOT NULL AS "totp_enabled!""#,
        token_hash,
        now,
        idle_cutoff
    )
    .fetch_optional(db)
    .await
}

pub async fn mark_session_verified(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE admin_sessions SET mfa_verified = true WHERE token_hash = $1", token_hash).execute(db).await?;
    Ok(())
}

pub async fn delete_session(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM admin_sessions WHERE token_hash = $1", token_hash).execute(db).await?;
    Ok(())
}

pub async fn delete_sessions_for(db: impl PgExecutor<'_>, admin_id: Uuid) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!("DELETE FROM admin_sessions WHERE admin_id = $1", admin_id).execute(db).await?.rows_affected())
}

// ---- the admin event record (ADM-10): the audit log's `admin` category ----

pub struct Event<'a> {
    pub at: OffsetDateTime,
    pub admin_id: Option<Uuid>,
    pub actor: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub details: serde_json::Value,
}

/// Admin events are audit events of the `admin` category: one table, one chain.
pub async fn record_event(db: impl PgExecutor<'_>, e: Event<'_>) -> Result<(), sqlx::Error> {
    use crate::audit::{Actor, AuditEvent, Category, Outcome};
    let failed = e.action.contains("failure") || e.action.contains("locked");
    let (actor, details) = if e.admin_id.is_some() || e.actor == "cli" {
        (Actor::Admin(e.actor.to_owned()), e.details)
    } else {
        // A failed login names no admin: keep the name that was tried, as before.
        let mut details = e.details;
        if let Some(map) = details.as_object_mut() {
            map.insert("username".into(), e.actor.into());
        }
        (Actor::Anonymous, details)
    };
    let event = AuditEvent::new(e.at, Category::Admin, e.action)
        .actor(actor)
        .target(e.target)
        .outcome(if failed { Outcome::Failure } else { Outcome::Success })
        .ip(e.ip)
        .user_agent(e.user_agent)
        .details(details);
    crate::audit::record(db, &event).await
}

#[derive(Debug, Clone)]
pub struct EventRow {
    pub at: OffsetDateTime,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub target: String,
    pub details: serde_json::Value,
}

pub async fn recent_events(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as!(
        EventRow,
        r#"SELECT at, CASE WHEN actor_kind = 'anonymous' THEN coalesce(details->>'username', actor) ELSE actor END AS "actor!",
                  ip, action, target, details
           FROM audit_events WHERE category = 'admin' ORDER BY at DESC, id DESC LIMIT $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

// ---- security notifications (ADM-11) ----

/// Sets (or clears) where an admin's security notifications go.
pub async fn set_email(db: impl PgExecutor<'_>, id: Uuid, email: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE admin_users SET email = $2 WHERE id = $1", id, email).execute(db).await?;
    Ok(())
}

/// The admin's username and notification address, by login name.
pub async fn contact_by_username(
    db: impl PgExecutor<'_>,
    username: &str,
) -> Result<Option<(Uuid, Option<String>)>, sqlx::Error> {
    let row =
        sqlx::query!("SELECT id, email FROM admin_users WHERE username = $1", username).fetch_optional(db).await?;
    Ok(row.map(|r| (r.id, r.email)))
}

/// Remembers that the admin signed in from `ip`; true when it is the first time.
pub async fn remember_ip(
    db: impl PgExecutor<'_>,
    id: Uuid,
    ip: &str,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "INSERT INTO admin_known_ips (admin_id, ip, first_seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        id,
        ip,
        now
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}
