//! Peppol as operations: the business's connection to its access point provider
//! (Settings → E-invoicing: the provider, the business's legal entity there, the API
//! key and the webhook secret, both write-only and sealed), the business's own
//! participant id, and what the Peppol network says about a customer (whether and which
//! documents it receives), kept in `peppol_participants` and asked again on demand.
//!
//! Sending over Peppol is a delivery channel (`invoicing::delivery_peppol`); the
//! provider is told by the worker, never inside a user's request.

use fastfaktura_domain::ParticipantId;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    Caller, Error,
    customers::participant_error,
    error::Result,
    money_routing::{MoneyChange, NONE, mask, record_money_change},
};
use crate::{
    audit::RequestMeta,
    db::{self, customers::Customer, peppol::AccessPointRow},
    i18n::{Text, Tr},
    secrets,
    state::AppState,
};

pub use crate::peppol::{API_KEY, WEBHOOK_SECRET};

/// The providers FastFaktura speaks to (`integrations::access_point`).
pub const PROVIDERS: [&str; 1] = ["storecove"];

/// What Settings → E-invoicing shows.
pub struct PeppolSettings {
    /// `storecove`, or empty.
    pub provider: String,
    pub legal_entity: String,
    /// As typed; empty when derived.
    pub typed_peppol_id: String,
    /// The id the business is known by on the network (typed, else derived).
    pub participant: Option<ParticipantId>,
    pub api_key_last4: Option<String>,
    pub webhook_secret_last4: Option<String>,
    /// Where the provider posts its events for this business.
    pub webhook_url: String,
}

impl PeppolSettings {
    /// Whether invoices can go out over Peppol: a provider, its key and the legal entity.
    pub fn connected(&self) -> bool {
        !self.provider.is_empty() && !self.legal_entity.is_empty() && self.api_key_last4.is_some()
    }
}

/// The URL the access point provider posts this business's events to.
pub fn webhook_endpoint(public_origin: &str, business_id: Uuid) -> String {
    format!("{public_origin}/webhooks/access-point/{business_id}")
}

/// The business's own participant id: typed, else derived from its registration or
/// VAT number by its country's scheme.
pub(crate) fn own_participant(profile: &db::businesses::BusinessProfile) -> Option<ParticipantId> {
    ParticipantId::parse(&profile.peppol_id)
        .ok()
        .or_else(|| ParticipantId::for_party(&profile.country, &profile.registration_id, &profile.vat_number))
}

pub async fn peppol_settings(state: &AppState, caller: &Caller) -> Result<PeppolSettings> {
    let row = db::peppol::access_point(&state.db, caller.business_id).await?;
    let profile = db::businesses::profile(&state.db, caller.business_id).await?;
    let api_key = db::business_secrets::find(&state.db, caller.business_id, API_KEY).await?;
    let webhook_secret = db::business_secrets::find(&state.db, caller.business_id, WEBHOOK_SECRET).await?;
    Ok(PeppolSettings {
        participant: own_participant(&profile),
        provider: row.provider,
        legal_entity: row.legal_entity,
        typed_peppol_id: row.peppol_id,
        api_key_last4: api_key.map(|s| s.last4),
        webhook_secret_last4: webhook_secret.map(|s| s.last4),
        webhook_url: webhook_endpoint(&state.settings.public_origin(), caller.business_id),
    })
}

/// The connection as typed; an empty key or secret keeps the saved one.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PeppolSettingsInput {
    pub provider: String,
    pub legal_entity: String,
    pub peppol_id: String,
    pub api_key: String,
    pub webhook_secret: String,
}

/// Saves the connection (owner only: it decides how invoices leave the business and
/// where received ones come from; audited like a money change and told to every owner).
pub async fn save_peppol_settings(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    meta: &RequestMeta,
    input: &PeppolSettingsInput,
) -> Result<()> {
    caller.require_owner()?;
    let business_id = caller.business_id;
    let provider = input.provider.trim();
    let legal_entity = input.legal_entity.trim();
    let (api_key, webhook_secret) = (input.api_key.trim(), input.webhook_secret.trim());
    if !provider.is_empty() && !PROVIDERS.contains(&provider) {
        return Err(Error::field("provider", Text::key("peppol-provider-unknown")));
    }
    if legal_entity.len() > 20 || !legal_entity.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::field("legal_entity", Text::key("peppol-legal-entity-shape")));
    }
    for (field, secret) in [("api_key", api_key), ("webhook_secret", webhook_secret)] {
        if secret.len() > 200 || !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::field(field, Text::key("peppol-secret-shape")));
        }
    }
    let typed_id = match input.peppol_id.trim() {
        "" => String::new(),
        typed => {
            ParticipantId::parse(typed).map_err(|e| Error::field("peppol_id", participant_error(t, e)))?.to_string()
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let old = db::peppol::access_point(&mut *tx, business_id).await?;
    let new =
        AccessPointRow { provider: provider.to_owned(), legal_entity: legal_entity.to_owned(), peppol_id: typed_id };
    db::peppol::save_access_point(&mut *tx, business_id, &new).await?;
    let mut changes = Vec::new();
    for (what, before, after) in [
        ("Access point provider", &old.provider, &new.provider),
        ("Legal entity at the access point", &old.legal_entity, &new.legal_entity),
        ("Peppol participant id", &old.peppol_id, &new.peppol_id),
    ] {
        if before != after {
            changes.push(MoneyChange { what, old: or_none(before), new: or_none(after) });
        }
    }
    for (name, what, secret) in
        [(API_KEY, "Access point API key", api_key), (WEBHOOK_SECRET, "Access point webhook secret", webhook_secret)]
    {
        if secret.is_empty() {
            continue;
        }
        let previous = db::business_secrets::find(&mut *tx, business_id, name).await?;
        let envelope = secrets::seal(&mut tx, &state.keys.kek, crate::payments::slot(business_id, name), secret, now)
            .await
            .map_err(|e| Error::Unexpected(e.into()))?;
        db::business_secrets::put(&mut *tx, business_id, name, &envelope, &secrets::last4(secret), now, None).await?;
        let old = previous.map_or(NONE.to_owned(), |s| format!("…{}", s.last4));
        changes.push(MoneyChange { what, old, new: mask(secret, true) });
    }
    record_money_change(&mut tx, state, caller, meta, "config.access_point.changed", &changes).await?;
    tx.commit().await?;
    Ok(())
}

fn or_none(value: &str) -> String {
    if value.is_empty() { NONE.to_owned() } else { value.to_owned() }
}

/// What the network said about a customer's participant id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reachability {
    /// The customer has no participant id (typed or derivable).
    NoParticipant,
    /// Not asked yet.
    NotChecked {
        participant: ParticipantId,
    },
    Checked {
        participant: ParticipantId,
        answer: db::peppol::ParticipantRow,
    },
}

impl Reachability {
    /// Whether the customer receives this kind of document over Peppol, as last checked.
    pub fn receives(&self, credit_note: bool) -> bool {
        match self {
            Reachability::Checked { answer, .. } => {
                answer.state == "registered"
                    && answer.document_types.iter().any(|d| d == if credit_note { "credit_note" } else { "invoice" })
            }
            _ => false,
        }
    }
}

/// The last answer about a customer (no network call).
pub async fn customer_reachability(state: &AppState, customer: &Customer) -> Result<Reachability> {
    let Some(participant) = customer.participant() else { return Ok(Reachability::NoParticipant) };
    let key = participant.to_string().to_ascii_lowercase();
    Ok(match db::peppol::participant(&state.db, &key).await? {
        Some(answer) => Reachability::Checked { participant, answer },
        None => Reachability::NotChecked { participant },
    })
}

/// Asks the Peppol network now about a customer's participant id (the SML's DNS, then
/// the participant's SMP, its answers' signatures checked) and keeps the answer. An
/// answer younger than a minute is used again rather than asking the network twice.
pub async fn check_customer(state: &AppState, caller: &Caller, customer_id: Uuid) -> Result<Reachability> {
    let customer = db::customers::find(&state.db, caller.business_id, customer_id).await?.ok_or(Error::NotFound)?;
    let Some(participant) = customer.participant() else { return Ok(Reachability::NoParticipant) };
    let now = state.clock.now();
    let key = participant.to_string().to_ascii_lowercase();
    if let Some(answer) = db::peppol::participant(&state.db, &key).await?
        && now - answer.checked_at < time::Duration::minutes(1)
    {
        return Ok(Reachability::Checked { participant, answer });
    }
    let answer = crate::peppol::directory::look_up(&state.peppol_lookup, &participant, now).await;
    db::peppol::save_participant(&state.db, &answer).await?;
    Ok(Reachability::Checked { participant, answer })
}

/// Whether an issued document can go out over Peppol now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeppolRoute {
    /// The business has no access point connection.
    NotConnected,
    /// The document names no electronic address for its buyer (or it is a quote).
    NoParticipant,
    /// The network has not been asked about the buyer, or said it does not receive
    /// this kind of document (the last answer, if any).
    NotReceiving { participant: ParticipantId, answer: Option<db::peppol::ParticipantRow> },
    /// Ready: this participant receives it.
    Ready { participant: ParticipantId },
}

/// The buyer's participant id as the issued document names it (`cbc:EndpointID`):
/// what the access point routes on, whatever the customer record says today.
pub(crate) fn document_receiver(buyer: &fastfaktura_documents::Party) -> Option<ParticipantId> {
    let endpoint = buyer.endpoint.as_ref()?;
    ParticipantId::parse(&format!("{}:{}", endpoint.scheme, endpoint.id)).ok()
}

/// Where an issued invoice (or credit note) of this business to `buyer` can go over Peppol.
pub(crate) async fn route_for(
    db: &sqlx::PgPool,
    business_id: Uuid,
    buyer: &fastfaktura_documents::Party,
    kind: fastfaktura_domain::InvoiceKind,
) -> Result<PeppolRoute> {
    let access_point = db::peppol::access_point(db, business_id).await?;
    let key = db::business_secrets::find(db, business_id, API_KEY).await?;
    if access_point.provider.is_empty() || access_point.legal_entity.is_empty() || key.is_none() {
        return Ok(PeppolRoute::NotConnected);
    }
    let wanted = match kind {
        fastfaktura_domain::InvoiceKind::Invoice => "invoice",
        fastfaktura_domain::InvoiceKind::CreditNote => "credit_note",
        _ => return Ok(PeppolRoute::NoParticipant),
    };
    let Some(participant) = document_receiver(buyer) else { return Ok(PeppolRoute::NoParticipant) };
    let answer = db::peppol::participant(db, &participant.to_string().to_ascii_lowercase()).await?;
    match answer {
        Some(a) if a.state == "registered" && a.document_types.iter().any(|d| d == wanted) => {
            Ok(PeppolRoute::Ready { participant })
        }
        answer => Ok(PeppolRoute::NotReceiving { participant, answer }),
    }
}

/// Registers the business to receive e-invoices over Peppol at its provider: its legal
/// entity there (created from the business profile when none is saved yet, and kept),
/// then its own participant id on it, so that documents sent to that id arrive in Bills.
/// Owner only; repeating it is harmless (the provider keeps one registration).
pub async fn register_to_receive(state: &AppState, caller: &Caller, meta: &RequestMeta) -> Result<ParticipantId> {
    use crate::integrations::access_point::{LegalEntityDetails, LegalEntityId};
    caller.require_owner()?;
    let business_id = caller.business_id;
    let profile = db::businesses::profile(&state.db, business_id).await?;
    let participant =
        own_participant(&profile).ok_or_else(|| Error::field("receive", Text::key("peppol-receive-no-id")))?;
    let (db, kek, settings) = (&state.db, &state.keys.kek, &state.settings.access_point);
    let connection = crate::peppol::connection::open_account(db, kek, settings, business_id)
        .await
        .map_err(|e| Error::Unexpected(anyhow::anyhow!(e)))?
        .ok_or_else(|| Error::field("receive", Text::key("send-peppol-not-connected")))?;
    let refused = |e: crate::integrations::access_point::AccessPointError| {
        Error::field("receive", Text::key("peppol-receive-refused").with("reason", e.to_string()))
    };
    let mut legal_entity = connection.legal_entity.clone();
    if legal_entity.is_empty() {
        let details = LegalEntityDetails {
            name: profile.name.clone(),
            line1: profile.address_line.clone(),
            line2: None,
            city: profile.city.clone(),
            zip: profile.postal_code.clone(),
            county: None,
            country: profile.country.clone(),
            tenant_id: business_id.to_string(),
            public: true,
            acts_as_sender: true,
            acts_as_receiver: true,
            tax_registered: !profile.vat_number.trim().is_empty(),
        };
        legal_entity = connection.access_point.register_legal_entity(&details).await.map_err(refused)?.0;
        let mut row = db::peppol::access_point(&state.db, business_id).await?;
        row.legal_entity = legal_entity.clone();
        db::peppol::save_access_point(&state.db, business_id, &row).await?;
    }
    connection
        .access_point
        .register_receiver(&LegalEntityId(legal_entity.clone()), &participant)
        .await
        .map_err(refused)?;
    let event = crate::audit::AuditEvent::new(
        state.clock.now(),
        crate::audit::Category::Security,
        "config.access_point.receiving",
    )
    .actor(caller.actor.clone())
    .business(business_id)
    .request(meta)
    .details(serde_json::json!({ "participant": participant.to_string(), "legal_entity": legal_entity }));
    crate::audit::record(&state.db, &event).await?;
    Ok(participant)
}
