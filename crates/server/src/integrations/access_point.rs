//! What every Peppol access point adapter offers, whoever the provider is: send a UBL
//! invoice or credit note and follow it to delivered or failed, ask whether a
//! participant can receive, register the business as a receiver, fetch what it
//! received, and read the provider's webhooks (pulled from its queue or pushed to us).
//!
//! Why a trait: the send flow, the settings page and the inbox speak to "the business's
//! access point", and the provider behind it (Storecove first) is a setting. The types
//! here carry no provider's wire format; each adapter maps to its own.
//!
//! Errors are sorted by what the caller should do, because that is what the invoice page
//! and the delivery job need: [`AccessPointError::Unavailable`] is retried later (with
//! the same idempotency key, so a send is never made twice), [`AccessPointError::Refused`]
//! is shown to the owner with the provider's reason in plain words, and
//! [`AccessPointError::Unauthorized`] asks the owner to fix the key in Settings. No
//! error, `Debug` output or log line holds the API key or a webhook secret: both live in
//! a [`ProviderSecret`], whose `Debug` prints `[hidden]` and which has no `Display`.

use std::fmt;

use async_trait::async_trait;
use axum::http::HeaderMap;
use fastfaktura_domain::peppol::ParticipantId;
use time::OffsetDateTime;
use uuid::Uuid;

/// An API key or webhook secret. It can be used, never printed: `Debug` shows
/// `[hidden]` and there is no `Display`, so it cannot slip into a log line or an error.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderSecret(String);

impl ProviderSecret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that sends or checks it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ProviderSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[hidden]")
    }
}

/// What kind of Peppol BIS Billing document is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

/// The business's legal entity at the provider (Storecove's integer `id`, kept as text
/// so other providers' ids fit).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegalEntityId(pub String);

impl fmt::Display for LegalEntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The provider's id of one submission (Storecove's `guid`): what `status` takes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubmissionId(pub String);

impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The provider's id of a document the business received: what `fetch_received` takes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReceivedDocumentId(pub String);

impl fmt::Display for ReceivedDocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One document to send.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The sending business at the provider.
    pub sender: LegalEntityId,
    /// Who it goes to.
    pub receiver: ParticipantId,
    pub kind: DocumentKind,
    /// The Peppol BIS Billing 3.0 UBL, as generated and validated.
    pub ubl: Vec<u8>,
    /// One per invoice and channel, kept with the invoice before the first attempt: a
    /// retry after a lost answer sends the same key and the provider sends only once.
    pub idempotency_key: Uuid,
}

/// Where a submission stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionStatus {
    /// Accepted by the provider, not yet delivered.
    Submitted,
    /// The receiver's access point took it; `at` when the provider says when.
    Delivered { at: Option<OffsetDateTime> },
    /// It will not arrive; the reason is in plain words for the invoice page.
    Failed { reason: String },
}

/// The business's address and flags, for registering it at the provider.
#[derive(Debug, Clone)]
pub struct LegalEntityDetails {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub zip: String,
    pub county: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Our id for the business, echoed in the provider's webhooks so events can be
    /// routed to it (at most 64 characters).
    pub tenant_id: String,
    /// Listed in the Peppol Directory.
    pub public: bool,
    pub acts_as_sender: bool,
    pub acts_as_receiver: bool,
    pub tax_registered: bool,
}

/// What a webhook tells us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessPointEvent {
    /// A submission moved on. A `Failed` here may carry only a short reason: `status`
    /// reads the provider's evidence with the full one.
    SubmissionUpdate { id: SubmissionId, status: SubmissionStatus },
    /// A document arrived for one of our legal entities (`tenant` is the `tenant_id`
    /// given at registration).
    DocumentReceived { id: ReceivedDocumentId, legal_entity: Option<LegalEntityId>, tenant: Option<String> },
    /// An event we do not act on, named by its kind; acknowledge it and move on.
    Other { kind: String },
}

/// One webhook instance taken from the provider's pull queue. `event` is an error when
/// its body cannot be read; acknowledge it anyway (it will not become readable), after
/// recording the reason.
#[derive(Debug, Clone)]
pub struct PulledWebhook {
    pub instance: String,
    pub event: Result<AccessPointEvent, WebhookError>,
}

/// Why a call to the provider did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessPointError {
    /// Down, slow, busy or unreachable (5xx, 429, a timeout, a refused connection, an
    /// answer cut short). Retry later with the same idempotency key.
    #[error("the access point provider is unavailable: {reason}; it will be tried again")]
    Unavailable { reason: String },
    /// The provider (or this adapter, before sending) refused: a 4xx with its reason.
    /// Retrying the same will not help; the owner has to change something.
    #[error("the access point provider refused: {reason}")]
    Refused { reason: String },
    /// The API key was not accepted (401, 403): the owner must fix it in Settings.
    #[error("the access point provider did not accept the API key; check it in Settings")]
    Unauthorized,
}

impl AccessPointError {
    /// Whether the same call may succeed later.
    pub fn retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

/// Why a pushed webhook, or a pulled one's body, was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the webhook has no signature header")]
    MissingSignature,
    #[error("the webhook's signature header is malformed")]
    MalformedSignature,
    #[error("the webhook's signature does not match the secret")]
    BadSignature,
    #[error("the webhook's signature timestamp is more than five minutes away from our clock")]
    Stale,
    #[error("the webhook's body could not be read: {0}")]
    Unreadable(String),
}

/// A Peppol access point provider, seen from one business's account at it.
#[async_trait]
pub trait AccessPoint: Send + Sync {
    /// The provider's name for messages and logs (`Storecove`).
    fn provider(&self) -> &'static str;

    /// Hands the document to the provider for sending. Safe to repeat with the same
    /// idempotency key: the provider answers the first submission's id again.
    async fn submit(&self, submission: &Submission) -> Result<SubmissionId, AccessPointError>;

    /// Where the submission stands now.
    async fn status(&self, id: &SubmissionId) -> Result<SubmissionStatus, AccessPointError>;

    /// Whether `participant` can receive this kind of document over Peppol (discovery).
    async fn receives(&self, participant: &ParticipantId, kind: DocumentKind) -> Result<bool, AccessPointError>;

    /// Creates the business's legal entity at the provider (needed to send and receive).
    async fn register_legal_entity(&self, details: &LegalEntityDetails) -> Result<LegalEntityId, AccessPointError>;

    /// Registers the business's Peppol identifier on its legal entity, so documents sent
    /// to it arrive here. Registering the same identifier again is not an error.
    async fn register_receiver(
        &self,
        legal_entity: &LegalEntityId,
        participant: &ParticipantId,
    ) -> Result<(), AccessPointError>;

    /// The received document's original bytes, as the sender's access point sent them.
    async fn fetch_received(&self, id: &ReceivedDocumentId) -> Result<Vec<u8>, AccessPointError>;

    /// The oldest webhook in the provider's pull queue, or None when it is empty. It
    /// stays first until acknowledged.
    async fn next_webhook(&self) -> Result<Option<PulledWebhook>, AccessPointError>;

    /// Takes a pulled webhook off the queue once it has been recorded.
    async fn acknowledge_webhook(&self, instance: &str) -> Result<(), AccessPointError>;

    /// A webhook pushed to us: its signature checked against `secret` over the raw body
    /// before anything in it is believed.
    fn read_webhook(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        secret: &ProviderSecret,
    ) -> Result<AccessPointEvent, WebhookError>;
}
