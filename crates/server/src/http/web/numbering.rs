//! Settings → Numbering: prefix, zero padding and yearly reset of each series.

use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;

use super::pages::{NumberingPage, SeriesRow};
use crate::{
    auth::session::CurrentSession,
    db,
    http::error::AppError,
    i18n::{Tr, key},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/numbering", get(show).post(save))
}

async fn page(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    error: Option<String>,
) -> Result<NumberingPage, AppError> {
    let year = state.clock.now().year();
    let series = db::numbering::list(&state.db, session.business_id)
        .await?
        .into_iter()
        .map(|s| SeriesRow {
            label: match s.kind.as_str() {
                "credit_note" => key("series-credit-note"),
                "quote" => key("series-quote"),
                _ => key("series-invoice"),
            },
            next: db::numbering::preview(&s, year),
            series: s,
        })
        .collect();
    Ok(NumberingPage { t, series, error })
}

async fn show(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    Ok(page(&state, &session, t, None).await?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SeriesForm {
    kind: String,
    prefix: String,
    padding: String,
    yearly_reset: Option<String>,
}

async fn save(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    form: Result<Form<SeriesForm>, FormRejection>,
) -> Result<Response, AppError> {
    session.require_owner()?;
    let Form(form) = form?;
    let prefix = form.prefix.trim();
    let problem = if !matches!(form.kind.as_str(), "invoice" | "credit_note" | "quote") {
        Some(t.t("numbering-error-series"))
    } else if prefix.chars().count() > 20
        || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '.'))
    {
        Some(t.t("numbering-error-prefix"))
    } else {
        None
    };
    let padding = form.padding.trim().parse::<i32>().ok().filter(|p| (1..=10).contains(p));
    let problem = problem.or_else(|| padding.is_none().then(|| t.t("numbering-error-digits")));
    if let Some(message) = problem {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&state, &session, t, Some(message)).await?).into_response());
    }
    let year = state.clock.now().year();
    db::numbering::save(
        &state.db,
        session.business_id,
        &form.kind,
        prefix,
        padding.unwrap_or(4),
        form.yearly_reset.is_some(),
        year,
    )
    .await?;
    Ok(Redirect::to("/settings/numbering").into_response())
}
