//! Session and challenge cookies, and the `CurrentSession` extractor (the session
//! itself is looked up and kept alive by `app::sign_in::touch_session`).
//!
//! Over HTTPS the cookies are `__Host-` prefixed, `Secure`, `HttpOnly`,
//! `SameSite=Lax` and `Path=/` (RFC 6265bis §4.1.3.2: a `__Host-` cookie cannot be
//! set by a subdomain or for another path). Plain names are used only in development
//! over http://localhost, where browsers would drop `Secure` cookies.

use axum::{
    extract::FromRequestParts,
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use time::Duration;
use uuid::Uuid;

use crate::{
    app::sign_in::{self, FoundSession},
    http::error::AppError,
    i18n::Text,
    state::AppState,
};

#[derive(Debug, Clone, Copy)]
pub enum CookieKind {
    /// The logged-in session.
    Session,
    /// The pre-authentication challenge a one-time code is bound to.
    Challenge,
    /// Where the primary's log was after the browser's last write (`http::read_after`).
    ReadAfter,
}

impl CookieKind {
    pub fn name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (CookieKind::Session, true) => "__Host-ff_session",
            (CookieKind::Session, false) => "ff_session",
            (CookieKind::Challenge, true) => "__Host-ff_challenge",
            (CookieKind::Challenge, false) => "ff_challenge",
            (CookieKind::ReadAfter, true) => "__Host-ff_read_after",
            (CookieKind::ReadAfter, false) => "ff_read_after",
        }
    }
}

pub fn read_cookie(state: &AppState, jar: &CookieJar, kind: CookieKind) -> Option<String> {
    jar.get(kind.name(state.settings.secure_cookies())).map(|c| c.value().to_owned()).filter(|v| !v.is_empty())
}

/// A cookie carrying `value`; `max_age` None makes it a browser-session cookie.
pub fn make_cookie(state: &AppState, kind: CookieKind, value: String, max_age: Option<Duration>) -> Cookie<'static> {
    let secure = state.settings.secure_cookies();
    let mut builder =
        Cookie::build((kind.name(secure), value)).path("/").http_only(true).secure(secure).same_site(SameSite::Lax);
    if let Some(age) = max_age {
        builder = builder.max_age(age);
    }
    builder.build()
}

pub fn removal_cookie(state: &AppState, kind: CookieKind) -> Cookie<'static> {
    let mut cookie = make_cookie(state, kind, String::new(), None);
    cookie.make_removal();
    cookie
}

/// The logged-in user of this request. Handlers that take it are login-only:
/// without a live session the browser is sent to `/login`.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub token_hash: Vec<u8>,
    pub user_id: Uuid,
    pub business_id: Uuid,
    /// owner, member or accountant (read-only).
    pub role: String,
    /// What this browser's reads must see: its own last write.
    pub reads_after: crate::app::ReadAfter,
}

impl CurrentSession {
    /// The signed-in user acting on their business, for the application layer.
    pub fn caller(&self) -> crate::app::Caller {
        crate::app::Caller::user(self.business_id, self.user_id, &self.role).reading_after(self.reads_after)
    }

    /// The owner-only check of [`crate::app::Caller::require_owner`], for pages whose
    /// operation does not check it yet.
    pub fn require_owner(&self) -> Result<(), AppError> {
        Ok(self.caller().require_owner()?)
    }
}

/// Requests a read-only accountant may still make: they change no business data. Their
/// own API tokens (for their bookkeeping software) only ever read.
const READ_ONLY_ALLOWED: &[&str] =
    &["/logout", "/logout/everywhere", "/switch-business", "/language", "/settings/api-tokens"];

/// Whether a read-only accountant may make this request. Reconciling the bank is
/// their work: they may import statements and match or set aside payments (an owner
/// alone undoes a match, checked by the operation); so is paying bills: receiving
/// them and recording their schedule and payment.
fn read_only_may(path: &str) -> bool {
    // Bills are bookkeeping too: receiving them and recording their payment.
    let pays_bills = path == "/bills/upload"
        || path.strip_prefix("/bills/").is_some_and(|rest| {
            rest.split_once('/')
                .is_some_and(|(id, action)| !id.contains('/') && matches!(action, "schedule" | "paid" | "reopen"))
        });
    let reconciles = path == "/bank/import"
        || path.strip_prefix("/bank/entries/").is_some_and(|rest| {
            rest.split_once('/').is_some_and(|(id, action)| !id.contains('/') && matches!(action, "match" | "dismiss"))
        });
    READ_ONLY_ALLOWED.contains(&path)
        || reconciles
        || pays_bills
        || path
            .strip_prefix("/settings/api-tokens/")
            .is_some_and(|rest| rest.ends_with("/revoke") && !rest[..rest.len() - 7].contains('/'))
}

pub enum SessionRejection {
    LoginRequired,
    /// Signed in with invitations to answer and no business yet.
    ChooseBusiness,
    Error(AppError),
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        match self {
            SessionRejection::LoginRequired => Redirect::to("/login").into_response(),
            SessionRejection::ChooseBusiness => Redirect::to("/invitations").into_response(),
            SessionRejection::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (token_hash, found) = found_session(parts, state).await?;
        let active = match found {
            FoundSession::Active(active) => active,
            FoundSession::Choosing { .. } => return Err(SessionRejection::ChooseBusiness),
        };
        // The accountant role is read-only: enforced here, once, for every page.
        let changes_data = !matches!(parts.method, axum::http::Method::GET | axum::http::Method::HEAD);
        if active.role == "accountant" && changes_data && !read_only_may(parts.uri.path()) {
            return Err(SessionRejection::Error(AppError::Forbidden(Text::key("error-read-only"))));
        }
        crate::http::access_log::identify(
            &parts.extensions,
            crate::audit::Actor::User(active.user_id),
            Some(active.business_id),
        );
        Ok(CurrentSession {
            token_hash,
            user_id: active.user_id,
            business_id: active.business_id,
            role: active.role,
            reads_after: crate::http::read_after::of_request(state, &parts.headers),
        })
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentSession as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(session) => Ok(Some(session)),
            Err(SessionRejection::LoginRequired | SessionRejection::ChooseBusiness) => Ok(None),
            Err(SessionRejection::Error(e)) => Err(e),
        }
    }
}

/// The live session behind the request's cookie, with its token hash.
async fn found_session(parts: &Parts, state: &AppState) -> Result<(Vec<u8>, FoundSession), SessionRejection> {
    let jar = CookieJar::from_headers(&parts.headers);
    let token = read_cookie(state, &jar, CookieKind::Session).ok_or(SessionRejection::LoginRequired)?;
    sign_in::touch_session(state, &token)
        .await
        .map_err(|e| SessionRejection::Error(e.into()))?
        .ok_or(SessionRejection::LoginRequired)
}

/// Whoever is signed in, with or without a business to act for: the invitations page
/// and signing out take it, so someone still choosing can use them.
#[derive(Debug, Clone)]
pub struct SignedInUser {
    pub token_hash: Vec<u8>,
    pub user_id: Uuid,
    pub business_id: Option<Uuid>,
}

impl SignedInUser {
    pub fn signed_in(&self) -> sign_in::SignedIn<'_> {
        sign_in::SignedIn { token_hash: &self.token_hash, user_id: self.user_id, business_id: self.business_id }
    }

    pub fn invitee(&self) -> crate::app::invitations::Invitee<'_> {
        crate::app::invitations::Invitee { token_hash: &self.token_hash, user_id: self.user_id }
    }
}

impl FromRequestParts<AppState> for SignedInUser {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (token_hash, found) = found_session(parts, state).await?;
        let (user_id, business_id) = match found {
            FoundSession::Active(active) => (active.user_id, Some(active.business_id)),
            FoundSession::Choosing { user_id } => (user_id, None),
        };
        crate::http::access_log::identify(&parts.extensions, crate::audit::Actor::User(user_id), business_id);
        Ok(SignedInUser { token_hash, user_id, business_id })
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for SignedInUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match <SignedInUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(user)),
            Err(SessionRejection::LoginRequired | SessionRejection::ChooseBusiness) => Ok(None),
            Err(SessionRejection::Error(e)) => Err(e),
        }
    }
}
