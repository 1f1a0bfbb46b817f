//! Settings → Logo: upload, preview and removal of the logo printed on invoices.
//!
//! The upload is a plain multipart form (no JavaScript). Its route alone accepts a body
//! larger than the 64 KiB of other forms; the file is checked by [`crate::logo`]
//! before anything is stored, so a refused upload leaves the previous logo in place.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Query, State, multipart::MultipartRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use crate::{
    app::{Error, business},
    http::error::AppError,
    http::session::CurrentSession,
    i18n::Tr,
    logo::MAX_LOGO_BYTES,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/settings/logo",
            get(show).post(upload).layer(DefaultBodyLimit::max(MAX_LOGO_BYTES + MULTIPART_OVERHEAD)),
        )
        .route("/settings/logo/image", get(image))
        .route("/settings/logo/remove", post(remove))
}

/// Room for the multipart boundaries and part headers around the file.
const MULTIPART_OVERHEAD: usize = 16 * 1024;

#[derive(Template, WebTemplate)]
#[template(path = "settings_logo.html")]
pub struct LogoPage {
    pub t: Tr,
    pub has_logo: bool,
    pub error: Option<String>,
    pub saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    saved: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    Query(query): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let has_logo = business::has_logo(&state, &session.caller()).await?;
    Ok(LogoPage { t, has_logo, error: None, saved: query.saved.is_some() }.into_response())
}

async fn upload(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let refuse = |status: StatusCode, message: String, has_logo: bool| {
        Ok((status, LogoPage { t: t.clone(), has_logo, error: Some(message), saved: false }).into_response())
    };
    let has_logo = business::has_logo(&state, &session.caller()).await?;
    let Ok(mut multipart) = multipart else {
        return refuse(StatusCode::BAD_REQUEST, t.t("logo-choose-file"), has_logo);
    };
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("logo") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(e) => return refuse(e.status(), upload_error(&t, e.status()), has_logo),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return refuse(e.status(), upload_error(&t, e.status()), has_logo),
        }
    }
    let bytes = file.unwrap_or_default();
    match business::replace_logo(&state, &session.caller(), &bytes).await {
        Ok(()) => Ok(Redirect::to("/settings/logo?saved=1").into_response()),
        Err(Error::Invalid(errors)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, errors.read_in(&t).summary(), has_logo),
        Err(e) => Err(e.into()),
    }
}

fn upload_error(t: &Tr, status: StatusCode) -> String {
    if status == StatusCode::PAYLOAD_TOO_LARGE { t.t("logo-too-large") } else { t.t("logo-unreadable") }
}

async fn image(State(state): State<AppState>, session: CurrentSession) -> Result<Response, AppError> {
    let logo = business::logo_image(&state, &session.caller()).await?;
    let content_type = HeaderValue::from_str(&logo.content_type).map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(([(header::CONTENT_TYPE, content_type)], logo.image).into_response())
}

async fn remove(State(state): State<AppState>, session: CurrentSession) -> Result<Response, AppError> {
    business::remove_logo(&state, &session.caller()).await?;
    Ok(Redirect::to("/settings/logo").into_response())
}
