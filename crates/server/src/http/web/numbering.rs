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
use crate::{auth::session::CurrentSession, db, http::error::AppError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/numbering", get(show).post(save))
}

async fn page(state: &AppState, session: &CurrentSession, error: Option<String>) -> Result<NumberingPage, AppError> {
    let year = state.clock.now().year();
    let series = db::numbering::list(&state.db, session.business_id)
        .await?
        .into_iter()
        .map(|s| SeriesRow {
            label: match s.kind.as_str() {
                "credit_note" => "Credit notes",
                "quote" => "Quotes",
                _ => "Invoices",
            },
            next: db::numbering::preview(&s, year),
            series: s,
        })
        .collect();
    Ok(NumberingPage { series, error })
}

async fn show(State(state): State<AppState>, session: CurrentSession) -> Result<Response, AppError> {
    Ok(page(&state, &session, None).await?.into_response())
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
    form: Result<Form<SeriesForm>, FormRejection>,
) -> Result<Response, AppError> {
    session.require_owner()?;
    let Form(form) = form?;
    let prefix = form.prefix.trim();
    let problem = if !matches!(form.kind.as_str(), "invoice" | "credit_note" | "quote") {
        Some("Series: choose invoices, credit notes or quotes.".to_owned())
    } else if prefix.chars().count() > 20
        || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '.'))
    {
        Some("Prefix: at most 20 letters, digits, and - / _ . characters.".to_owned())
    } else {
        None
    };
    let padding = form.padding.trim().parse::<i32>().ok().filter(|p| (1..=10).contains(p));
    let problem = problem.or_else(|| padding.is_none().then(|| "Digits: a number from 1 to 10.".to_owned()));
    if let Some(message) = problem {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&state, &session, Some(message)).await?).into_response());
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
