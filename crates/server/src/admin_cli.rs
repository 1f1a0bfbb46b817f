//! `fastfaktura admin create|unlock|disable|enable|reset-totp|set-email`: the server-side way in
//! for operators, used for the first admin and as the out-of-band unlock (ADM-4) and
//! TOTP reset (TOTP-11). Every change is recorded as an admin event with actor `cli`.
//!
//! The password is read from standard input (with echo off on a terminal), never
//! from the command line, where it would show in `ps` and the shell history.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    auth::{
        admin as auth,
        admin_alerts::{self, Alert, Notifier},
        password,
    },
    db::admins::{self, Event},
};

/// Reads the new password: twice with echo off on a terminal, one line otherwise.
pub fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let ask = |prompt: &str| -> anyhow::Result<String> {
        eprint!("{prompt}");
        std::io::stderr().flush().ok();
        let _ = std::process::Command::new("stty").arg("-echo").stdin(std::process::Stdio::inherit()).status();
        let mut line = String::new();
        let read = stdin.lock().read_line(&mut line);
        let _ = std::process::Command::new("stty").arg("echo").stdin(std::process::Stdio::inherit()).status();
        eprintln!();
        read.context("reading the password")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    };
    let first = ask("New admin password (at least 15 characters, not shown): ")?;
    let second = ask("The same password again: ")?;
    if first != second {
        bail!("the two passwords differ; nothing was created");
    }
    Ok(first)
}

async fn record(pool: &PgPool, admin_id: Option<Uuid>, action: &str, target: &str, details: serde_json::Value) {
    let event = Event {
        at: time::OffsetDateTime::now_utc(),
        admin_id,
        actor: "cli",
        ip: "",
        user_agent: "fastfaktura admin",
        action,
        target,
        details,
    };
    if let Err(e) = admins::record_event(pool, event).await {
        tracing::error!(error = %e, "recording an admin event");
    }
}

pub async fn create(pool: &PgPool, username: &str, password_text: String) -> anyhow::Result<()> {
    create_with_email(pool, username, None, password_text, None).await
}

/// Creates an admin whose security notices (ADM-11) go to `email`; with a
/// `notifier`, the security contact is told (through the outbox, sent by `serve`).
pub async fn create_with_email(
    pool: &PgPool,
    username: &str,
    email: Option<&str>,
    password_text: String,
    notifier: Option<&Notifier<'_>>,
) -> anyhow::Result<()> {
    let username = auth::normalize_username(username);
    let email = parse_email(email)?;
    if !auth::valid_username(&username) {
        bail!(
            "the username must be 2 to 63 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter or digit"
        );
    }
    password::check_policy(&password_text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = password::hash(password_text).await?;
    let id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    if !admins::create(&mut *tx, id, &username, &hash, time::OffsetDateTime::now_utc(), "cli").await? {
        bail!("an admin called {username} exists already");
    }
    admins::set_email(&mut *tx, id, email.as_deref()).await?;
    if let Some(notifier) = notifier {
        admin_alerts::tell_security_contact(&mut tx, notifier, &username, "the fastfaktura admin command", "").await?;
    }
    tx.commit().await?;
    record(
        pool,
        Some(id),
        "admin.create",
        &format!("admin:{username}"),
        serde_json::json!({ "after": { "username": username, "email": email } }),
    )
    .await;
    Ok(())
}

async fn find(pool: &PgPool, username: &str) -> anyhow::Result<admins::Admin> {
    let username = auth::normalize_username(username);
    admins::find_by_username(pool, &username).await?.with_context(|| format!("there is no admin called {username}"))
}

/// Lifts the lock and the backoff of a login name.
pub async fn unlock(pool: &PgPool, username: &str) -> anyhow::Result<bool> {
    let username = auth::normalize_username(username);
    let changed = admins::clear_failures(pool, &username).await?;
    record(pool, None, "admin.unlock", &format!("admin:{username}"), serde_json::json!({ "changed": changed })).await;
    Ok(changed)
}

pub async fn set_disabled(pool: &PgPool, username: &str, disabled: bool) -> anyhow::Result<bool> {
    let admin = find(pool, username).await?;
    let mut tx = pool.begin().await?;
    let changed = admins::set_disabled(&mut tx, admin.id, disabled, time::OffsetDateTime::now_utc()).await?;
    tx.commit().await?;
    let action = if disabled { "admin.disable" } else { "admin.enable" };
    let details =
        serde_json::json!({ "before": { "disabled": admin.disabled_at.is_some() }, "after": { "disabled": disabled } });
    record(pool, Some(admin.id), action, &format!("admin:{}", admin.username), details).await;
    Ok(changed)
}

/// Resets an admin's TOTP; with a `notifier`, they are told by mail.
pub async fn reset_totp(pool: &PgPool, username: &str, notifier: Option<&Notifier<'_>>) -> anyhow::Result<()> {
    let admin = find(pool, username).await?;
    let mut tx = pool.begin().await?;
    admins::reset_totp(&mut tx, admin.id).await?;
    if let Some(notifier) = notifier {
        let change = "two-step verification was reset (and the recovery codes removed)";
        let alert = Alert::Changed { change, by: "the fastfaktura admin command on the server", ip: "" };
        admin_alerts::tell_admin(&mut tx, notifier, &admin.username, alert).await?;
    }
    tx.commit().await?;
    let details = serde_json::json!({ "before": { "totp_enabled": admin.totp_enabled_at.is_some() }, "after": { "totp_enabled": false } });
    record(pool, Some(admin.id), "mfa.reset", &format!("admin:{}", admin.username), details).await;
    Ok(())
}

/// An optional address as typed: empty is none, anything else must be an address.
fn parse_email(email: Option<&str>) -> anyhow::Result<Option<String>> {
    match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(typed) => Ok(Some(
            fastfaktura_domain::EmailAddress::parse(typed)
                .map_err(|_| anyhow::anyhow!("{typed} is not an email address"))?
                .as_str()
                .to_owned(),
        )),
        None => Ok(None),
    }
}

/// Sets where an admin's security notices go; with a `notifier`, the old address (if
/// any) is told, so a hijacked account cannot quietly redirect its notices.
pub async fn set_email(
    pool: &PgPool,
    username: &str,
    email: &str,
    notifier: Option<&Notifier<'_>>,
) -> anyhow::Result<()> {
    let admin = find(pool, username).await?;
    let email = parse_email(Some(email))?;
    let mut tx = pool.begin().await?;
    if let Some(notifier) = notifier {
        let change = "the address for these notices was changed";
        let alert = Alert::Changed { change, by: "the fastfaktura admin command on the server", ip: "" };
        admin_alerts::tell_admin(&mut tx, notifier, &admin.username, alert).await?;
    }
    admins::set_email(&mut *tx, admin.id, email.as_deref()).await?;
    tx.commit().await?;
    record(
        pool,
        Some(admin.id),
        "admin.set_email",
        &format!("admin:{}", admin.username),
        serde_json::json!({ "after": { "email": email } }),
    )
    .await;
    Ok(())
}
