//! Whether a business can receive Peppol BIS Billing 3.0 invoices and credit notes, and
//! at which access point: the participant lookup of the Peppol network (PEPPOL-LOOKUP.md).
//!
//! 1. SML: the NAPTR records of `sml_dns_name(participant, zone)`; the one with flag `U`
//!    and service `Meta:SMP` names the participant's SMP (`!^.*$!<SMP URL>!`). No such
//!    name, or no such record, means the participant is not on Peppol. The legacy
//!    CNAME scheme is not asked: Peppol's SML answers BDXL NAPTR queries for every
//!    participant, and the old EC-run SML that needed the CNAMEs is retired.
//! 2. SMP: the participant's service group (which document types it receives), then,
//!    for the BIS Billing invoice and credit note only, each one's signed metadata.
//!    Other document types are listed by id and not fetched. URLs are built from the
//!    SMP's base and our identifiers, not taken from the service group's links.
//! 3. Every service metadata answer is used only when its XML signature holds and its
//!    signer chains to a configured SMP CA (`fastfaktura_documents::peppol_smp`), and it
//!    must be about the participant and document type asked for (a genuine answer about
//!    someone else, replayed, is refused). A `Redirect` is followed once; the answer
//!    there must be signed by the certificate the redirect names.
//!
//! What cannot be had now (DNS or SMP silent, slow, or failing with 5xx) is
//! [`LookupError::Unavailable`], worth retrying later; an answer that arrived but cannot
//! be believed (bad signature, untrusted signer, malformed) is [`LookupError::Refused`]
//! with the reason in plain words. Nothing here is cached: the caller keeps results.

use std::{net::SocketAddr, time::Duration};

use fastfaktura_documents::peppol_smp::{
    self, AccessPointEndpoint, MAX_SMP_BYTES, ServiceMetadata, SmpError, SmpSigner,
};
use fastfaktura_domain::peppol::{
    BIS_BILLING_CREDIT_NOTE, BIS_BILLING_INVOICE, BIS_BILLING_PROCESS, DOCUMENT_TYPE_SCHEME, ParticipantId,
    sml_dns_name,
};
use hickory_resolver::{
    TokioResolver,
    config::{NameServerConfig, ResolverConfig, ResolverOpts},
    net::runtime::TokioRuntimeProvider,
    proto::rr::{RData, RecordType},
};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::config::PeppolSettings;

/// Peppol's AS4 transport profile, the one access points receive over today.
pub const AS4_TRANSPORT: &str = "peppol-transport-as4-v2_0";

/// Why a lookup gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The network could not be asked now: try again later.
    #[error("the Peppol network could not be asked just now ({0}); try again later")]
    Unavailable(String),
    /// An answer came but is not believed.
    #[error("the Peppol network's answer was refused: {0}")]
    Refused(String),
    /// Lookups are not set up on this server.
    #[error("Peppol lookups are not set up: {0}")]
    NotConfigured(String),
}

impl LookupError {
    /// Whether asking again later may give an answer.
    pub fn is_retryable(&self) -> bool {
        matches!(self, LookupError::Unavailable(_))
    }
}

/// What the network says about one participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeppolCapabilities {
    /// No SML entry (NXDOMAIN, or no `Meta:SMP` record), or the SMP does not know it.
    NotRegistered,
    Registered(Registration),
}

/// A participant on Peppol: its SMP and what it receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The SMP's base URL from the SML.
    pub smp: String,
    /// The BIS Billing 3.0 documents it lists, each with its AS4 access point.
    pub bis_documents: Vec<ReceivedDocument>,
    /// Every other document type it lists, by id (not looked at further).
    pub other_document_types: Vec<String>,
}

impl Registration {
    /// The access point receiving `kind` now, if any.
    pub fn access_point(&self, kind: BisDocument) -> Option<&AccessPoint> {
        self.bis_documents.iter().find(|d| d.kind == kind).and_then(|d| d.access_point.as_ref())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BisDocument {
    Invoice,
    CreditNote,
}

impl BisDocument {
    pub fn document_type(self) -> &'static str {
        match self {
            BisDocument::Invoice => BIS_BILLING_INVOICE,
            BisDocument::CreditNote => BIS_BILLING_CREDIT_NOTE,
        }
    }
}

/// One BIS document type the participant lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedDocument {
    pub kind: BisDocument,
    /// None when the SMP lists the document but names no AS4 access point for the BIS
    /// Billing process in service now.
    pub access_point: Option<AccessPoint>,
}

/// Where to send over AS4, as the signed SMP answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPoint {
    pub address: String,
    pub transport_profile: String,
    /// The access point's certificate (DER) and what it says of itself.
    pub certificate_der: Vec<u8>,
    pub certificate_subject: String,
    pub certificate_valid_until: OffsetDateTime,
    /// The SMP's own service dates for this endpoint, when given.
    pub service_activation: Option<OffsetDateTime>,
    pub service_expiration: Option<OffsetDateTime>,
}

/// Asks the SML and SMPs; one per server, shared.
pub struct PeppolLookup {
    resolver: TokioResolver,
    http: reqwest::Client,
    zone: String,
    trusted_cas: Vec<Vec<u8>>,
}

impl PeppolLookup {
    /// A lookup as the settings say; reads the SMP CA file now so a bad file is
    /// reported at start, not at the first lookup.
    pub fn new(settings: &PeppolSettings) -> Result<Self, LookupError> {
        let trusted_cas = match &settings.smp_ca_file {
            Some(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| LookupError::NotConfigured(format!("the SMP CA file {}: {e}", path.display())))?;
                read_certificates(&bytes)
                    .map_err(|e| LookupError::NotConfigured(format!("the SMP CA file {}: {e}", path.display())))?
            }
            None => Vec::new(),
        };
        Self::with_trusted_cas(settings, trusted_cas)
    }

    /// As [`PeppolLookup::new`] with the SMP CA certificates (DER) given directly.
    pub fn with_trusted_cas(settings: &PeppolSettings, trusted_cas: Vec<Vec<u8>>) -> Result<Self, LookupError> {
        let timeout = Duration::from_secs(settings.timeout_seconds.max(1));
        let resolver = resolver(settings.dns_server, timeout)?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // Integrity comes from the signature, so HTTP redirects (http to https, a
            // moved host) are followed, a few at most.
            .redirect(reqwest::redirect::Policy::limited(3))
            .user_agent(concat!("FastFaktura/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LookupError::NotConfigured(format!("the HTTP client could not be set up: {e}")))?;
        let zone = settings.sml_zone.trim().trim_matches('.').to_ascii_lowercase();
        if zone.is_empty() {
            return Err(LookupError::NotConfigured("no SML zone".into()));
        }
        Ok(Self { resolver, http, zone, trusted_cas })
    }

    /// Whether `participant` is on Peppol, and where it receives BIS Billing documents.
    pub async fn capabilities(
        &self,
        participant: &ParticipantId,
        now: OffsetDateTime,
    ) -> Result<PeppolCapabilities, LookupError> {
        if self.trusted_cas.is_empty() {
            return Err(LookupError::NotConfigured("no SMP CA certificate is configured (peppol.smp_ca_file)".into()));
        }
        let Some(smp) = self.smp_of(participant).await? else {
            return Ok(PeppolCapabilities::NotRegistered);
        };
        let group_url = format!("{smp}/{}", participant.smp_path());
        let Some(group) = self.get(&group_url).await? else {
            return Ok(PeppolCapabilities::NotRegistered);
        };
        let group = peppol_smp::parse_service_group(&group).map_err(refused)?;
        if ParticipantId::parse(&group.participant).ok().as_ref() != Some(participant) {
            return Err(LookupError::Refused("the SMP answered about another participant".into()));
        }
        let mut bis_documents = Vec::new();
        let mut other_document_types = Vec::new();
        for link in &group.service_links {
            let Some(document_type) = document_type_of(link) else { continue };
            let kind = [BisDocument::Invoice, BisDocument::CreditNote]
                .into_iter()
                .find(|k| k.document_type() == document_type);
            match kind {
                Some(kind) if !bis_documents.iter().any(|d: &ReceivedDocument| d.kind == kind) => {
                    let url = format!("{smp}/{}", participant.smp_service_path(kind.document_type()));
                    if let Some(document) = self.document(&url, participant, kind, now).await? {
                        bis_documents.push(document);
                    }
                }
                Some(_) => {}
                None if !other_document_types.contains(&document_type) => other_document_types.push(document_type),
                None => {}
            }
        }
        Ok(PeppolCapabilities::Registered(Registration { smp, bis_documents, other_document_types }))
    }

    /// The SMP base URL from the SML, without a trailing slash; None if not registered.
    async fn smp_of(&self, participant: &ParticipantId) -> Result<Option<String>, LookupError> {
        // Fully qualified, so no search domain is tried.
        let name = format!("{}.", sml_dns_name(participant, &self.zone));
        let answer = match self.resolver.lookup(name.as_str(), RecordType::NAPTR).await {
            Ok(answer) => answer,
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => return Ok(None),
            Err(e) => return Err(LookupError::Unavailable(format!("the SML's DNS did not answer: {e}"))),
        };
        let mut records: Vec<_> = answer
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::NAPTR(naptr) => Some(naptr),
                _ => None,
            })
            .filter(|n| n.flags.eq_ignore_ascii_case(b"U") && n.services.eq_ignore_ascii_case(b"Meta:SMP"))
            .collect();
        records.sort_by_key(|n| (n.order, n.preference));
        let Some(record) = records.first() else { return Ok(None) };
        let url = smp_url_from_regexp(&record.regexp).map_err(LookupError::Refused)?;
        Ok(Some(url))
    }

    /// One BIS document's signed metadata, following one redirect; None if the SMP
    /// has none (404).
    async fn document(
        &self,
        url: &str,
        participant: &ParticipantId,
        kind: BisDocument,
        now: OffsetDateTime,
    ) -> Result<Option<ReceivedDocument>, LookupError> {
        let Some(body) = self.get(url).await? else { return Ok(None) };
        let info = match self.verify(&body, now)?.0 {
            ServiceMetadata::Service(info) => info,
            ServiceMetadata::Redirect { href, certificate_uid } => {
                let target = http_url(&href).map_err(LookupError::Refused)?;
                let Some(body) = self.get(&target).await? else { return Ok(None) };
                let (redirected, signer) = self.verify(&body, now)?;
                if !signer_matches(&signer, &certificate_uid) {
                    return Err(LookupError::Refused(format!(
                        "the SMP redirected to another SMP whose answer is signed by {}, not by the certificate the redirect names ({certificate_uid})",
                        signer.subject
                    )));
                }
                match redirected {
                    ServiceMetadata::Service(info) => info,
                    ServiceMetadata::Redirect { .. } => {
                        return Err(LookupError::Refused("the SMP's redirect leads to another redirect".into()));
                    }
                }
            }
        };
        if ParticipantId::parse(&info.participant).ok().as_ref() != Some(participant)
            || info.document_type != kind.document_type()
        {
            return Err(LookupError::Refused(
                "the SMP's signed answer is about another participant or document type than asked".into(),
            ));
        }
        let access_point = match info.access_point(BIS_BILLING_PROCESS, AS4_TRANSPORT, now) {
            Some(endpoint) => Some(access_point(endpoint)?),
            None => None,
        };
        Ok(Some(ReceivedDocument { kind, access_point }))
    }

    fn verify(&self, body: &[u8], now: OffsetDateTime) -> Result<(ServiceMetadata, SmpSigner), LookupError> {
        peppol_smp::verify_signed_service_metadata_signer(body, &self.trusted_cas, now).map_err(refused)
    }

    /// The body of a GET, at most [`MAX_SMP_BYTES`]; None on 404.
    async fn get(&self, url: &str) -> Result<Option<Vec<u8>>, LookupError> {
        let unavailable = |e: reqwest::Error| {
            let what =
                if e.is_timeout() { "it took too long to answer".to_owned() } else { e.without_url().to_string() };
            LookupError::Unavailable(format!("the SMP could not be reached: {what}"))
        };
        let mut response = self.http.get(url).send().await.map_err(unavailable)?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(LookupError::Unavailable(format!("the SMP answered {status}")));
        }
        if !status.is_success() {
            return Err(LookupError::Refused(format!("the SMP answered {status}")));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unavailable)? {
            if body.len() + chunk.len() > MAX_SMP_BYTES {
                return Err(refused(SmpError::TooLarge));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Some(body))
    }
}

fn refused(error: SmpError) -> LookupError {
    LookupError::Refused(error.to_string())
}

fn resolver(dns_server: Option<SocketAddr>, timeout: Duration) -> Result<TokioResolver, LookupError> {
    let provider = TokioRuntimeProvider::default();
    let mut builder = match dns_server {
        Some(address) => {
            let mut server = NameServerConfig::udp_and_tcp(address.ip());
            for connection in &mut server.connections {
                connection.port = address.port();
            }
            TokioResolver::builder_with_config(ResolverConfig::from_name_servers(vec![server]), provider)
        }
        None => TokioResolver::builder(provider)
            .map_err(|e| LookupError::NotConfigured(format!("the system's DNS settings could not be read: {e}")))?,
    };
    let options: &mut ResolverOpts = builder.options_mut();
    options.timeout = timeout;
    options.attempts = 2;
    builder.build().map_err(|e| LookupError::NotConfigured(format!("the DNS resolver could not be set up: {e}")))
}

/// The SMP URL a `Meta:SMP` NAPTR record's regexp gives. Peppol's SML writes
/// `!^.*$!<URL>!`, which replaces any name with the URL; other rewrite rules are not
/// applied (they would need a regex engine fed from DNS) but refused.
fn smp_url_from_regexp(regexp: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(regexp).map_err(|_| "the SML's NAPTR record is not text".to_owned())?;
    let mut chars = text.chars();
    let delimiter = chars.next().ok_or_else(|| "the SML's NAPTR record has no rewrite rule".to_owned())?;
    let parts: Vec<&str> = chars.as_str().split(delimiter).collect();
    match parts.as_slice() {
        ["^.*$", replacement, flags] if flags.is_empty() || *flags == "i" => http_url(replacement),
        _ => Err(format!("the SML's NAPTR rewrite rule {text:?} is not the form Peppol uses (!^.*$!URL!)")),
    }
}

/// An SMP address: http or https, no trailing slash.
fn http_url(text: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(text.trim()).map_err(|_| format!("{text:?} is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{text:?} is not an http or https address"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The document type id a service group link ends in (`…/services/busdox-docid-qns%3A%3A…`).
fn document_type_of(link: &str) -> Option<String> {
    let (_, encoded) = link.rsplit_once("/services/")?;
    let decoded = percent_decode(encoded.split(['?', '#']).next()?)?;
    let scheme_prefix = format!("{DOCUMENT_TYPE_SCHEME}::");
    match decoded.get(..scheme_prefix.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(&scheme_prefix) => Some(decoded[scheme_prefix.len()..].to_owned()),
        _ => None,
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether a redirect's `CertificateUID` names this signer: its subject, written in
/// either order, or its common name (SMPs write one or the other).
fn signer_matches(signer: &SmpSigner, certificate_uid: &str) -> bool {
    let normalise = |dn: &str| {
        let mut parts: Vec<String> = dn
            .split(',')
            .map(|p| p.trim().to_ascii_lowercase().replace(" = ", "="))
            .filter(|p| !p.is_empty())
            .collect();
        parts.sort();
        parts
    };
    let uid = certificate_uid.trim();
    normalise(uid) == normalise(&signer.subject)
        || signer.common_name.as_deref().is_some_and(|cn| cn.eq_ignore_ascii_case(uid))
}

fn access_point(endpoint: &AccessPointEndpoint) -> Result<AccessPoint, LookupError> {
    use base64::Engine;
    let certificate_der = base64::engine::general_purpose::STANDARD
        .decode(&endpoint.certificate)
        .map_err(|_| LookupError::Refused("the access point's certificate is not base64".into()))?;
    let (_, certificate) = X509Certificate::from_der(&certificate_der)
        .map_err(|e| LookupError::Refused(format!("the access point's certificate could not be read: {e}")))?;
    let certificate_subject = certificate.subject().to_string();
    let certificate_valid_until = certificate.validity().not_after.to_datetime();
    Ok(AccessPoint {
        address: endpoint.address.clone(),
        transport_profile: endpoint.transport_profile.clone(),
        certificate_der,
        certificate_subject,
        certificate_valid_until,
        service_activation: endpoint.activation,
        service_expiration: endpoint.expiration,
    })
}

/// The certificates in a PEM file (every `CERTIFICATE` block) or one DER certificate.
pub fn read_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let certificates: Vec<Vec<u8>> = if bytes.starts_with(b"-----") || bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        x509_parser::pem::Pem::iter_from_buffer(bytes)
            .filter_map(|pem| match pem {
                Ok(pem) if pem.label == "CERTIFICATE" => Some(Ok(pem.contents)),
                Ok(_) => None,
                Err(e) => Some(Err(format!("not PEM: {e}"))),
            })
            .collect::<Result<_, _>>()?
    } else {
        vec![bytes.to_vec()]
    };
    if certificates.is_empty() {
        return Err("no certificate in it".into());
    }
    for der in &certificates {
        X509Certificate::from_der(der).map_err(|e| format!("not a certificate: {e}"))?;
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smp_url_comes_only_from_the_rewrite_rule_peppol_uses() {
        assert_eq!(smp_url_from_regexp(b"!^.*$!https://smp.example.com/!"), Ok("https://smp.example.com".into()));
        assert_eq!(smp_url_from_regexp(b"!^.*$!http://127.0.0.1:8080!"), Ok("http://127.0.0.1:8080".into()));
        assert!(smp_url_from_regexp(b"!^(.*)$!https://\\1.example!").is_err());
        assert!(smp_url_from_regexp(b"!^.*$!ftp://smp.example!").is_err());
        assert!(smp_url_from_regexp(b"").is_err());
    }

    #[test]
    fn a_service_link_gives_its_document_type() {
        let link = "http://smp/iso6523-actorid-upis%3A%3A0192%3A987654325/services/busdox-docid-qns%3A%3Aurn%3Aoasis%3Anames%3Aspecification%3Aubl%3Aschema%3Axsd%3AInvoice-2%3A%3AInvoice%23%23urn%3Acen.eu%3Aen16931%3A2017%23compliant%23urn%3Afdc%3Apeppol.eu%3A2017%3Apoacc%3Abilling%3A3.0%3A%3A2.1";
        assert_eq!(document_type_of(link).as_deref(), Some(BIS_BILLING_INVOICE));
        assert_eq!(document_type_of("http://smp/x/services/other%3A%3Ay"), None);
        assert_eq!(document_type_of("http://smp/x/services/%zz"), None);
    }

    #[test]
    fn a_redirect_names_its_signer_by_subject_or_common_name() {
        let signer = SmpSigner {
            subject: "C=IS, O=Test SMP, CN=PTEST000001".into(),
            common_name: Some("PTEST000001".into()),
            serial: "1".into(),
            certificate_der: vec![],
        };
        assert!(signer_matches(&signer, "CN=PTEST000001,O=Test SMP,C=IS"));
        assert!(signer_matches(&signer, "PTEST000001"));
        assert!(!signer_matches(&signer, "CN=PTEST000002,O=Test SMP,C=IS"));
    }
}
