//! "Download all your data" (`/settings/export`, owners only): ask for an export, watch
//! its progress (the page refreshes itself while it builds; no script), and download
//! the finished ZIP, streamed chunk by chunk from the database. The download is an
//! access event (`access_log::SENSITIVE_ROUTES`). Also closing the account
//! (`/settings/close`, owners only; `gdpr::closure`).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    body::Body,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use uuid::Uuid;

use crate::{
    app::data_export::{self, ExportRow},
    audit::RequestMeta,
    http::error::AppError,
    http::session::CurrentSession,
    i18n::{Tr, key},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/export", get(show).post(start))
        .route("/settings/export/{id}/download", get(download))
        .route("/settings/close", get(close_form).post(close))
}

pub struct ExportLine {
    pub id: Uuid,
    pub created: String,
    pub expires: String,
    pub status: String,
    pub ready: bool,
    pub size: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_export.html")]
pub struct ExportPage {
    pub t: Tr,
    pub exports: Vec<ExportLine>,
    /// An export is still being built: the page refreshes itself.
    pub building: bool,
}

fn line(t: &Tr, e: &ExportRow) -> ExportLine {
    let status = match e.status.as_str() {
        "queued" => t.t(key("export-status-queued")),
        "building" => t.t1(key("export-status-building"), "percent", e.percent()),
        "ready" => t.t(key("export-status-ready")),
        _ => t.t(key("export-status-failed")),
    };
    let mib = e.size_bytes.unwrap_or(0) as f64 / 1_048_576.0;
    ExportLine {
        id: e.id,
        created: format!("{} {:02}:{:02}", e.created_at.date(), e.created_at.hour(), e.created_at.minute()),
        expires: e.expires_at.date().to_string(),
        status,
        ready: e.status == "ready",
        size: format!("{mib:.1} MiB"),
    }
}

async fn show(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    session.require_owner()?;
    let rows = data_export::list_exports(&state, &session.caller()).await?;
    let building = rows.iter().any(|r| r.status == "queued" || r.status == "building");
    let exports = rows.iter().map(|r| line(&t, r)).collect();
    Ok(ExportPage { t, exports, building }.into_response())
}

async fn start(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
) -> Result<Response, AppError> {
    session.require_owner()?;
    data_export::request_export(&state, &session.caller(), session.user_id, &meta).await?;
    Ok(Redirect::to("/settings/export").into_response())
}

async fn download(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    session.require_owner()?;
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let (ready, chunks) = data_export::ready_export(&state, &session.caller(), id).await?;
    let name = format!("fastfaktura-export-{}.zip", ready.created_at.date());
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CONTENT_LENGTH, ready.size_bytes.unwrap_or(0).to_string()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(chunks),
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_close.html")]
pub struct ClosePage {
    pub t: Tr,
    /// The business's country's retention in years, as configured.
    pub years: u32,
    pub error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CloseForm {
    confirm: String,
}

async fn close_form(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    session.require_owner()?;
    let years = crate::app::business::retention_years(&state, &session.caller()).await?;
    Ok(ClosePage { t, years, error: None }.into_response())
}

async fn close(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    form: Result<axum::Form<CloseForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    session.require_owner()?;
    let axum::Form(form) = form?;
    if form.confirm != "yes" {
        let years = crate::app::business::retention_years(&state, &session.caller()).await?;
        let error = Some(t.t("close-confirm-missing"));
        return Ok((axum::http::StatusCode::BAD_REQUEST, ClosePage { t, years, error }).into_response());
    }
    crate::app::business::close_account(&state, &session.caller(), session.user_id, &meta).await?;
    let jar = axum_extra::extract::cookie::CookieJar::new()
        .add(crate::http::session::removal_cookie(&state, crate::http::session::CookieKind::Session));
    Ok((jar, Redirect::to("/login")).into_response())
}
