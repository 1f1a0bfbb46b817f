//! The admin console under `/admin`: sign-in, TOTP enrolment, the operator tools
//! (`tools.rs`), the backup panel (`backups.rs`), the payment log (`payment_log.rs`) and platform settings (`platform_settings.rs`). Its own router with its own session cookie and a stricter origin
//! check (`http::csrf::verify_admin_origin`), assembled from one route table so a test
//! can walk every route (no GET changes state, ADM-6).
//!
//! English only, on purpose: the console is for the platform's operators, not for
//! users; its text is plain in the templates and handlers, outside the Fluent catalogue.

pub mod audit_viewer;
pub mod backups;
pub mod pages;
pub mod payment_log;
pub mod platform_settings;
mod quotas;
pub mod session;
pub mod tools;

use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{MethodRouter, get, post},
};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use self::session::{CurrentAdmin, VerifiedAdmin};
use crate::{
    auth::{
        admin::{self as auth, Attempt, LoginOutcome},
        totp,
    },
    http::{ClientIp, error::AppError, error::retry_after_header, user_agent},
    state::AppState,
};
use pages::{EnrolPage, HomePage, LoginPage, RecoveryCodesPage};

/// Every admin route: (method, path). The router is built from this table.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/login"),
    ("POST", "/admin/login"),
    ("POST", "/admin/logout"),
    ("GET", "/admin/enrol"),
    ("POST", "/admin/enrol/start"),
    ("POST", "/admin/enrol"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}/suspend"),
    ("POST", "/admin/users/{id}/reinstate"),
    ("POST", "/admin/users/{id}/end-sessions"),
    ("GET", "/admin/admins"),
    ("POST", "/admin/admins"),
    ("POST", "/admin/admins/{id}/disable"),
    ("POST", "/admin/admins/{id}/enable"),
    ("POST", "/admin/admins/{id}/unlock"),
    ("POST", "/admin/admins/{id}/reset-totp"),
    ("GET", "/admin/events"),
    ("GET", "/admin/dispatches"),
    ("GET", "/admin/payments"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit.csv"),
    ("GET", "/admin/settings"),
    ("POST", "/admin/settings/sms"),
    ("POST", "/admin/settings/sms/remove"),
    ("GET", "/admin/backups"),
    ("POST", "/admin/backups/now"),
    ("GET", "/admin/quotas"),
    ("POST", "/admin/quotas"),
];

fn handler(method: &str, path: &str) -> MethodRouter<AppState> {
    match (method, path) {
        ("GET", "/admin") => get(home),
        ("GET", "/admin/login") => get(login_form),
        ("POST", "/admin/login") => post(login),
        ("POST", "/admin/logout") => post(logout),
        ("GET", "/admin/enrol") => get(enrol_form),
        ("POST", "/admin/enrol/start") => post(enrol_start),
        ("POST", "/admin/enrol") => post(enrol_confirm),
        ("GET", "/admin/users") => get(tools::users),
        ("GET", "/admin/users/{id}") => get(tools::user),
        ("POST", "/admin/users/{id}/suspend") => post(tools::suspend),
        ("POST", "/admin/users/{id}/reinstate") => post(tools::reinstate),
        ("POST", "/admin/users/{id}/end-sessions") => post(tools::end_sessions),
        ("GET", "/admin/admins") => get(tools::admins),
        ("POST", "/admin/admins") => post(tools::create_admin),
        ("POST", "/admin/admins/{id}/disable") => post(tools::disable_admin),
        ("POST", "/admin/admins/{id}/enable") => post(tools::enable_admin),
        ("POST", "/admin/admins/{id}/unlock") => post(tools::unlock_admin),
        ("POST", "/admin/admins/{id}/reset-totp") => post(tools::reset_totp),
        ("GET", "/admin/events") => get(tools::events),
        ("GET", "/admin/dispatches") => get(platform_settings::dispatches),
        ("GET", "/admin/payments") => get(payment_log::show),
        ("GET", "/admin/audit") => get(audit_viewer::page),
        ("GET", "/admin/audit.csv") => get(audit_viewer::csv),
        ("GET", "/admin/settings") => get(platform_settings::show),
        ("POST", "/admin/settings/sms") => post(platform_settings::save_sms),
        ("POST", "/admin/settings/sms/remove") => post(platform_settings::remove_sms),
        ("GET", "/admin/backups") => get(backups::show),
        ("POST", "/admin/backups/now") => post(backups::back_up_now),
        ("GET", "/admin/quotas") => get(quotas::show),
        ("POST", "/admin/quotas") => post(quotas::set),
        _ => unreachable!("admin route {method} {path} has no handler"),
    }
}

pub fn router() -> Router<AppState> {
    ROUTES.iter().fold(Router::new(), |router, (method, path)| router.route(path, handler(method, path)))
}

async fn home(State(state): State<AppState>, VerifiedAdmin(admin): VerifiedAdmin) -> Result<Response, AppError> {
    let backup_warning = backups::warning(&state).await?;
    Ok(HomePage { username: admin.username, backup_warning }.into_response())
}

async fn login_form(admin: Option<CurrentAdmin>) -> Response {
    match admin {
        Some(a) if a.mfa_verified => Redirect::to("/admin").into_response(),
        _ => LoginPage { username: String::new(), error: None }.into_response(),
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub const GENERIC_FAILURE: &str = "The username, password or code is not correct.";

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    jar: CookieJar,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let ua = user_agent(&headers);
    let attempt =
        Attempt { username: &form.username, password: form.password, code: &form.code, ip: &ip, user_agent: &ua };
    let username = form.username.trim().chars().take(64).collect::<String>();
    Ok(match auth::log_in(&state, attempt).await? {
        LoginOutcome::LoggedIn { session_token, needs_enrolment } => {
            let to = if needs_enrolment { "/admin/enrol" } else { "/admin" };
            (jar.add(session::session_cookie(&state, session_token)), Redirect::to(to)).into_response()
        }
        // 200, not 401: brute-force tools see no protocol difference (issue 6).
        LoginOutcome::Failed => LoginPage { username, error: Some(GENERIC_FAILURE.into()) }.into_response(),
        LoginOutcome::TooMany { retry_after, message } => {
            let mut response =
                (StatusCode::TOO_MANY_REQUESTS, LoginPage { username, error: Some(message.into()) }).into_response();
            response.headers_mut().insert(header::RETRY_AFTER, retry_after_header(retry_after));
            response
        }
    })
}

async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    admin: Option<CurrentAdmin>,
) -> Result<Response, AppError> {
    if let Some(admin) = admin {
        auth::end_session(&state, &admin, &ip, &user_agent(&headers)).await?;
    }
    Ok((jar.add(session::removal_cookie(&state)), Redirect::to("/admin/login")).into_response())
}

/// Shows the pending secret (QR and text). Creating one is a POST (`enrol_start`), so
/// this GET changes nothing.
async fn enrol_form(State(state): State<AppState>, admin: CurrentAdmin) -> Result<Response, AppError> {
    enrol_page(&state, &admin, None, StatusCode::OK).await
}

async fn enrol_page(
    state: &AppState,
    admin: &CurrentAdmin,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    if admin.totp_enabled {
        return Ok(Redirect::to("/admin").into_response());
    }
    let record = crate::app::admin_tools::find_admin(state, admin.admin_id).await?;
    let pending = match &record.totp_secret_sealed {
        Some(sealed) => Some(
            totp::open(&state.keys.admin_totp, record.id, sealed)
                .map_err(|e| AppError::Unexpected(anyhow::anyhow!("admin {}: TOTP secret: {e}", record.id)))?,
        ),
        None => None,
    };
    let (secret_text, qr_svg) = match &pending {
        Some(secret) => {
            let uri = totp::otpauth_uri(&record.username, secret, &record.totp_algorithm);
            (totp::base32(secret), totp::qr_svg(&uri))
        }
        None => (String::new(), String::new()),
    };
    let page = EnrolPage {
        username: admin.username.clone(),
        required: state.settings.admin.require_totp,
        started: pending.is_some(),
        secret_text,
        qr_svg,
        error,
    };
    Ok((status, page).into_response())
}

async fn enrol_start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    admin: CurrentAdmin,
) -> Result<Response, AppError> {
    if admin.totp_enabled {
        return Ok(Redirect::to("/admin").into_response());
    }
    let secret = totp::new_secret();
    let sealed = totp::seal(&state.keys.admin_totp, admin.admin_id, &secret);
    auth::set_pending_secret(&state, &admin, &sealed).await?;
    let ua = user_agent(&headers);
    let details = serde_json::json!({ "algorithm": "SHA1", "digits": totp::DIGITS, "period": totp::STEP_SECONDS });
    auth::record(
        &state.db,
        &state,
        Some(admin.admin_id),
        &admin.username,
        &ip,
        &ua,
        "mfa.enrolment_started",
        "",
        details,
    )
    .await?;
    Ok(Redirect::to("/admin/enrol").into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn enrol_confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    admin: CurrentAdmin,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    if admin.totp_enabled {
        return Ok(Redirect::to("/admin").into_response());
    }
    match auth::confirm_enrolment(&state, &admin, &form.code).await? {
        Some(codes) => {
            let ua = user_agent(&headers);
            auth::record_enrolment(&state, &admin, &ip, &ua, codes.len()).await?;
            Ok(RecoveryCodesPage { username: admin.username, codes }.into_response())
        }
        None => {
            let error = "That code does not match. Check the time on your phone and enter the current code.";
            enrol_page(&state, &admin, Some(error.into()), StatusCode::BAD_REQUEST).await
        }
    }
}
