//! The backup status panel (`/admin/backups`) and "Back up now": the recent backup
//! and verify runs, the age of the newest good backup against the 24-hour recovery
//! point (a warning past 26 hours, or when there is none while backups are
//! configured, or when they are not configured at all), and the last verify drill.
//! The same warning is shown on the console's home page ([`warning`]).

use axum::{
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;
use time::{Duration, OffsetDateTime};

use super::pages::BackupsPage;
use super::session::VerifiedAdmin;
use super::tools::Actor;
use crate::{
    app::admin::{self as console, BackupRun},
    backup::{self, BackupError, Backups, on_demand},
    http::{ClientIp, error::AppError, user_agent},
    state::AppState,
};

/// The recovery point is 24 hours; past 26 the daily run has plainly been missed.
pub const WARN_AFTER: Duration = Duration::hours(26);

/// Why the console should worry about backups, if it should. `configured` is the
/// error from opening the target and keys, when that failed.
pub fn assess(configured: Result<(), String>, newest_good: Option<&BackupRun>, now: OffsetDateTime) -> Option<String> {
    if let Err(why) = configured {
        return Some(format!("No backups are being taken: {why}. See docs/operations.md."));
    }
    let Some(good) = newest_good else {
        return Some(
            "Backups are configured but there is no good backup yet. Press \"Back up now\" and check that it succeeds."
                .into(),
        );
    };
    let age = now - good.finished_at.unwrap_or(good.started_at);
    (age > WARN_AFTER).then(|| {
        format!(
            "The newest good backup is {} old, more than 26 hours: the 24-hour recovery point is not met. Check the failed runs below and the server log.",
            human(age)
        )
    })
}

/// "3 h 05 min", "2 days 4 h": an age an operator reads at a glance.
pub fn human(age: Duration) -> String {
    let minutes = age.whole_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match days {
        0 => format!("{hours} h {mins:02} min"),
        1 => format!("1 day {hours} h"),
        _ => format!("{days} days {hours} h"),
    }
}

fn configured(state: &AppState) -> Result<(), String> {
    Backups::open(&state.settings.backup, state.keys.backup_signing.clone()).map(|_| ()).map_err(|e| e.to_string())
}

/// The backup warning for the console's home page.
pub async fn warning(state: &AppState) -> Result<Option<String>, AppError> {
    let newest = console::newest_good_backup(state).await?;
    Ok(assess(configured(state), newest.as_ref(), state.clock.now()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

pub async fn show(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    // Fixed texts only: the query cannot put words on the page.
    let notice = match query.done.as_str() {
        "started" => Some("Backup started. It runs in the background; reload this page to follow it."),
        "running" => Some("A backup is running already: nothing new was started."),
        _ => None,
    };
    page(&state, admin.username, StatusCode::OK, notice.map(str::to_owned), None).await
}

async fn page(
    state: &AppState,
    username: String,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let configured = configured(state);
    let newest_good = console::newest_good_backup(state).await?;
    let warning = assess(configured.clone(), newest_good.as_ref(), now);
    let last_verify = console::last_verify(state).await?;
    let runs = console::recent_backup_runs(state, 30).await?;
    let stale_before = now - backup::schedule::STALE_AFTER;
    let page = BackupsPage {
        username,
        target: backup::store::describe(&state.settings.backup),
        configured: configured.is_ok(),
        daily_at: state.settings.backup.schedule.then(|| state.settings.backup.daily_at.clone()),
        newest_good_age: newest_good.as_ref().map(|r| human(now - r.finished_at.unwrap_or(r.started_at))),
        newest_good,
        last_verify,
        warning,
        runs: runs
            .into_iter()
            .map(|r| {
                let state = match r.status.as_str() {
                    "running" if r.started_at <= stale_before => "abandoned (its instance stopped)".to_owned(),
                    "running" => format!("running for {}", human(now - r.started_at)),
                    other => other.to_owned(),
                };
                (r, state)
            })
            .collect(),
        notice,
        error,
    };
    Ok((status, page).into_response())
}

/// "Back up now": records a running run and starts the backup in the background.
pub async fn back_up_now(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let action = actor.action("backup.start", "platform:backup".into(), json!({}));
    let started = match console::back_up_now(&state, action).await {
        Ok(started) => started,
        Err(e @ (BackupError::NotConfigured(_) | BackupError::Keys(_) | BackupError::Store(_))) => {
            let error = format!("The backup was not started: {e}");
            return page(&state, admin.username, StatusCode::CONFLICT, None, Some(error)).await;
        }
        Err(e) => return Err(AppError::Unexpected(e.into())),
    };
    tracing::info!(admin_id = %admin.admin_id, ?started, "backup requested from the admin console");
    let done = if started == on_demand::Started::AlreadyRunning { "running" } else { "started" };
    Ok(Redirect::to(&format!("/admin/backups?done={done}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn good(finished: OffsetDateTime) -> BackupRun {
        BackupRun {
            id: 1,
            kind: "backup".into(),
            trigger: "schedule".into(),
            status: "succeeded".into(),
            backup_id: Some("b".into()),
            started_at: finished - Duration::minutes(3),
            finished_at: Some(finished),
            size_bytes: Some(1),
            detail: None,
        }
    }

    #[test]
    fn warns_past_26_hours_when_there_is_none_and_when_not_configured() {
        let now = datetime!(2026-11-24 10:00 UTC);
        assert_eq!(assess(Ok(()), Some(&good(now - Duration::hours(26))), now), None);
        let late = assess(Ok(()), Some(&good(now - Duration::hours(26) - Duration::minutes(1))), now).unwrap();
        assert!(late.contains("1 day 2 h") && late.contains("24-hour"), "{late}");
        assert!(assess(Ok(()), None, now).unwrap().contains("no good backup yet"));
        assert!(assess(Err("no key".into()), None, now).unwrap().contains("no key"));
    }

    #[test]
    fn ages_read_at_a_glance() {
        assert_eq!(human(Duration::minutes(185)), "3 h 05 min");
        assert_eq!(human(Duration::hours(52)), "2 days 4 h");
    }
}
