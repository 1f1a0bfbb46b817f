//! Managing outbound webhooks (issue 23): a business's endpoints (URL, events, on or
//! off), the signing secret (made here, shown once, sealed at rest, rotated with a
//! day's overlap), each endpoint's delivery log, and redelivery on request. Web and
//! API call these same operations with the same [`EndpointInput`]. Changes are
//! `security` audit events naming the endpoint by id; a secret never appears in one.
//! Recording and delivering events is `crate::webhooks`.

use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Caller, Error, error::Result, fields::FieldErrors};
pub use crate::db::webhooks::{Endpoint, LoggedDelivery};
use crate::{
    audit::{self, AuditEvent, Category, RequestMeta},
    db::{self, webhooks::EndpointFields},
    i18n::Text,
    secrets,
    state::AppState,
    webhooks::{EventType, deliverer::secret_slot, signing, target},
};

/// How long a rotated-out secret still signs deliveries beside the new one.
pub const ROTATION_OVERLAP: time::Duration = time::Duration::hours(24);
/// Endpoints per business.
pub const MAX_ENDPOINTS: usize = 20;
/// Deliveries a log shows.
pub const LOG_LENGTH: i64 = 100;

/// An endpoint as typed: its URL, a note for people, the event names it hears, and
/// (when changing it) whether it is on. The API body and the web form both become this.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct EndpointInput {
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    /// On or off; left out, an existing endpoint keeps its state (a new one is on).
    pub enabled: Option<bool>,
}

/// A new endpoint and its secret, shown this once.
#[derive(Debug)]
pub struct CreatedEndpoint {
    pub endpoint: Endpoint,
    pub secret: String,
}

struct Judged {
    url: String,
    description: String,
    events: Vec<String>,
}

async fn judge(state: &AppState, input: &EndpointInput) -> Result<Judged> {
    let mut errors = FieldErrors::default();
    let policy = target::TargetPolicy::of(&state.settings);
    // The stored column holds 2,000 characters; longer is refused before any lookup.
    let judged = if input.url.trim().len() > 2000 {
        Err(None)
    } else {
        let resolved = target::resolve_checked(&input.url, policy).await.map_err(Some);
        // Normalising can lengthen it (percent-encoding).
        resolved.and_then(|url| if url.as_str().len() > 2000 { Err(None) } else { Ok(url) })
    };
    let url = match judged {
        Ok(url) => url.to_string(),
        Err(None) => {
            errors.add("url", Text::key("webhook-error-url-long"));
            String::new()
        }
        Err(Some(e)) => {
            let mut text = Text::key(e.message_key());
            if let target::TargetError::Unresolvable(host) = &e {
                text = text.with("host", host.clone());
            }
            errors.add("url", text);
            String::new()
        }
    };
    let description = input.description.trim().to_owned();
    if description.chars().count() > 200 {
        errors.add("description", Text::key("webhook-error-description"));
    }
    let mut events = Vec::new();
    for name in &input.events {
        match EventType::parse(name.trim()) {
            Some(event) if !events.contains(&event) => events.push(event),
            Some(_) => {}
            None => errors.add("events", Text::key("webhook-error-unknown-event").with("event", name.clone())),
        }
    }
    if input.events.is_empty() {
        errors.add("events", Text::key("webhook-error-no-events"));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    events.sort();
    Ok(Judged { url, description, events: events.iter().map(|e| e.as_str().to_owned()).collect() })
}

fn require_writer(caller: &Caller) -> Result<()> {
    if caller.is_read_only() { Err(Error::Forbidden(Text::key("error-read-only"))) } else { Ok(()) }
}

fn event(state: &AppState, caller: &Caller, meta: &RequestMeta, action: &str, id: Uuid) -> AuditEvent {
    AuditEvent::new(state.clock.now(), Category::Security, action)
        .actor(caller.actor.clone())
        .business(caller.business_id)
        .target(id.to_string())
        .request(meta)
}

pub async fn list_endpoints(state: &AppState, caller: &Caller) -> Result<Vec<Endpoint>> {
    Ok(db::webhooks::list(&state.db, caller.business_id).await?)
}

pub async fn endpoint(state: &AppState, caller: &Caller, id: Uuid) -> Result<Endpoint> {
    db::webhooks::find(&state.db, caller.business_id, id).await?.ok_or(Error::NotFound)
}

async fn seal(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    business_id: Uuid,
    id: Uuid,
    column: &str,
    secret: &str,
    now: OffsetDateTime,
) -> Result<String> {
    let row = id.to_string();
    secrets::seal(conn, &state.keys.kek, secret_slot(business_id, &row, column), secret, now)
        .await
        .map_err(|e| Error::Unexpected(e.into()))
}

/// Registers an endpoint; its signing secret is returned this once.
pub async fn create_endpoint(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    input: &EndpointInput,
) -> Result<CreatedEndpoint> {
    require_writer(caller)?;
    let judged = judge(state, input).await?;
    let business_id = caller.business_id;
    let now = state.clock.now();
    let id = Uuid::new_v4();
    let secret = signing::new_secret();
    let mut tx = state.db.begin().await?;
    if db::webhooks::list(&mut *tx, business_id).await?.len() >= MAX_ENDPOINTS {
        return Err(Error::Conflict(Text::key("webhook-error-too-many").with("max", MAX_ENDPOINTS as i64)));
    }
    let envelope = seal(state, &mut tx, business_id, id, "secret", &secret, now).await?;
    let fields = EndpointFields { url: &judged.url, description: &judged.description, events: &judged.events };
    db::webhooks::insert(&mut tx, business_id, id, &fields, &envelope, now).await?;
    let audited = event(state, caller, meta, "webhook.endpoint.created", id)
        .details(serde_json::json!({ "events": judged.events }));
    audit::record(&mut *tx, &audited).await?;
    tx.commit().await?;
    tracing::info!(%business_id, endpoint_id = %id, "webhook endpoint created");
    let endpoint = db::webhooks::find(&state.db, business_id, id).await?.ok_or(Error::NotFound)?;
    Ok(CreatedEndpoint { endpoint, secret })
}

/// Changes an endpoint's URL, note, events and (when given) whether it is on.
pub async fn update_endpoint(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    id: Uuid,
    input: &EndpointInput,
) -> Result<Endpoint> {
    require_writer(caller)?;
    let business_id = caller.business_id;
    let before = db::webhooks::find(&state.db, business_id, id).await?.ok_or(Error::NotFound)?;
    let judged = judge(state, input).await?;
    let enabled = input.enabled.unwrap_or(before.enabled);
    let mut tx = state.db.begin().await?;
    let fields = EndpointFields { url: &judged.url, description: &judged.description, events: &judged.events };
    if !db::webhooks::update(&mut tx, business_id, id, &fields, enabled, state.clock.now()).await? {
        return Err(Error::NotFound);
    }
    let audited = event(state, caller, meta, "webhook.endpoint.changed", id).details(serde_json::json!({
        "events": judged.events, "enabled": enabled, "url_changed": before.url != judged.url,
    }));
    audit::record(&mut *tx, &audited).await?;
    tx.commit().await?;
    db::webhooks::find(&state.db, business_id, id).await?.ok_or(Error::NotFound)
}

/// A new signing secret, returned this once; the old one keeps signing beside it for
/// [`ROTATION_OVERLAP`], so the receiver can be switched without losing a message.
pub async fn rotate_secret(state: &AppState, caller: &Caller, meta: &RequestMeta, id: Uuid) -> Result<String> {
    require_writer(caller)?;
    let business_id = caller.business_id;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (current, _, _) = db::webhooks::secrets_for_update(&mut tx, business_id, id).await?.ok_or(Error::NotFound)?;
    let row = id.to_string();
    let old = secrets::open(&mut tx, &state.keys.kek, secret_slot(business_id, &row, "secret"), &current)
        .await
        .map_err(|e| Error::Unexpected(e.into()))?;
    let secret = signing::new_secret();
    let sealed = seal(state, &mut tx, business_id, id, "secret", &secret, now).await?;
    let previous = seal(state, &mut tx, business_id, id, "previous_secret", &old, now).await?;
    let until = now + ROTATION_OVERLAP;
    db::webhooks::set_secrets(&mut tx, business_id, id, &sealed, Some((&previous, until)), now).await?;
    let audited = event(state, caller, meta, "webhook.secret.rotated", id)
        .details(serde_json::json!({ "previous_valid_until": until }));
    audit::record(&mut *tx, &audited).await?;
    tx.commit().await?;
    tracing::info!(%business_id, endpoint_id = %id, "webhook signing secret rotated");
    Ok(secret)
}

pub async fn delete_endpoint(state: &AppState, caller: &Caller, meta: &RequestMeta, id: Uuid) -> Result<()> {
    require_writer(caller)?;
    let mut tx = state.db.begin().await?;
    if !db::webhooks::delete(&mut tx, caller.business_id, id).await? {
        return Err(Error::NotFound);
    }
    audit::record(&mut *tx, &event(state, caller, meta, "webhook.endpoint.deleted", id)).await?;
    tx.commit().await?;
    Ok(())
}

/// The endpoint and its newest deliveries.
pub async fn delivery_log(state: &AppState, caller: &Caller, id: Uuid) -> Result<(Endpoint, Vec<LoggedDelivery>)> {
    let endpoint = endpoint(state, caller, id).await?;
    let log = db::webhooks::log(&state.db, caller.business_id, id, LOG_LENGTH).await?;
    Ok((endpoint, log))
}

/// Sends a delivery again now, with a fresh schedule and the same message id.
pub async fn redeliver(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    endpoint_id: Uuid,
    delivery_id: Uuid,
) -> Result<()> {
    require_writer(caller)?;
    let business_id = caller.business_id;
    let mut tx = state.db.begin().await?;
    if !db::webhooks::redeliver(&mut tx, business_id, endpoint_id, delivery_id, state.clock.now()).await? {
        return match db::webhooks::endpoint_of(&mut tx, business_id, delivery_id).await? {
            Some(of) if of == endpoint_id => Err(Error::Conflict(Text::key("webhook-error-sending-now"))),
            _ => Err(Error::NotFound),
        };
    }
    crate::webhooks::wake_deliverers(&mut tx).await?;
    let audited = event(state, caller, meta, "webhook.delivery.redelivered", endpoint_id)
        .details(serde_json::json!({ "delivery": delivery_id }));
    audit::record(&mut *tx, &audited).await?;
    tx.commit().await?;
    Ok(())
}
