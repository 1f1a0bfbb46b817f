//! What a Peppol SMP answers (SMP 1.x, the busdox namespace Peppol uses; OASIS BDXR SMP
//! 1.0 has the same shape and is read too): the service group (which document types a
//! participant receives, as links) and a service's metadata (for each process, the
//! access points by transport profile: address, certificate, validity), or a redirect
//! to another SMP.
//!
//! A service's metadata is only to be used once its XML signature holds and its signer
//! chains to a trusted SMP CA: [`verify_signed_service_metadata`] (in `signature`, with
//! the canonical XML it needs in `c14n`) checks that and reads the answer in one step;
//! [`parse_service_metadata`] reads without checking (tests, diagnostics, fuzzing).
//! Answers come from the network, so they are read like bank files: no DTD (roxmltree
//! refuses one), a size cap, elements by local name whatever the prefix.

use roxmltree::{Document, Node};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

mod c14n;
mod signature;

pub use signature::{SmpSigner, verify_signed_service_metadata, verify_signed_service_metadata_signer};

/// Larger answers are refused unread: a service group lists a few dozen links.
pub const MAX_SMP_BYTES: usize = 2 * 1024 * 1024;

/// Why an SMP answer was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmpError {
    #[error("the SMP's answer is larger than {} MB", MAX_SMP_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the SMP's answer is not well-formed XML (or carries a DTD): {0}")]
    NotXml(String),
    #[error("the SMP's answer is a {0}, not what was asked for")]
    Unexpected(String),
    #[error("the SMP's answer lacks {0}")]
    Missing(&'static str),
    #[error("the SMP's answer is not signed")]
    Unsigned,
    #[error("the SMP's answer is signed in a way that is refused: {0}")]
    SignatureForm(String),
    #[error("the SMP's answer uses an unsupported algorithm: {0}")]
    UnsupportedAlgorithm(String),
    #[error("the SMP's answer was altered after signing (its digest does not match)")]
    DigestMismatch,
    #[error("the SMP's signature does not verify with the certificate it names")]
    SignatureInvalid,
    #[error("the SMP's signing certificate could not be read: {0}")]
    BadCertificate(String),
    #[error("the SMP's answer was signed by a certificate not issued by a trusted SMP CA ({0})")]
    UntrustedSigner(String),
    #[error("the certificate {subject} is not valid now (valid from {from} until {until})")]
    CertificateNotValidNow { subject: String, from: String, until: String },
    #[error("a trusted SMP CA certificate could not be read: {0}")]
    BadTrustedCa(String),
}

/// A participant's service group: the links to each document type's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceGroup {
    /// As the SMP writes it (`0088:5026744000002`), scheme apart.
    pub participant: String,
    pub service_links: Vec<String>,
}

/// One document type's metadata, or where it moved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceMetadata {
    Service(ServiceInformation),
    /// Ask this other SMP; its answer must be signed by the certificate named here.
    Redirect {
        href: String,
        certificate_uid: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInformation {
    pub participant: String,
    pub document_type: String,
    pub processes: Vec<ProcessEndpoints>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessEndpoints {
    pub process: String,
    pub endpoints: Vec<AccessPointEndpoint>,
}

/// An access point that receives this document type for this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPointEndpoint {
    /// `peppol-transport-as4-v2_0` today.
    pub transport_profile: String,
    pub address: String,
    /// The access point's certificate, base64 DER as published (whitespace removed).
    pub certificate: String,
    pub activation: Option<OffsetDateTime>,
    pub expiration: Option<OffsetDateTime>,
    pub requires_business_signature: bool,
}

impl AccessPointEndpoint {
    /// Whether the endpoint is in service at `now` (no dates: always).
    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        self.activation.is_none_or(|from| from <= now) && self.expiration.is_none_or(|until| now < until)
    }
}

impl ServiceInformation {
    /// The access point for `process` over `transport_profile` in service at `now`.
    pub fn access_point(
        &self,
        process: &str,
        transport_profile: &str,
        now: OffsetDateTime,
    ) -> Option<&AccessPointEndpoint> {
        self.processes
            .iter()
            .filter(|p| p.process == process)
            .flat_map(|p| &p.endpoints)
            .find(|e| e.transport_profile == transport_profile && e.is_active(now))
    }
}

fn document(xml: &[u8]) -> Result<Document<'_>, SmpError> {
    if xml.len() > MAX_SMP_BYTES {
        return Err(SmpError::TooLarge);
    }
    let text = std::str::from_utf8(xml).map_err(|e| SmpError::NotXml(format!("not UTF-8: {e}")))?;
    Document::parse(text).map_err(|e| SmpError::NotXml(e.to_string()))
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn text(node: Option<Node>) -> Option<String> {
    node.and_then(|n| n.text()).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// Reads a `ServiceGroup` answer.
pub fn parse_service_group(xml: &[u8]) -> Result<ServiceGroup, SmpError> {
    let doc = document(xml)?;
    let root = doc.root_element();
    if root.tag_name().name() != "ServiceGroup" {
        return Err(SmpError::Unexpected(root.tag_name().name().to_owned()));
    }
    let participant = text(child(root, "ParticipantIdentifier")).ok_or(SmpError::Missing("the participant"))?;
    let collection =
        child(root, "ServiceMetadataReferenceCollection").ok_or(SmpError::Missing("the list of document types"))?;
    let service_links = children(collection, "ServiceMetadataReference")
        .filter_map(|r| r.attribute("href").map(str::to_owned))
        .collect();
    Ok(ServiceGroup { participant, service_links })
}

/// Reads a `SignedServiceMetadata` (or bare `ServiceMetadata`) answer without checking
/// its signature: use [`verify_signed_service_metadata`] for anything acted on.
pub fn parse_service_metadata(xml: &[u8]) -> Result<ServiceMetadata, SmpError> {
    service_metadata(&document(xml)?)
}

fn service_metadata(doc: &Document) -> Result<ServiceMetadata, SmpError> {
    let root = doc.root_element();
    let metadata = match root.tag_name().name() {
        "SignedServiceMetadata" => child(root, "ServiceMetadata").ok_or(SmpError::Missing("the service metadata"))?,
        "ServiceMetadata" => root,
        other => return Err(SmpError::Unexpected(other.to_owned())),
    };
    if let Some(redirect) = child(metadata, "Redirect") {
        let href = redirect.attribute("href").ok_or(SmpError::Missing("the redirect's address"))?.to_owned();
        let certificate_uid =
            text(child(redirect, "CertificateUID")).ok_or(SmpError::Missing("the redirect's certificate"))?;
        return Ok(ServiceMetadata::Redirect { href, certificate_uid });
    }
    let info = child(metadata, "ServiceInformation").ok_or(SmpError::Missing("the service information"))?;
    let participant = text(child(info, "ParticipantIdentifier")).ok_or(SmpError::Missing("the participant"))?;
    let document_type = text(child(info, "DocumentIdentifier")).ok_or(SmpError::Missing("the document type"))?;
    let list = child(info, "ProcessList").ok_or(SmpError::Missing("the process list"))?;
    let processes = children(list, "Process")
        .map(|p| {
            let process = text(child(p, "ProcessIdentifier")).ok_or(SmpError::Missing("a process identifier"))?;
            let endpoints = child(p, "ServiceEndpointList")
                .map(|l| children(l, "Endpoint").map(endpoint).collect::<Result<Vec<_>, _>>())
                .transpose()?
                .unwrap_or_default();
            Ok(ProcessEndpoints { process, endpoints })
        })
        .collect::<Result<Vec<_>, SmpError>>()?;
    Ok(ServiceMetadata::Service(ServiceInformation { participant, document_type, processes }))
}

fn endpoint(node: Node) -> Result<AccessPointEndpoint, SmpError> {
    let transport_profile =
        node.attribute("transportProfile").ok_or(SmpError::Missing("an endpoint's transport profile"))?.to_owned();
    let address = child(node, "EndpointReference")
        .and_then(|r| text(child(r, "Address")))
        .or_else(|| text(child(node, "EndpointURI")))
        .ok_or(SmpError::Missing("an endpoint's address"))?;
    let certificate: String = text(child(node, "Certificate"))
        .ok_or(SmpError::Missing("an endpoint's certificate"))?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let when = |name| text(child(node, name)).and_then(|t| OffsetDateTime::parse(&t, &Rfc3339).ok());
    Ok(AccessPointEndpoint {
        transport_profile,
        address,
        certificate,
        activation: when("ServiceActivationDate"),
        expiration: when("ServiceExpirationDate"),
        requires_business_signature: text(child(node, "RequireBusinessLevelSignature")).as_deref() == Some("true"),
    })
}

#[cfg(test)]
mod tests;
