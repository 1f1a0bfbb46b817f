//! The Storecove access point (API v2, `https://api.storecove.com/api/v2/`), the first
//! [`AccessPoint`] adapter. Wire format per `shared/spec/peppol-network/STORECOVE-API.md`:
//! - `POST document_submissions`: the sender's `legalEntityId`, our `idempotencyGuid`
//!   (one per invoice and channel), `routing.eIdentifiers` with Storecove's scheme
//!   mnemonic ([`schemes`]), and the UBL as `rawDocumentData` (base64, `parse: true`,
//!   `parseStrategy: "ubl"`); the answer is `{guid}`. Storecove's document type
//!   `invoice` covers credit notes too: the UBL's root element says which it is.
//! - `GET document_submissions/{guid}/evidence`: `{status, actions[]}`, read into
//!   [`SubmissionStatus`] with the failure's reason in plain words.
//! - `POST discovery/receives`, `POST legal_entities`,
//!   `POST legal_entities/{id}/peppol_identifiers`, `GET received_documents/{guid}/original`.
//! - Webhooks: pull (`GET webhook_instances/`, 204 when empty; `DELETE
//!   webhook_instances/{guid}`) and push ([`webhook`], with the signature we chose).
//!
//! Auth is `Authorization: Bearer <API key>`. Answers are sorted as the trait asks: 401
//! and 403 are the key; 408, 429, 5xx, timeouts and transport failures are retryable; a
//! 4xx is a refusal, its reason taken from the body's `errors[{source, details}]`. The
//! client never retries by itself (the delivery job retries under the idempotency key)
//! and never follows redirects (the bearer key must not travel to another host). The
//! key is only sent over HTTPS, or plain HTTP to loopback for the tests' fake.

use std::time::Duration;

use async_trait::async_trait;
use axum::http::HeaderMap;
use base64::{Engine, engine::general_purpose::STANDARD};
use fastfaktura_domain::peppol::{PARTICIPANT_SCHEME, ParticipantId};
use reqwest::{Method, Url};
use time::{OffsetDateTime, PrimitiveDateTime, format_description::well_known::Rfc3339, macros::format_description};

use crate::config::AccessPointSettings;
use crate::integrations::access_point::{
    AccessPoint, AccessPointError, AccessPointEvent, DocumentKind, LegalEntityDetails, LegalEntityId, ProviderSecret,
    PulledWebhook, ReceivedDocumentId, Submission, SubmissionId, SubmissionStatus, WebhookError,
};

mod schemes;
pub mod webhook;
mod wire;

use wire::*;

/// How long one request may take when the settings do not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// The most of a JSON answer we read.
const MAX_ANSWER: usize = 1024 * 1024;
/// The most of a received document we read.
const MAX_DOCUMENT: usize = 20 * 1024 * 1024;
/// The most of the provider's text an error carries.
const MAX_TEXT: usize = 300;

/// One business's account at Storecove.
#[derive(Clone)]
pub struct StorecoveClient {
    http: reqwest::Client,
    base: Url,
    api_key: ProviderSecret,
    timeout: Duration,
}

impl std::fmt::Debug for StorecoveClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorecoveClient")
            .field("base", &self.base.as_str())
            .field("api_key", &self.api_key)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl StorecoveClient {
    /// A client for the API at `base_url` (`https://…/api/v2/`; `http://` only to a
    /// loopback address) with the business's API key.
    pub fn new(base_url: &str, api_key: ProviderSecret) -> Result<Self, AccessPointError> {
        let refused = |reason: &str| AccessPointError::Refused { reason: reason.to_owned() };
        let mut text = base_url.trim().to_owned();
        if !text.ends_with('/') {
            text.push('/');
        }
        let base = Url::parse(&text).map_err(|_| refused("the Storecove API address is not a URL"))?;
        let host = base.host_str().unwrap_or_default();
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if !(base.scheme() == "https" || (base.scheme() == "http" && loopback)) {
            return Err(refused("the Storecove API address must start with https://"));
        }
        if base.query().is_some() || base.fragment().is_some() || !base.username().is_empty() {
            return Err(refused("the Storecove API address must not have a query, fragment or user name"));
        }
        let key = api_key.expose();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(refused("the Storecove API key is empty or has characters a request header cannot carry"));
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("FastFaktura/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| refused("the HTTP client could not be set up"))?;
        Ok(Self { http, base, api_key, timeout: DEFAULT_TIMEOUT })
    }

    /// A client as the settings say (address and time limit).
    pub fn from_settings(settings: &AccessPointSettings, api_key: ProviderSecret) -> Result<Self, AccessPointError> {
        Ok(Self::new(&settings.storecove_api_base, api_key)?
            .with_timeout(Duration::from_secs(settings.timeout_seconds.max(1))))
    }

    /// The same client with another time limit per request.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// [`AccessPoint::read_webhook`] at a given moment (Unix seconds), for tests.
    pub fn read_webhook_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &ProviderSecret,
        now: i64,
    ) -> Result<AccessPointEvent, WebhookError> {
        webhook::read_pushed(headers, body, secret, now)
    }

    fn url(&self, path: &str) -> Result<Url, AccessPointError> {
        self.base
            .join(path)
            .map_err(|_| AccessPointError::Refused { reason: "the Storecove API address is not a URL".into() })
    }

    /// Sends with the key and the time limit. A 2xx answer comes back; anything else
    /// is classified.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        limit: usize,
    ) -> Result<Answer, AccessPointError> {
        let mut request = self
            .http
            .request(method, self.url(path)?)
            .bearer_auth(self.api_key.expose())
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(self.timeout);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let mut response = request.send().await.map_err(|e| self.failed(&e))?;
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.failed(&e))? {
            if bytes.len() + chunk.len() > limit {
                return Err(AccessPointError::Unavailable {
                    reason: format!("Storecove's answer was larger than {} KiB", limit / 1024),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        tracing::debug!(status, path, "Storecove answer");
        if (200..300).contains(&status) {
            Ok(Answer { status, body: bytes })
        } else {
            Err(classify(status, &bytes, self.api_key.expose()))
        }
    }

    fn failed(&self, e: &reqwest::Error) -> AccessPointError {
        let reason = if e.is_timeout() {
            format!("Storecove did not answer within {} seconds", self.timeout.as_secs_f64().ceil() as u64)
        } else if e.is_connect() {
            "Storecove could not be reached".to_owned()
        } else {
            format!("the exchange with Storecove broke off ({})", redact(&error_chain(e), self.api_key.expose()))
        };
        AccessPointError::Unavailable { reason }
    }

    async fn post_json<T: serde::Serialize>(&self, path: &str, body: &T) -> Result<Answer, AccessPointError> {
        let value = serde_json::to_value(body)
            .map_err(|_| AccessPointError::Refused { reason: "the request could not be written as JSON".into() })?;
        self.send(Method::POST, path, Some(value), MAX_ANSWER).await
    }
}

struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, AccessPointError> {
        // A 2xx we cannot read leaves the outcome unknown: retrying (under the same
        // idempotency key) is the safe move.
        serde_json::from_slice(&self.body).map_err(|e| AccessPointError::Unavailable {
            reason: format!("Storecove's answer could not be read ({})", plain(&e.to_string())),
        })
    }
}

#[async_trait]
impl AccessPoint for StorecoveClient {
    fn provider(&self) -> &'static str {
        "Storecove"
    }

    async fn submit(&self, submission: &Submission) -> Result<SubmissionId, AccessPointError> {
        let legal_entity_id = legal_entity_number(&submission.sender)?;
        let scheme = scheme_of(&submission.receiver)?;
        if submission.ubl.is_empty() {
            return Err(AccessPointError::Refused { reason: "there is no UBL document to send".into() });
        }
        let body = DocumentSubmission {
            legal_entity_id,
            idempotency_guid: submission.idempotency_key.to_string(),
            routing: Routing {
                e_identifiers: vec![EIdentifier { scheme, id: submission.receiver.value() }],
                emails: Vec::new(),
            },
            document: SubmittedDocument {
                document_type: "invoice",
                raw_document_data: RawDocumentData {
                    document: STANDARD.encode(&submission.ubl),
                    parse: true,
                    parse_strategy: "ubl",
                },
            },
        };
        let answer = match self.post_json("document_submissions", &body).await {
            Ok(answer) => answer,
            Err(AccessPointError::Refused { reason }) if reason.contains(IDEMPOTENCY_SOURCE) => {
                // A key Storecove has seen, answered as a refusal rather than with the
                // first guid: the document went once; do not send it again.
                return Err(AccessPointError::Refused {
                    reason: "Storecove already has a submission with this idempotency key (an earlier attempt \
                             whose answer was lost); it was not sent again, find it in Storecove"
                        .into(),
                });
            }
            Err(e) => return Err(e),
        };
        let created: SubmissionAnswer = answer.json()?;
        checked_guid(&created.guid)?;
        Ok(SubmissionId(created.guid))
    }

    async fn status(&self, id: &SubmissionId) -> Result<SubmissionStatus, AccessPointError> {
        let guid = checked_guid(&id.0)?;
        let answer =
            match self.send(Method::GET, &format!("document_submissions/{guid}/evidence"), None, MAX_ANSWER).await {
                Ok(answer) => answer,
                // Storecove has no evidence until it has tried: still on its way.
                Err(AccessPointError::Refused { reason }) if reason.starts_with(NOT_FOUND) => {
                    return Ok(SubmissionStatus::Submitted);
                }
                Err(e) => return Err(e),
            };
        let evidence: Evidence = answer.json()?;
        Ok(evidence_status(&evidence))
    }

    async fn receives(&self, participant: &ParticipantId, _kind: DocumentKind) -> Result<bool, AccessPointError> {
        // Storecove's `invoice` document type includes credit notes.
        let query = DiscoveryQuery {
            document_types: ["invoice"],
            network: "peppol",
            meta_scheme: PARTICIPANT_SCHEME,
            scheme: scheme_of(participant)?,
            identifier: participant.value(),
        };
        let answer: DiscoveryAnswer = self.post_json("discovery/receives", &query).await?.json()?;
        // `email: true` means Storecove would deliver by e-mail, not over Peppol.
        Ok(answer.code.eq_ignore_ascii_case("OK") && !answer.email)
    }

    async fn register_legal_entity(&self, details: &LegalEntityDetails) -> Result<LegalEntityId, AccessPointError> {
        let refused = |reason: &str| Err(AccessPointError::Refused { reason: reason.to_owned() });
        if details.tenant_id.is_empty() || details.tenant_id.len() > 64 {
            return refused("the tenant id given to Storecove must have 1 to 64 characters");
        }
        let country = details.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return refused("the country must be a two-letter ISO code");
        }
        let body = NewLegalEntity {
            party_name: details.name.trim(),
            line1: details.line1.trim(),
            line2: details.line2.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            city: details.city.trim(),
            zip: details.zip.trim(),
            county: details.county.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            country: &country,
            tenant_id: &details.tenant_id,
            public: details.public,
            advertisements: ["invoice"],
            acts_as_sender: details.acts_as_sender,
            acts_as_receiver: details.acts_as_receiver,
            tax_registered: details.tax_registered,
        };
        let created: LegalEntityAnswer = self.post_json("legal_entities", &body).await?.json()?;
        let id = match created.id {
            serde_json::Value::Number(n) if n.is_i64() => n.to_string(),
            _ => {
                return Err(AccessPointError::Unavailable {
                    reason: "Storecove's answer had no legal entity id".into(),
                });
            }
        };
        Ok(LegalEntityId(id))
    }

    async fn register_receiver(
        &self,
        legal_entity: &LegalEntityId,
        participant: &ParticipantId,
    ) -> Result<(), AccessPointError> {
        let number = legal_entity_number(legal_entity)?;
        let body = NewPeppolIdentifier {
            identifier: participant.value(),
            scheme: scheme_of(participant)?,
            superscheme: PARTICIPANT_SCHEME,
        };
        self.post_json(&format!("legal_entities/{number}/peppol_identifiers"), &body).await.map(|_| ())
    }

    async fn fetch_received(&self, id: &ReceivedDocumentId) -> Result<Vec<u8>, AccessPointError> {
        let guid = checked_guid(&id.0)?;
        let answer = self.send(Method::GET, &format!("received_documents/{guid}/original"), None, MAX_DOCUMENT).await?;
        Ok(answer.body)
    }

    async fn next_webhook(&self) -> Result<Option<PulledWebhook>, AccessPointError> {
        let answer = self.send(Method::GET, "webhook_instances/", None, MAX_ANSWER).await?;
        if answer.status == 204 || answer.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let instance = webhook::read_instance(&answer.body).map_err(|e| AccessPointError::Unavailable {
            reason: format!("Storecove's webhook queue answered oddly: {e}"),
        })?;
        checked_guid(&instance.guid)?;
        let event = webhook::read_body(&instance.body);
        Ok(Some(PulledWebhook { instance: instance.guid, event }))
    }

    async fn acknowledge_webhook(&self, instance: &str) -> Result<(), AccessPointError> {
        let guid = checked_guid(instance)?;
        match self.send(Method::DELETE, &format!("webhook_instances/{guid}"), None, MAX_ANSWER).await {
            // Already gone: acknowledged before.
            Err(AccessPointError::Refused { reason }) if reason.starts_with(NOT_FOUND) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    fn read_webhook(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &ProviderSecret,
    ) -> Result<AccessPointEvent, WebhookError> {
        webhook::read_pushed(headers, body, secret, OffsetDateTime::now_utc().unix_timestamp())
    }
}

/// How a 404's reason starts (so callers inside this module can tell it apart).
const NOT_FOUND: &str = "Storecove does not know";
/// The `source` of a refused repeat of an idempotency key.
const IDEMPOTENCY_SOURCE: &str = "idempotencyGuid";

/// A non-2xx answer as an error.
fn classify(status: u16, body: &[u8], key: &str) -> AccessPointError {
    if matches!(status, 401 | 403) {
        // The provider's text about a key is not passed on.
        return AccessPointError::Unauthorized;
    }
    if matches!(status, 408 | 425 | 429) || status >= 500 {
        return AccessPointError::Unavailable { reason: format!("Storecove answered HTTP {status}") };
    }
    if status == 404 {
        return AccessPointError::Refused { reason: format!("{NOT_FOUND} this document or entity (HTTP 404)") };
    }
    let errors: ErrorsBody = serde_json::from_slice(body).unwrap_or_default();
    let mut parts = Vec::new();
    for item in errors.errors {
        let details = match item.details {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
            Some(other) if !other.is_null() => other.to_string(),
            _ => String::new(),
        };
        let source = item.source.unwrap_or_default();
        let part = match (source.trim(), details.trim()) {
            ("", "") => continue,
            ("", details) => details.to_owned(),
            (source, "") => format!("{source} is not accepted"),
            (source, details) => format!("{details} ({source})"),
        };
        parts.push(redact(&part, key));
    }
    let reason = if parts.is_empty() {
        format!("Storecove refused the request (HTTP {status})")
    } else {
        redact(&parts.join("; "), key)
    };
    AccessPointError::Refused { reason }
}

/// The evidence as a status.
fn evidence_status(evidence: &Evidence) -> SubmissionStatus {
    let delivered_at = || {
        evidence
            .actions
            .iter()
            .rev()
            .find(|a| a.transmission_result.as_deref().is_some_and(|r| r.eq_ignore_ascii_case("accepted")))
            .and_then(|a| a.transmission_datetime.as_deref())
            .and_then(parse_datetime)
    };
    let status = evidence.status.as_deref().unwrap_or("").trim().to_ascii_lowercase();
    match status.as_str() {
        "succeeded" | "delivered" | "sent" | "accepted" => SubmissionStatus::Delivered { at: delivered_at() },
        "failed" | "no_action_taken" | "rejected" | "send_error" | "internal_error" => {
            SubmissionStatus::Failed { reason: failure_reason(evidence, &status) }
        }
        // No overall status: the transmissions say it.
        "" => match evidence.actions.last().and_then(|a| a.transmission_result.as_deref()) {
            Some(r) if r.eq_ignore_ascii_case("accepted") => SubmissionStatus::Delivered { at: delivered_at() },
            Some(r) if ["rejected", "send_error", "internal_error"].iter().any(|f| r.eq_ignore_ascii_case(f)) => {
                SubmissionStatus::Failed { reason: failure_reason(evidence, "failed") }
            }
            _ => SubmissionStatus::Submitted,
        },
        _ => SubmissionStatus::Submitted,
    }
}

/// The reason of a failed submission in plain words, from its last transmission.
fn failure_reason(evidence: &Evidence, status: &str) -> String {
    let last = evidence
        .actions
        .iter()
        .rev()
        .find(|a| a.transmission_result.as_deref().is_some_and(|r| !r.eq_ignore_ascii_case("accepted")));
    let response = last.and_then(|a| match &a.receiver_response {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(plain(s)),
        _ => None,
    });
    let what = match last.and_then(|a| a.transmission_result.as_deref()).map(str::to_ascii_lowercase).as_deref() {
        Some("rejected") => "the receiver's access point rejected the document",
        Some("send_error") => "the document could not be sent to the receiver's access point",
        Some("internal_error") => "Storecove had an internal error sending the document",
        _ if status == "no_action_taken" => "Storecove did not send the document (no action taken)",
        _ => "Storecove could not deliver the document",
    };
    match response {
        Some(response) => format!("{what}: {response}"),
        None => what.to_owned(),
    }
}

/// RFC 3339, or `YYYY-MM-DD HH:MM:SS` read as UTC.
fn parse_datetime(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
        PrimitiveDateTime::parse(text, format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
            .ok()
            .map(PrimitiveDateTime::assume_utc)
    })
}

/// Storecove's legal entity ids are integers.
fn legal_entity_number(id: &LegalEntityId) -> Result<i64, AccessPointError> {
    id.0.trim().parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| AccessPointError::Refused {
        reason: "the business's Storecove legal entity id is not a Storecove id (a number)".into(),
    })
}

/// Storecove's mnemonic for the participant's scheme, or a refusal naming the scheme.
fn scheme_of(participant: &ParticipantId) -> Result<&'static str, AccessPointError> {
    let icd = participant.icd();
    schemes::storecove_scheme(icd.code()).ok_or_else(|| AccessPointError::Refused {
        reason: format!(
            "Storecove routing for the Peppol scheme {} ({}) is not set up here, so {participant} cannot be \
             reached through Storecove",
            icd.code(),
            icd.scheme_id()
        ),
    })
}

/// An id that goes into a path: letters, digits and `-` only (Storecove's guids), so
/// nothing in it can change the path.
fn checked_guid(guid: &str) -> Result<&str, AccessPointError> {
    if !guid.is_empty() && guid.len() <= 100 && guid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Ok(guid)
    } else {
        Err(AccessPointError::Refused { reason: "Storecove's id is not in the form Storecove gives".into() })
    }
}

/// The provider's text fit for an error: no control characters, not too long.
pub(super) fn plain(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX_TEXT).collect::<String>().trim().to_owned()
}

/// The same, with the key cut out should the provider quote it.
fn redact(text: &str, key: &str) -> String {
    let text = if key.is_empty() { text.to_owned() } else { text.replace(key, "[hidden]") };
    plain(&text)
}

/// A failed exchange with its causes, without the URL.
fn error_chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "Storecove");
    }
    let mut cause = std::error::Error::source(e);
    while let Some(inner) = cause {
        let shown = inner.to_string();
        if !text.contains(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        cause = inner.source();
    }
    text
}

#[cfg(test)]
mod tests;
