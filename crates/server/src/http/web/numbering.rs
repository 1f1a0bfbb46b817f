//! Settings → Numbering: prefix, zero padding and yearly reset of each series.

use super::pages::{NumberingPage, SeriesRow};
use crate::{
    app::{
        Error,
        settings::{self, SeriesInput},
    },
    http::error::AppError,
    http::session::CurrentSession,
    i18n::{Tr, key},
    state::AppState,
};
use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use fastfaktura_domain::InvoiceKind;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/numbering", get(show).post(save))
}

async fn page(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    error: Option<String>,
) -> Result<NumberingPage, AppError> {
    let series = settings::numbering_series(state, &session.caller())
        .await?
        .into_iter()
        .map(|(s, next)| SeriesRow {
            label: match s.kind {
                InvoiceKind::CreditNote => key("series-credit-note"),
                InvoiceKind::Quote => key("series-quote"),
                InvoiceKind::Invoice => key("series-invoice"),
            },
            next,
            series: s,
        })
        .collect();
    Ok(NumberingPage { t, series, error })
}

async fn show(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    Ok(page(&state, &session, t, None).await?.into_response())
}

async fn save(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: crate::audit::RequestMeta,
    form: Result<Form<SeriesInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    match settings::save_numbering(&state, &session.caller(), &t, &meta, &input).await {
        Ok(()) => Ok(Redirect::to("/settings/numbering").into_response()),
        Err(Error::Invalid(errors)) => {
            let message = Some(errors.read_in(&t).summary());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&state, &session, t, message).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
