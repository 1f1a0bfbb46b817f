//! `POST /language`: the language switch in every page's header. It remembers the
//! choice in the `ff_lang` cookie for a year and sends the browser back to the page
//! it came from (a local path only, never another site).

use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use crate::{
    http::error::AppError,
    i18n::{self, Lang, Text},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/language", post(choose))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LanguageForm {
    lang: String,
    back: String,
}

async fn choose(
    State(state): State<AppState>,
    jar: CookieJar,
    form: Result<Form<LanguageForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    // Only the exact codes the switch sends; anything else is a clear 400.
    let lang = match form.lang.as_str() {
        "en" => Lang::En,
        "is" => Lang::Is,
        _ => return Err(AppError::BadRequest(Text::key("language-unknown"))),
    };
    // Not secret (HttpOnly all the same: no script needs it); Secure like the session cookie.
    let cookie = Cookie::build((i18n::COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .secure(state.settings.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    Ok((jar.add(cookie), Redirect::to(i18n::local_path(&form.back))).into_response())
}
