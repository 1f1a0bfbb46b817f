//! Business settings: the profile printed on every invoice and its defaults.

use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;

use super::pages::SettingsPage;
use crate::{
    app::{
        Error,
        fields::FieldErrors,
        settings::{self, ProfileInput},
    },
    audit::RequestMeta,
    http::error::AppError,
    http::session::CurrentSession,
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/business", get(show).post(save))
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
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Result<Response, AppError> {
    let profile = settings::business_profile(&state, &session.caller()).await?;
    Ok(SettingsPage::new(t, profile, FieldErrors::default(), query.saved.is_some()).into_response())
}

async fn save(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    form: Result<Form<ProfileInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    match settings::update_profile(&state, &session.caller(), &t, &meta, &input).await {
        Ok(()) => Ok(Redirect::to("/settings/business?saved=1").into_response()),
        Err(Error::Invalid(errors)) => {
            let (profile, _) = settings::judge_profile(&t, &input);
            let errors = errors.read_in(&t);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, SettingsPage::new(t, profile, errors, false)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
