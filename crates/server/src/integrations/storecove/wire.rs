//! Storecove API v2's JSON shapes, as our summary of its wire format describes them
//! (`shared/spec/peppol-network/STORECOVE-API.md`): request bodies with Storecove's
//! field names, and answers read leniently (unknown fields ignored, optional ones
//! defaulted) so that a field Storecove adds does not stop us.

use serde::{Deserialize, Serialize};

/// `POST document_submissions`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DocumentSubmission<'a> {
    pub legal_entity_id: i64,
    pub idempotency_guid: String,
    pub routing: Routing<'a>,
    pub document: SubmittedDocument,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Routing<'a> {
    pub e_identifiers: Vec<EIdentifier<'a>>,
    /// Always empty: an invoice that cannot go over Peppol goes by our own e-mail.
    pub emails: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct EIdentifier<'a> {
    pub scheme: &'static str,
    pub id: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SubmittedDocument {
    pub document_type: &'static str,
    pub raw_document_data: RawDocumentData,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawDocumentData {
    /// Base64 of the UBL.
    pub document: String,
    pub parse: bool,
    pub parse_strategy: &'static str,
}

/// The answer to a submission.
#[derive(Debug, Deserialize)]
pub(super) struct SubmissionAnswer {
    pub guid: String,
}

/// `GET document_submissions/{guid}/evidence`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Evidence {
    pub status: Option<String>,
    pub actions: Vec<EvidenceAction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct EvidenceAction {
    pub transmission_datetime: Option<String>,
    pub transmission_type: Option<String>,
    /// `unknown`, `accepted`, `rejected`, `send_error` or `internal_error`.
    pub transmission_result: Option<String>,
    /// What the receiving side answered; text or an object, shown only when it is text.
    pub receiver_response: Option<serde_json::Value>,
}

/// `POST discovery/receives`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DiscoveryQuery<'a> {
    pub document_types: [&'static str; 1],
    pub network: &'static str,
    pub meta_scheme: &'static str,
    pub scheme: &'static str,
    pub identifier: &'a str,
}

#[derive(Debug, Deserialize)]
pub(super) struct DiscoveryAnswer {
    /// `OK` or `NOK`.
    pub code: String,
    /// Delivery would be by e-mail (not Peppol).
    #[serde(default)]
    pub email: bool,
}

/// `POST legal_entities`.
#[derive(Debug, Serialize)]
pub(super) struct NewLegalEntity<'a> {
    pub party_name: &'a str,
    pub line1: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line2: Option<&'a str>,
    pub city: &'a str,
    pub zip: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub county: Option<&'a str>,
    pub country: &'a str,
    pub tenant_id: &'a str,
    pub public: bool,
    pub advertisements: [&'static str; 1],
    pub acts_as_sender: bool,
    pub acts_as_receiver: bool,
    pub tax_registered: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct LegalEntityAnswer {
    pub id: serde_json::Value,
}

/// `POST legal_entities/{id}/peppol_identifiers`.
#[derive(Debug, Serialize)]
pub(super) struct NewPeppolIdentifier<'a> {
    pub identifier: &'a str,
    pub scheme: &'static str,
    pub superscheme: &'static str,
}

/// A 4xx body: `{"errors": [{"source", "details"}]}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ErrorsBody {
    pub errors: Vec<ErrorItem>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ErrorItem {
    pub source: Option<String>,
    pub details: Option<serde_json::Value>,
}

/// A webhook instance: `{guid, body}`, `body` being a string that holds JSON.
#[derive(Debug, Deserialize)]
pub(super) struct WebhookInstance {
    pub guid: String,
    pub body: String,
}

/// The JSON inside a webhook's `body`. Public clients disagree on its exact fields
/// (see the summary), so the ids are read under each name seen.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WebhookBody {
    pub event_type: Option<String>,
    pub event: Option<String>,
    pub document_submission_guid: Option<String>,
    pub invoice_submission_guid: Option<String>,
    pub document_guid: Option<String>,
    pub guid: Option<String>,
    pub legal_entity_id: Option<serde_json::Value>,
    pub tenant_id: Option<String>,
    /// A failure's reason, when the event carries one.
    pub details: Option<String>,
}
