//! The admin console's session cookie (`__Host-ff_admin` over https, SameSite=Strict)
//! and the extractors every console page takes: [`CurrentAdmin`] (a live session, with
//! or without the second factor) and [`VerifiedAdmin`] (past it). The session itself is
//! looked up by `auth::admin::touch_session`.

use axum::{
    extract::FromRequestParts,
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

pub use crate::auth::admin::CurrentAdmin;
use crate::{auth::admin as auth, http::error::AppError, state::AppState};

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies() { "__Host-ff_admin" } else { "ff_admin" }
}

/// `Secure` (with the `__Host-` name) over https, HttpOnly, SameSite=Strict, Path=/,
/// no Domain (ADM-7). A browser-session cookie: the server enforces the lifetimes.
pub fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build((cookie_name(state), value))
        .path("/")
        .http_only(true)
        .secure(state.settings.secure_cookies())
        .same_site(SameSite::Strict)
        .build()
}

pub fn removal_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = session_cookie(state, String::new());
    cookie.make_removal();
    cookie
}

pub enum AdminRejection {
    LoginRequired,
    EnrolmentRequired,
    Error(AppError),
}

impl IntoResponse for AdminRejection {
    fn into_response(self) -> Response {
        match self {
            AdminRejection::LoginRequired => Redirect::to("/admin/login").into_response(),
            AdminRejection::EnrolmentRequired => AppError::Forbidden(
                "Set up two-step verification first: the console opens once it is done (/admin/enrol)."
                    .to_owned()
                    .into(),
            )
            .into_response(),
            AdminRejection::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for CurrentAdmin {
    type Rejection = AdminRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(cookie_name(state))
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or(AdminRejection::LoginRequired)?;
        auth::touch_session(state, &token)
            .await
            .map_err(|e| AdminRejection::Error(e.into()))?
            .ok_or(AdminRejection::LoginRequired)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for CurrentAdmin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentAdmin as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(admin) => Ok(Some(admin)),
            Err(AdminRejection::Error(e)) => Err(e),
            Err(_) => Ok(None),
        }
    }
}

/// An admin who has passed the second factor (or whom policy lets in without one).
#[derive(Debug, Clone)]
pub struct VerifiedAdmin(pub CurrentAdmin);

impl FromRequestParts<AppState> for VerifiedAdmin {
    type Rejection = AdminRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let admin = <CurrentAdmin as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if !admin.mfa_verified {
            return Err(AdminRejection::EnrolmentRequired);
        }
        super::super::access_log::identify(&parts.extensions, crate::audit::Actor::Admin(admin.username.clone()), None);
        Ok(VerifiedAdmin(admin))
    }
}
