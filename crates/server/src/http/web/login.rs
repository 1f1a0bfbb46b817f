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
use fastfaktura_domain::{EmailAddress, OtpCodeError};
use serde::Deserialize;

use super::pages::{CodePage, LoginPage, StartAgainPage};
use crate::{
    app::sign_in,
    audit::RequestMeta,
    auth::otp::{self, CODE_VALIDITY, Rejection, Verified},
    http::{
        ClientIp,
        error::{AppError, describe_wait, retry_after_header},
        session::{CookieKind, SignedInUser, make_cookie, read_cookie, removal_cookie},
        user_agent,
    },
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(request_code))
        .route("/login/code", get(code_form).post(submit_code))
        .route("/logout", post(logout))
        .route("/logout/everywhere", post(logout_everywhere))
}

async fn login_form(session: Option<SignedInUser>, t: Tr) -> Response {
    if session.is_some() {
        return Redirect::to("/").into_response();
    }
    LoginPage { t, email: String::new(), error: None }.into_response()
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
    t: Tr,
    form: Result<Form<EmailForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let email = match EmailAddress::parse(&form.email) {
        Ok(email) => email,
        Err(e) => {
            let typed: String = form.email.chars().take(254).collect();
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, LoginPage { t, email: typed, error: Some(e.to_string()) })
                .into_response());
        }
    };
    let token = otp::request_login_code(&state, &email, &ip, t.lang()).await?;
    // A little longer than the code lives, so an expired code still shows "expired".
    let cookie = make_cookie(&state, CookieKind::Challenge, token, Some(CODE_VALIDITY + time::Duration::minutes(5)));
    Ok((jar.add(cookie), Redirect::to("/login/code")).into_response())
}

fn start_again(state: &AppState, jar: CookieJar, t: &Tr, message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        jar.add(removal_cookie(state, CookieKind::Challenge)),
        StartAgainPage { t: t.clone(), message },
    )
        .into_response()
}

fn no_challenge(state: &AppState, jar: CookieJar, t: &Tr) -> Response {
    start_again(state, jar, t, t.t("login-no-challenge"))
}

async fn code_form(State(state): State<AppState>, jar: CookieJar, t: Tr) -> Result<Response, AppError> {
    let Some(token) = read_cookie(&state, &jar, CookieKind::Challenge) else {
        return Ok(no_challenge(&state, jar, &t));
    };
    match sign_in::challenge_email(&state, &token).await? {
        Some(email) => Ok(CodePage { t, email, error: None }.into_response()),
        None => Ok(no_challenge(&state, jar, &t)),
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
    t: Tr,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let Some(token) = read_cookie(&state, &jar, CookieKind::Challenge) else {
        return Ok(no_challenge(&state, jar, &t));
    };
    let verified = otp::verify_login_code(&state, &token, &form.code, &ip, &user_agent(&headers)).await?;
    let rejection = match verified {
        Verified::LoggedIn { session_token, choosing } => {
            let jar = jar.add(removal_cookie(&state, CookieKind::Challenge)).add(make_cookie(
                &state,
                CookieKind::Session,
                session_token,
                None,
            ));
            return Ok((jar, Redirect::to(if choosing { "/invitations" } else { "/" })).into_response());
        }
        Verified::Rejected(rejection) => rejection,
    };
    let email = sign_in::challenge_email(&state, &token).await?.unwrap_or_default();
    let again = |status: StatusCode, problem: String, attempts_left: i32| {
        let left = t.t1("login-attempts-left", "attempts", attempts_left);
        (status, CodePage { t: t.clone(), email: email.clone(), error: Some(format!("{problem} {left}")) })
            .into_response()
    };
    // A refused code is 422 (the form's content is not acceptable), not 401: 401 means
    // "send HTTP credentials" and needs WWW-Authenticate (RFC 9110 §15.5.2), which an
    // HTML form has none of; tools such as hydra take it for HTTP auth.
    Ok(match rejection {
        Rejection::StartAgain => no_challenge(&state, jar, &t),
        Rejection::WrongCode { attempts_left } => {
            again(StatusCode::UNPROCESSABLE_ENTITY, t.t("login-wrong-code"), attempts_left)
        }
        Rejection::Malformed { error, attempts_left } => {
            let problem = match error {
                OtpCodeError::Empty => t.t("login-code-empty"),
                OtpCodeError::NotSixDigits => t.t("login-code-not-six-digits"),
            };
            again(StatusCode::UNPROCESSABLE_ENTITY, problem, attempts_left)
        }
        // The challenge cookie stays: a sixth try must meet the lock (429), not a
        // fresh start that would hide it. 400 like the other "start again" pages.
        Rejection::Burned => {
            (StatusCode::BAD_REQUEST, StartAgainPage { message: t.t("login-burned"), t }).into_response()
        }
        Rejection::Locked => start_again_with(
            &state,
            jar,
            &t,
            StatusCode::TOO_MANY_REQUESTS,
            Some(retry_after_header(time::Duration::SECOND)),
            t.t("login-locked"),
        ),
        Rejection::Suspended { retry_after } => start_again_with(
            &state,
            jar,
            &t,
            StatusCode::TOO_MANY_REQUESTS,
            Some(retry_after_header(retry_after)),
            t.t1("login-suspended", "wait", describe_wait(retry_after).render(t.lang())),
        ),
        Rejection::AccountSuspended => {
            start_again_with(&state, jar, &t, StatusCode::FORBIDDEN, None, t.t("login-account-suspended"))
        }
    })
}

fn start_again_with(
    state: &AppState,
    jar: CookieJar,
    t: &Tr,
    status: StatusCode,
    retry_after: Option<HeaderValue>,
    message: String,
) -> Response {
    let mut response = start_again(state, jar, t, message);
    *response.status_mut() = status;
    if let Some(value) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    session: Option<SignedInUser>,
    meta: RequestMeta,
) -> Result<Response, AppError> {
    if let Some(session) = session {
        sign_in::log_out(&state, &session.signed_in(), &meta).await?;
    }
    Ok((jar.add(removal_cookie(&state, CookieKind::Session)), Redirect::to("/login")).into_response())
}

async fn logout_everywhere(
    State(state): State<AppState>,
    jar: CookieJar,
    session: SignedInUser,
    meta: RequestMeta,
) -> Result<Response, AppError> {
    sign_in::log_out_everywhere(&state, &session.signed_in(), &meta).await?;
    Ok((jar.add(removal_cookie(&state, CookieKind::Session)), Redirect::to("/login")).into_response())
}
