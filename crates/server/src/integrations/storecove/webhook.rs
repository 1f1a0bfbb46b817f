//! Storecove's webhooks: the `{guid, body}` instance (pulled from `webhook_instances/`
//! or pushed to us), its `body` (a string holding JSON) read into an
//! [`AccessPointEvent`], and the signature check on pushed ones.
//!
//! **The signature is our choice, not Storecove's documented scheme.** Neither our
//! wire-format summary nor any public material we could search (Storecove's docs, public
//! clients, issue threads) says how Storecove signs or authenticates a push webhook, so
//! we do not claim to verify one. Instead a push is accepted only when it carries
//! `X-Storecove-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
//! under a secret the owner sets both at the provider (or at a relay in front of us)
//! and in our settings; the timestamp must be within five minutes of our clock, and the
//! comparison is in constant time. This is the shape Stripe uses, so the operator can
//! reason about it, and it is testable end to end against the fake. If Storecove's own
//! scheme turns out to differ, only [`verify_signature`] changes; the pull queue (which
//! is authenticated by our own API key) needs no signature at all and is the safe
//! default.
//!
//! The inner body: public clients disagree about its fields (the summary lists
//! `{guid, status}`, `{event_type, event, …}` and `event: document.sent`), so ids are
//! read under each name seen, and an event we cannot place is `Other`, not an error.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::wire::{WebhookBody, WebhookInstance};
use crate::integrations::access_point::{
    AccessPointEvent, LegalEntityId, ProviderSecret, ReceivedDocumentId, SubmissionId, SubmissionStatus, WebhookError,
};

/// The header a pushed webhook's signature comes in.
pub const SIGNATURE_HEADER: &str = "X-Storecove-Signature";
/// How far a signature's timestamp may be from our clock, either way.
pub const TOLERANCE_SECONDS: i64 = 300;
/// A webhook body larger than this is not one of Storecove's small event notes.
const MAX_BODY: usize = 64 * 1024;

/// Checks the signature header over the raw body at `now` (Unix seconds).
pub fn verify_signature(
    header: Option<&str>,
    body: &[u8],
    secret: &ProviderSecret,
    now: i64,
) -> Result<(), WebhookError> {
    let header = header.ok_or(WebhookError::MissingSignature)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        let (name, value) = item.trim().split_once('=').ok_or(WebhookError::MalformedSignature)?;
        match name.trim() {
            "t" => timestamp = Some(value.trim().parse::<i64>().map_err(|_| WebhookError::MalformedSignature)?),
            "v1" => signatures.push(value.trim()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(WebhookError::MalformedSignature)?;
    if signatures.is_empty() || secret.expose().is_empty() {
        return Err(WebhookError::MalformedSignature);
    }
    let expected = sign(secret, timestamp, body);
    // Every candidate is compared, so the time taken does not say which one matched.
    let matched = signatures
        .iter()
        .fold(false, |found, candidate| found | bool::from(expected.as_bytes().ct_eq(candidate.as_bytes())));
    if !matched {
        return Err(WebhookError::BadSignature);
    }
    if (timestamp - now).abs() > TOLERANCE_SECONDS {
        return Err(WebhookError::Stale);
    }
    Ok(())
}

/// The lowercase hex `v1` of `body` at `timestamp` (what the fake signs with too).
pub fn sign(secret: &ProviderSecret, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// A pushed webhook: signature first, then the instance and its body.
pub fn read_pushed(
    headers: &HeaderMap,
    body: &[u8],
    secret: &ProviderSecret,
    now: i64,
) -> Result<AccessPointEvent, WebhookError> {
    let header = match headers.get(SIGNATURE_HEADER) {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| WebhookError::MalformedSignature)?),
    };
    verify_signature(header, body, secret, now)?;
    let instance = read_instance(body)?;
    read_body(&instance.body)
}

/// The `{guid, body}` envelope.
pub(super) fn read_instance(raw: &[u8]) -> Result<WebhookInstance, WebhookError> {
    if raw.len() > MAX_BODY {
        return Err(WebhookError::Unreadable(format!("larger than {} KiB", MAX_BODY / 1024)));
    }
    serde_json::from_slice(raw).map_err(|e| WebhookError::Unreadable(format!("not a {{guid, body}} object: {e}")))
}

/// The event inside an instance's `body` string.
pub(super) fn read_body(body: &str) -> Result<AccessPointEvent, WebhookError> {
    let inner: WebhookBody = serde_json::from_str(body)
        .map_err(|e| WebhookError::Unreadable(format!("the body is not a JSON object: {e}")))?;
    let kind = inner.event_type.as_deref().unwrap_or("").to_ascii_lowercase();
    let event = inner.event.as_deref().unwrap_or("").to_ascii_lowercase();
    let submission = inner.document_submission_guid.clone().or_else(|| inner.invoice_submission_guid.clone());
    let is_submission = matches!(kind.as_str(), "document_submission" | "invoice_submission") || submission.is_some();
    if is_submission {
        let id = submission
            .or_else(|| inner.guid.clone())
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| WebhookError::Unreadable("a submission event without the submission's guid".into()))?;
        let status = submission_status(&event, inner.details.as_deref());
        return Ok(AccessPointEvent::SubmissionUpdate { id: SubmissionId(id), status });
    }
    let is_received = matches!(kind.as_str(), "received_document" | "document_received" | "incoming_document")
        || inner.document_guid.is_some();
    if is_received {
        let id =
            inner.document_guid.clone().or_else(|| inner.guid.clone()).filter(|id| !id.trim().is_empty()).ok_or_else(
                || WebhookError::Unreadable("a received-document event without the document's guid".into()),
            )?;
        let legal_entity = inner.legal_entity_id.as_ref().and_then(|v| match v {
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        });
        return Ok(AccessPointEvent::DocumentReceived {
            id: ReceivedDocumentId(id),
            legal_entity: legal_entity.map(LegalEntityId),
            tenant: inner.tenant_id.filter(|t| !t.is_empty()),
        });
    }
    let named = [kind, event].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/");
    Ok(AccessPointEvent::Other { kind: if named.is_empty() { "unnamed".into() } else { named } })
}

/// A submission event's outcome: `succeeded` (or `delivered`) is delivered; `failed`,
/// `no_action_taken`, `rejected` and `send_error` failed; anything else is on its way.
fn submission_status(event: &str, details: Option<&str>) -> SubmissionStatus {
    let event = event.strip_prefix("document.").unwrap_or(event);
    match event {
        "succeeded" | "delivered" | "sent" | "accepted" => SubmissionStatus::Delivered { at: None },
        "failed" | "no_action_taken" | "rejected" | "send_error" | "senderror" => {
            let reason = match details.map(str::trim).filter(|d| !d.is_empty()) {
                Some(details) => format!("Storecove reports the delivery failed: {}", super::plain(details)),
                None => "Storecove reports the delivery failed; its evidence has the details".to_owned(),
            };
            SubmissionStatus::Failed { reason }
        }
        _ => SubmissionStatus::Submitted,
    }
}
