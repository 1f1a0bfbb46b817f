//! Settings → Webhooks (beside API tokens): the business's endpoints, a new one (its
//! signing secret shown once), one endpoint's settings and delivery log with
//! redelivery, rotating the secret, turning it off and on, deleting it. Thin over
//! `app::webhooks`; the form's checkboxes `event:<name>` become the events list.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    app::{
        Error,
        fields::FieldErrors,
        webhooks::{self, Endpoint, EndpointInput, LoggedDelivery},
    },
    audit::RequestMeta,
    http::{IdPath, error::AppError, session::CurrentSession},
    i18n::{Tr, key},
    state::AppState,
    webhooks::EventType,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/webhooks", get(list).post(create))
        .route("/settings/webhooks/{id}", get(detail).post(update))
        .route("/settings/webhooks/{id}/rotate", post(rotate))
        .route("/settings/webhooks/{id}/delete", post(delete))
        .route("/settings/webhooks/{id}/deliveries/{delivery_id}/redeliver", post(redeliver))
}

/// An event as a checkbox: its wire name, its label in the reader's language, ticked.
pub struct EventChoice {
    pub name: &'static str,
    pub label: String,
    pub checked: bool,
}

fn event_label(t: &Tr, name: &str) -> String {
    let Some(event) = EventType::parse(name) else { return name.to_owned() };
    t.t(match event {
        EventType::InvoiceIssued => key("webhook-event-invoice-issued"),
        EventType::InvoiceSent => key("webhook-event-invoice-sent"),
        EventType::InvoiceDeliveryFailed => key("webhook-event-invoice-delivery-failed"),
        EventType::InvoiceViewed => key("webhook-event-invoice-viewed"),
        EventType::InvoicePaid => key("webhook-event-invoice-paid"),
        EventType::InvoicePartiallyPaid => key("webhook-event-invoice-partially-paid"),
        EventType::InvoiceCredited => key("webhook-event-invoice-credited"),
        EventType::InvoiceOverdue => key("webhook-event-invoice-overdue"),
        EventType::QuoteAccepted => key("webhook-event-quote-accepted"),
        EventType::QuoteDeclined => key("webhook-event-quote-declined"),
        EventType::BillReceived => key("webhook-event-bill-received"),
        EventType::BankPaymentUnmatched => key("webhook-event-bank-payment-unmatched"),
    })
}

fn choices(t: &Tr, ticked: &[String]) -> Vec<EventChoice> {
    EventType::ALL
        .iter()
        .map(|e| EventChoice {
            name: e.as_str(),
            label: event_label(t, e.as_str()),
            checked: ticked.iter().any(|n| n == e.as_str()),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_webhooks.html")]
pub struct WebhooksPage {
    pub t: Tr,
    pub endpoints: Vec<Endpoint>,
    /// A secret just made (a new endpoint or a rotation): shown this once, with its URL.
    pub new_secret: Option<(String, String)>,
    pub errors: FieldErrors,
    pub input: EndpointInput,
    pub events: Vec<EventChoice>,
    pub read_only: bool,
}

impl WebhooksPage {
    fn labels(&self, endpoint: &Endpoint) -> String {
        endpoint.events.iter().map(|e| event_label(&self.t, e)).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_webhook.html")]
pub struct WebhookPage {
    pub t: Tr,
    pub endpoint: Endpoint,
    pub deliveries: Vec<LoggedDelivery>,
    pub new_secret: Option<String>,
    pub errors: FieldErrors,
    pub input: EndpointInput,
    pub events: Vec<EventChoice>,
    pub read_only: bool,
}

impl WebhookPage {
    fn label(&self, event: &str) -> String {
        event_label(&self.t, event)
    }

    fn when(&self, at: &OffsetDateTime) -> String {
        self.t.moment(*at)
    }
}

/// The form as the operation's input: `event:<name>` checkboxes, `enabled` ticked.
fn input_of(form: &HashMap<String, String>, with_enabled: bool) -> EndpointInput {
    EndpointInput {
        url: form.get("url").cloned().unwrap_or_default(),
        description: form.get("description").cloned().unwrap_or_default(),
        events: EventType::ALL
            .iter()
            .filter(|e| form.contains_key(&format!("event:{}", e.as_str())))
            .map(|e| e.as_str().to_owned())
            .collect(),
        enabled: with_enabled.then(|| form.contains_key("enabled")),
    }
}

async fn list_page(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    new_secret: Option<(String, String)>,
    errors: FieldErrors,
    input: EndpointInput,
) -> Result<WebhooksPage, AppError> {
    let caller = session.caller();
    let endpoints = webhooks::list_endpoints(state, &caller).await?;
    let ticked = if errors.is_empty() && input.events.is_empty() {
        // A new endpoint starts with what most integrators want: money and documents.
        [EventType::InvoiceIssued, EventType::InvoicePaid, EventType::InvoicePartiallyPaid]
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect()
    } else {
        input.events.clone()
    };
    let events = choices(&t, &ticked);
    Ok(WebhooksPage { events, t, endpoints, new_secret, errors, input, read_only: caller.is_read_only() })
}

async fn list(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    let page = list_page(&state, &session, t, None, FieldErrors::default(), EndpointInput::default()).await?;
    Ok(page.into_response())
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let input = input_of(&form, false);
    match webhooks::create_endpoint(&state, &session.caller(), &meta, &input).await {
        // Shown once, in this response only; it is sealed at rest and never logged.
        Ok(created) => {
            let shown = Some((created.endpoint.url, created.secret));
            let page = list_page(&state, &session, t, shown, FieldErrors::default(), EndpointInput::default()).await?;
            Ok(page.into_response())
        }
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            let page = list_page(&state, &session, t, None, errors, input).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn detail_page(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    id: Uuid,
    new_secret: Option<String>,
    errors: FieldErrors,
    input: Option<EndpointInput>,
) -> Result<WebhookPage, AppError> {
    let caller = session.caller();
    let (endpoint, deliveries) = webhooks::delivery_log(state, &caller, id).await?;
    let input = input.unwrap_or_else(|| EndpointInput {
        url: endpoint.url.clone(),
        description: endpoint.description.clone(),
        events: endpoint.events.clone(),
        enabled: Some(endpoint.enabled),
    });
    let events = choices(&t, &input.events);
    Ok(WebhookPage { events, t, endpoint, deliveries, new_secret, errors, input, read_only: caller.is_read_only() })
}

async fn detail(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    Ok(detail_page(&state, &session, t, id, None, FieldErrors::default(), None).await?.into_response())
}

async fn update(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    IdPath(id): IdPath,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let input = input_of(&form, true);
    match webhooks::update_endpoint(&state, &session.caller(), &meta, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/settings/webhooks/{id}")).into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            let page = detail_page(&state, &session, t, id, None, errors, Some(input)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn rotate(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let secret = webhooks::rotate_secret(&state, &session.caller(), &meta, id).await?;
    Ok(detail_page(&state, &session, t, id, Some(secret), FieldErrors::default(), None).await?.into_response())
}

async fn delete(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    webhooks::delete_endpoint(&state, &session.caller(), &meta, id).await?;
    Ok(Redirect::to("/settings/webhooks").into_response())
}

async fn redeliver(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (Ok(id), Ok(delivery_id)) = (id.parse::<Uuid>(), delivery_id.parse::<Uuid>()) else {
        return Err(AppError::NotFound);
    };
    webhooks::redeliver(&state, &session.caller(), &meta, id, delivery_id).await?;
    Ok(Redirect::to(&format!("/settings/webhooks/{id}")).into_response())
}
