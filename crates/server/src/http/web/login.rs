//! The login flow: email → one-time code → session. Sign-up is the same flow.
//!
//! `POST /login` answers identically for every well-formed address (a new one is a
//! sign-up) and only queues the mail, so its response says nothing about who has an
//! account and never waits for SMTP.

use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use axum_extra::extract::cookie::CookieJar;
use fastfaktura_domain::EmailAddress;
use serde::Deserialize;

use super::pages::{CodePage, LoginPage, StartAgainPage};
use crate::{
    auth::{
        otp::{self, CODE_VALIDITY, Rejection, Verified},
        session::{CookieKind, CurrentSession, make_cookie, read_cookie, removal_cookie},
    },
    crypto, db,
    http::{
        ClientIp,
        error::{AppError, describe_wait, retry_after_header},
        user_agent,
    },
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(request_code))
        .route("/login/code", get(code_form).post(submit_code))
        .route("/logout", post(logout))
        .route("/logout/everywhere", post(logout_everywhere))
}

async fn login_form(session: Option<CurrentSession>) -> Response {
    if session.is_some() {
        return Redirect::to("/").into_response();
    }
    LoginPage { email: String::new(), error: None }.into_response()
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

async fn request_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    form: Result<Form<EmailForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let email = match EmailAddress::parse(&form.email) {
        Ok(email) => email,
        Err(e) => {
            let typed: String = form.email.chars().take(254).collect();
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, LoginPage { email: typed, error: Some(e.to_string()) })
                .into_response());
        }
    };
    let token = otp::request_login_code(&state, &email, &ip).await?;
    // A little longer than the code lives, so an expired code still shows "expired".
    let cookie = make_cookie(&state, CookieKind::Challenge, token, Some(CODE_VALIDITY + time::Duration::minutes(5)));
    Ok((jar.add(cookie), Redirect::to("/login/code")).into_response())
}

fn start_again(state: &AppState, jar: CookieJar, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        jar.add(removal_cookie(state, CookieKind::Challenge)),
        StartAgainPage { message: message.to_owned() },
    )
        .into_response()
}

const NO_CHALLENGE: &str = "This sign-in has expired or was started in another browser. Please enter your email address again to get a new code.";

async fn code_form(State(state): State<AppState>, jar: CookieJar) -> Result<Response, AppError> {
    let Some(token) = read_cookie(&state, &jar, CookieKind::Challenge) else {
        return Ok(start_again(&state, jar, NO_CHALLENGE));
    };
    match db::otp::open_challenge_email(&state.db, &crypto::token_hash(&token), state.clock.now()).await? {
        Some(email) => Ok(CodePage { email, error: None }.into_response()),
        None => Ok(start_again(&state, jar, NO_CHALLENGE)),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn submit_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    jar: CookieJar,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let Some(token) = read_cookie(&state, &jar, CookieKind::Challenge) else {
        return Ok(start_again(&state, jar, NO_CHALLENGE));
    };
    let verified = otp::verify_login_code(&state, &token, &form.code, &ip, &user_agent(&headers)).await?;
    let rejection = match verified {
        Verified::LoggedIn { session_token } => {
            let jar = jar.add(removal_cookie(&state, CookieKind::Challenge)).add(make_cookie(
                &state,
                CookieKind::Session,
                session_token,
                None,
            ));
            return Ok((jar, Redirect::to("/")).into_response());
        }
        Verified::Rejected(rejection) => rejection,
    };
    let email = db::otp::open_challenge_email(&state.db, &crypto::token_hash(&token), state.clock.now())
        .await?
        .unwrap_or_default();
    let again = |status: StatusCode, message: String| {
        (status, CodePage { email: email.clone(), error: Some(message) }).into_response()
    };
    Ok(match rejection {
        Rejection::StartAgain => start_again(&state, jar, NO_CHALLENGE),
        Rejection::WrongCode { attempts_left } => again(
            StatusCode::UNAUTHORIZED,
            format!(
                "That code is not right, or it has expired. You have {attempts_left} more {} with this code.",
                tries(attempts_left)
            ),
        ),
        Rejection::Malformed { message, attempts_left } => again(
            StatusCode::UNAUTHORIZED,
            format!("{message} You have {attempts_left} more {} with this code.", tries(attempts_left)),
        ),
        // The challenge cookie stays: a sixth try must meet the lock (429), not a
        // fresh start that would hide it.
        Rejection::Burned => (
            StatusCode::UNAUTHORIZED,
            StartAgainPage {
                message: "That code was wrong five times, so it no longer works. Please request a new code.".into(),
            },
        )
            .into_response(),
        Rejection::Locked => start_again_with(
            &state,
            jar,
            StatusCode::TOO_MANY_REQUESTS,
            Some(retry_after_header(time::Duration::SECOND)),
            "This code was entered wrongly too many times and no longer works, even if it is right. Please request a new code.",
        ),
        Rejection::Suspended { retry_after } => start_again_with(
            &state,
            jar,
            StatusCode::TOO_MANY_REQUESTS,
            Some(retry_after_header(retry_after)),
            &format!(
                "Too many wrong codes were entered for this account, so sign-in with a code is paused. You can try again {}.",
                describe_wait(retry_after)
            ),
        ),
    })
}

fn tries(n: i32) -> &'static str {
    if n == 1 { "try" } else { "tries" }
}

fn start_again_with(
    state: &AppState,
    jar: CookieJar,
    status: StatusCode,
    retry_after: Option<HeaderValue>,
    message: &str,
) -> Response {
    let mut response = start_again(state, jar, message);
    *response.status_mut() = status;
    if let Some(value) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    session: Option<CurrentSession>,
) -> Result<Response, AppError> {
    if let Some(session) = session {
        db::sessions::delete(&state.db, &session.token_hash).await?;
        tracing::info!(user_id = %session.user_id, "logged out");
    }
    Ok((jar.add(removal_cookie(&state, CookieKind::Session)), Redirect::to("/login")).into_response())
}

async fn logout_everywhere(
    State(state): State<AppState>,
    jar: CookieJar,
    session: CurrentSession,
) -> Result<Response, AppError> {
    let ended = db::sessions::delete_all_for_user(&state.db, session.user_id).await?;
    tracing::info!(user_id = %session.user_id, sessions = ended, "logged out everywhere");
    Ok((jar.add(removal_cookie(&state, CookieKind::Session)), Redirect::to("/login")).into_response())
}
