//! Operator tools: users and businesses (search, suspend, reinstate, end sessions),
//! admin accounts (create, disable, enable, unlock, reset TOTP) and the admin event
//! list. Every change is recorded with actor, IP, user agent, target and the
//! before/after of non-secret fields (ADM-10). Creating, disabling and enabling admins
//! and resetting TOTP need a fresh TOTP code (step-up, ADM-8).

use axum::{
    Form,
    extract::{Query, State, rejection::FormRejection},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use fastfaktura_domain::EmailAddress;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::pages::{AdminsPage, EventsPage, UserPage, UsersPage};
use super::session::{CurrentAdmin, VerifiedAdmin};
use crate::{
    app::admin_tools::{self as tools, Admin, NewAdmin},
    auth::{admin as auth, password},
    http::{ClientIp, IdPath, error::AppError, user_agent},
    state::AppState,
};

/// Who did it, from where: the first arguments of every recorded action.
pub(super) struct Actor<'a> {
    pub(super) admin: &'a CurrentAdmin,
    pub(super) ip: &'a str,
    pub(super) ua: &'a str,
}

impl<'a> Actor<'a> {
    /// What to record for `action` on `target`; the operation records it in its own
    /// transaction.
    pub(super) fn action(
        &self,
        action: &'a str,
        target: String,
        details: serde_json::Value,
    ) -> tools::ConsoleAction<'a> {
        tools::ConsoleAction {
            admin_id: self.admin.admin_id,
            username: &self.admin.username,
            ip: self.ip,
            user_agent: self.ua,
            action,
            target,
            details,
        }
    }
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: Option<String>,
}

pub async fn users(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    query: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let q: String = query.q.unwrap_or_default().trim().chars().take(200).collect();
    let searched = !q.is_empty();
    let (users, businesses) = if searched { tools::search(&state, &q, 100).await? } else { (Vec::new(), Vec::new()) };
    Ok(UsersPage { username: admin.username, q, searched, users, businesses }.into_response())
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn user(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    IdPath(id): IdPath,
    query: Result<Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let user = tools::find_user(&state, id).await?;
    // Notices are chosen from a fixed list, so the query cannot put text on the page.
    let notice = query.done.as_deref().and_then(|done| match done {
        "suspended" => Some("Suspended: their sessions have ended and they cannot sign in."),
        "already-suspended" => Some("Already suspended: nothing changed."),
        "reinstated" => Some("Reinstated: they can sign in again."),
        "not-suspended" => Some("Not suspended: nothing changed."),
        "sessions-ended" => Some("Their sessions have ended."),
        _ => None,
    });
    Ok(UserPage { username: admin.username, user, notice: notice.map(str::to_owned) }.into_response())
}

pub async fn suspend(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let user = tools::find_user(&state, id).await?;
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let details = json!({ "email": user.email, "before": { "suspended": user.suspended_at.is_some() },
                          "after": { "suspended": true } });
    let action = actor.action("user.suspend", format!("user:{id}"), details);
    let (changed, ended) = tools::suspend_user(&state, id, action).await?;
    tracing::info!(admin_id = %admin.admin_id, user_id = %id, changed, ended, "user suspended by an admin");
    let done = if changed { "suspended" } else { "already-suspended" };
    Ok(Redirect::to(&format!("/admin/users/{id}?done={done}")).into_response())
}

pub async fn reinstate(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let user = tools::find_user(&state, id).await?;
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let details = json!({ "email": user.email, "before": { "suspended": user.suspended_at.is_some() },
                          "after": { "suspended": false } });
    let changed =
        tools::reinstate_user(&state, id, actor.action("user.reinstate", format!("user:{id}"), details)).await?;
    let done = if changed { "reinstated" } else { "not-suspended" };
    Ok(Redirect::to(&format!("/admin/users/{id}?done={done}")).into_response())
}

pub async fn end_sessions(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let user = tools::find_user(&state, id).await?;
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let action = actor.action("user.end_sessions", format!("user:{id}"), json!({ "email": user.email }));
    tools::end_user_sessions(&state, id, action).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}?done=sessions-ended")).into_response())
}

pub async fn events(State(state): State<AppState>, VerifiedAdmin(admin): VerifiedAdmin) -> Result<Response, AppError> {
    let events = tools::recent_events(&state, 200).await?;
    Ok(EventsPage { username: admin.username, events }.into_response())
}

// ---- admin accounts ----

async fn admins_page(
    state: &AppState,
    admin: &CurrentAdmin,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    new_username: String,
) -> Result<Response, AppError> {
    let admins = tools::list_admins(state).await?;
    Ok((status, AdminsPage { username: admin.username.clone(), admins, notice, error, new_username }).into_response())
}

pub async fn admins(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    query: Result<Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let notice = query.done.as_deref().and_then(|done| match done {
        "created" => Some("Admin created. They set up two-step verification at their first sign-in."),
        "disabled" => Some("Admin disabled; their sessions have ended."),
        "enabled" => Some("Admin enabled."),
        "unlocked" => Some("Sign-in unlocked."),
        "totp-reset" => {
            Some("Two-step verification reset; their sessions have ended. They set it up again at their next sign-in.")
        }
        "unchanged" => Some("Nothing changed: it was already so."),
        _ => None,
    });
    admins_page(&state, &admin, StatusCode::OK, notice.map(str::to_owned), None, String::new()).await
}

#[derive(Deserialize)]
pub struct NewAdminForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// Where their security notices go (ADM-11); optional.
    #[serde(default)]
    email: String,
    #[serde(default)]
    code: String,
}

const STEP_UP_FAILED: &str = "Your authentication code was not accepted (wrong, or already used). Enter the current \
                              code from your app; a code works only once.";

pub async fn create_admin(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Result<Form<NewAdminForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let username = auth::normalize_username(&form.username);
    let refuse =
        |error: String| admins_page(&state, &admin, StatusCode::BAD_REQUEST, None, Some(error), username.clone());
    if !auth::valid_username(&username) {
        return refuse("The username must be 2 to 63 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter or digit.".into()).await;
    }
    if let Err(e) = password::check_policy(&form.password) {
        return refuse(e.to_string()).await;
    }
    let email = match form.email.trim() {
        "" => None,
        typed => match EmailAddress::parse(typed) {
            Ok(address) => Some(address.as_str().to_owned()),
            Err(_) => {
                return refuse(format!("{typed} is not an email address; leave it empty or write name@example.com."))
                    .await;
            }
        },
    };
    if !auth::step_up(&state, &admin, &form.code).await? {
        return refuse(STEP_UP_FAILED.into()).await;
    }
    let hash = password::hash(form.password).await?;
    let created_by = format!("admin:{}", admin.username);
    // The account, its address and the security contact's notice: all or nothing.
    let new = NewAdmin {
        username: &username,
        password_hash: &hash,
        email: email.as_deref(),
        created_by: &created_by,
        by_username: &admin.username,
        ip: &ip,
    };
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let details = json!({ "after": { "username": username, "email": email } });
    let action = actor.action("admin.create", format!("admin:{username}"), details);
    if !tools::create_admin(&state, &new, action).await? {
        return admins_page(
            &state,
            &admin,
            StatusCode::CONFLICT,
            None,
            Some(format!("The username {username} is taken.")),
            username.clone(),
        )
        .await;
    }
    tracing::warn!(admin_id = %admin.admin_id, new_admin = %username, "admin account created");
    Ok(Redirect::to("/admin/admins?done=created").into_response())
}

#[derive(Deserialize)]
pub struct StepUpForm {
    #[serde(default)]
    code: String,
}

/// Loads the target admin, refuses acting on oneself (a lock-out), and checks step-up.
async fn target_admin(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    step_up_code: Option<&str>,
) -> Result<Result<Admin, Response>, AppError> {
    let target = tools::find_admin(state, id).await?;
    if target.id == admin.admin_id {
        let error = "You cannot do this to your own account: ask another admin, or use the fastfaktura admin command on the server.";
        return Ok(Err(
            admins_page(state, admin, StatusCode::BAD_REQUEST, None, Some(error.into()), String::new()).await?
        ));
    }
    if let Some(code) = step_up_code
        && !auth::step_up(state, admin, code).await?
    {
        return Ok(Err(admins_page(
            state,
            admin,
            StatusCode::FORBIDDEN,
            None,
            Some(STEP_UP_FAILED.into()),
            String::new(),
        )
        .await?));
    }
    Ok(Ok(target))
}

async fn set_disabled(
    state: AppState,
    admin: CurrentAdmin,
    ip: String,
    headers: HeaderMap,
    id: Uuid,
    code: String,
    disabled: bool,
) -> Result<Response, AppError> {
    let target = match target_admin(&state, &admin, id, Some(&code)).await? {
        Ok(target) => target,
        Err(response) => return Ok(response),
    };
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let name = if disabled { "admin.disable" } else { "admin.enable" };
    let details = json!({ "before": { "disabled": target.disabled_at.is_some() }, "after": { "disabled": disabled } });
    let action = actor.action(name, format!("admin:{}", target.username), details);
    let changed = tools::set_admin_disabled(&state, id, disabled, action).await?;
    let done = match (changed, disabled) {
        (false, _) => "unchanged",
        (true, true) => "disabled",
        (true, false) => "enabled",
    };
    Ok(Redirect::to(&format!("/admin/admins?done={done}")).into_response())
}

pub async fn disable_admin(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    IdPath(id): IdPath,
    form: Result<Form<StepUpForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    set_disabled(state, admin, ip, headers, id, form.code, true).await
}

pub async fn enable_admin(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    IdPath(id): IdPath,
    form: Result<Form<StepUpForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    set_disabled(state, admin, ip, headers, id, form.code, false).await
}

pub async fn unlock_admin(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let target = match target_admin(&state, &admin, id, None).await? {
        Ok(target) => target,
        Err(response) => return Ok(response),
    };
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let action = actor.action("admin.unlock", format!("admin:{}", target.username), json!({}));
    let changed = tools::unlock_admin(&state, &target.username, action).await?;
    Ok(Redirect::to(if changed { "/admin/admins?done=unlocked" } else { "/admin/admins?done=unchanged" })
        .into_response())
}

pub async fn reset_totp(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    IdPath(id): IdPath,
    form: Result<Form<StepUpForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let target = match target_admin(&state, &admin, id, Some(&form.code)).await? {
        Ok(target) => target,
        Err(response) => return Ok(response),
    };
    let ua = user_agent(&headers);
    let actor = Actor { admin: &admin, ip: &ip, ua: &ua };
    let details =
        json!({ "before": { "totp_enabled": target.totp_enabled_at.is_some() }, "after": { "totp_enabled": false } });
    let action = actor.action("mfa.reset", format!("admin:{}", target.username), details);
    tools::reset_admin_totp(&state, &target, &admin.username, &ip, action).await?;
    tracing::warn!(admin_id = %admin.admin_id, target = %target.username, "admin TOTP reset by another admin");
    Ok(Redirect::to("/admin/admins?done=totp-reset").into_response())
}
