//! Settings → E-invoicing: the business's Peppol participant id and its connection to
//! an access point provider, through which invoices go out over Peppol and received
//! ones come in.
//!
//! Write-only like the payment keys: the API key and webhook secret are sealed and only
//! their last four characters are shown again; the page gives the webhook address to
//! enter at the provider.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;

use crate::{
    app::fields::FieldErrors,
    app::{
        Error,
        peppol::{self, PeppolSettings, PeppolSettingsInput},
    },
    audit::RequestMeta,
    http::{error::AppError, session::CurrentSession},
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/e-invoicing", get(show).post(save))
        .route("/settings/e-invoicing/receive", axum::routing::post(receive))
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_peppol.html")]
pub struct PeppolSettingsPage {
    pub t: Tr,
    pub settings: PeppolSettings,
    pub is_owner: bool,
    pub saved: bool,
    /// The participant id just registered to receive.
    pub receiving: Option<String>,
    pub errors: FieldErrors,
    /// What was typed (never the secrets), to show again after an error.
    pub typed: PeppolSettingsInput,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    saved: Option<String>,
    receiving: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    Query(query): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let caller = session.caller();
    let settings = peppol::peppol_settings(&state, &caller).await?;
    let typed = PeppolSettingsInput {
        provider: settings.provider.clone(),
        legal_entity: settings.legal_entity.clone(),
        peppol_id: settings.typed_peppol_id.clone(),
        ..PeppolSettingsInput::default()
    };
    let page = PeppolSettingsPage {
        t,
        settings,
        is_owner: caller.is_owner(),
        saved: query.saved.is_some(),
        receiving: query.receiving,
        errors: FieldErrors::default(),
        typed,
    };
    Ok(page.into_response())
}

async fn save(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    meta: RequestMeta,
    form: Result<Form<PeppolSettingsInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    let caller = session.caller();
    match peppol::save_peppol_settings(&state, &caller, &t, &meta, &input).await {
        Ok(()) => Ok(Redirect::to("/settings/e-invoicing?saved=1").into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            let settings = peppol::peppol_settings(&state, &caller).await?;
            let typed = PeppolSettingsInput { api_key: String::new(), webhook_secret: String::new(), ..input };
            let is_owner = caller.is_owner();
            let page = PeppolSettingsPage { t, settings, is_owner, saved: false, receiving: None, errors, typed };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// "Receive e-invoices over Peppol": registers the business at its provider.
async fn receive(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    meta: RequestMeta,
) -> Result<Response, AppError> {
    let caller = session.caller();
    match peppol::register_to_receive(&state, &caller, &meta).await {
        Ok(participant) => Ok(Redirect::to(&format!("/settings/e-invoicing?receiving={participant}")).into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            let settings = peppol::peppol_settings(&state, &caller).await?;
            let typed = PeppolSettingsInput {
                provider: settings.provider.clone(),
                legal_entity: settings.legal_entity.clone(),
                peppol_id: settings.typed_peppol_id.clone(),
                ..PeppolSettingsInput::default()
            };
            let is_owner = caller.is_owner();
            let page = PeppolSettingsPage { t, settings, is_owner, saved: false, receiving: None, errors, typed };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
