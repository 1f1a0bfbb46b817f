//! The XML signature on an SMP's `SignedServiceMetadata` (SMP 1.x §5.5): an enveloped
//! XMLDSig signature by the SMP's certificate, which a Peppol SMP CA issued. An answer
//! is used only when all of this holds, checked in this order so that the reason given
//! is the most telling one:
//!
//! 1. the shape: exactly one `ServiceMetadata` and one `ds:Signature` directly under the
//!    root, one `Reference` with `URI=""` (the whole answer) and the enveloped-signature
//!    transform. Anything else is refused rather than interpreted, because a signature
//!    over one part of a document and data read from another part is how signature
//!    wrapping attacks work; and the metadata returned is read from the very document
//!    whose digest was checked.
//! 2. the digest of the answer (less the signature) against the signed `DigestValue`;
//! 3. the `SignatureValue` over the canonical `SignedInfo` with the key of the
//!    certificate in `KeyInfo/X509Data`;
//! 4. that certificate: valid at `now`, meant for signing, and issued (signature
//!    checked) by one of the trusted SMP CA certificates the caller gives. Peppol's SMP
//!    CAs issue SMP certificates directly, so no intermediate is looked for; revocation
//!    (CRL/OCSP) is not checked here.
//!
//! Algorithms: RSA PKCS#1 v1.5 with SHA-256 (current Peppol SMPs), SHA-384, SHA-512,
//! and SHA-1. SHA-1 stays accepted because SMP specification 1.1, which Peppol's SMPs
//! still implement, prescribes `rsa-sha1` with `sha1` digests and SMPs in production
//! still sign so (the shipped example answer does); the known SHA-1 attacks need the
//! SMP to sign a document prepared by the attacker, and the signer must still be an
//! SMP certified by a trusted CA.

use aws_lc_rs::{digest, signature as rsa};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use roxmltree::{Document, Node};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::c14n::{self, Canonicalization};
use super::{ServiceMetadata, SmpError, document, service_metadata};

const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const C14N_INCLUSIVE: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const C14N_EXCLUSIVE: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const RSA_KEY_OID: &str = "1.2.840.113549.1.1.1";

/// Who signed an answer that verified: what a redirect's `CertificateUID` is compared
/// with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmpSigner {
    /// The subject as x509-parser writes it, e.g. `C=GB, O=NetEDI Limited, OU=PEPPOL PRODUCTION SMP, CN=PNO000070`.
    pub subject: String,
    /// The subject's common name (`PNO000070`).
    pub common_name: Option<String>,
    /// Decimal, as `X509SerialNumber` writes it.
    pub serial: String,
    pub certificate_der: Vec<u8>,
}

/// Reads a `SignedServiceMetadata` answer only if its signature holds and its signer
/// was issued by one of `trusted_cas` (DER) and is valid at `now`.
pub fn verify_signed_service_metadata(
    xml: &[u8],
    trusted_cas: &[Vec<u8>],
    now: OffsetDateTime,
) -> Result<ServiceMetadata, SmpError> {
    verify_signed_service_metadata_signer(xml, trusted_cas, now).map(|(metadata, _)| metadata)
}

/// As [`verify_signed_service_metadata`], also saying who signed.
pub fn verify_signed_service_metadata_signer(
    xml: &[u8],
    trusted_cas: &[Vec<u8>],
    now: OffsetDateTime,
) -> Result<(ServiceMetadata, SmpSigner), SmpError> {
    let doc = document(xml)?;
    let certificate = check_signature(&doc)?;
    let signer = check_signer(&certificate, trusted_cas, now)?;
    Ok((service_metadata(&doc)?, signer))
}

fn dsig_children<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().namespace() == Some(DSIG) && c.tag_name().name() == name)
}

fn only_dsig_child<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'static str) -> Result<Node<'a, 'i>, SmpError> {
    let mut found = dsig_children(node, name);
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(SmpError::SignatureForm(format!("the signature has no {name}"))),
        (Some(_), Some(_)) => Err(SmpError::SignatureForm(format!("the signature has more than one {name}"))),
    }
}

fn algorithm<'a>(node: Node<'a, '_>) -> Result<&'a str, SmpError> {
    node.attribute("Algorithm")
        .ok_or_else(|| SmpError::SignatureForm(format!("{} names no algorithm", node.tag_name().name())))
}

fn base64_of(node: Node, what: &str) -> Result<Vec<u8>, SmpError> {
    let text: String = node.text().unwrap_or("").chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64.decode(text).map_err(|_| SmpError::SignatureForm(format!("the {what} is not base64")))
}

fn canonicalization_of(method: Node) -> Result<Canonicalization, SmpError> {
    match algorithm(method)? {
        C14N_INCLUSIVE => Ok(Canonicalization::Inclusive),
        C14N_EXCLUSIVE => {
            let inclusive_prefixes = method
                .children()
                .find(|c| c.is_element() && c.tag_name().name() == "InclusiveNamespaces")
                .and_then(|c| c.attribute("PrefixList"))
                .map(|list| {
                    list.split_ascii_whitespace().map(|p| if p == "#default" { "" } else { p }.to_owned()).collect()
                })
                .unwrap_or_default();
            Ok(Canonicalization::Exclusive { inclusive_prefixes })
        }
        other => Err(SmpError::UnsupportedAlgorithm(format!("canonicalization {other}"))),
    }
}

/// Checks the answer's shape, digest and signature value; gives the signer's
/// certificate (DER), not yet trusted.
fn check_signature(doc: &Document) -> Result<Vec<u8>, SmpError> {
    let root = doc.root_element();
    match root.tag_name().name() {
        "SignedServiceMetadata" => {}
        "ServiceMetadata" => return Err(SmpError::Unsigned),
        other => return Err(SmpError::Unexpected(other.to_owned())),
    }
    let metadata_count = root.children().filter(|c| c.is_element() && c.tag_name().name() == "ServiceMetadata").count();
    if metadata_count != 1 {
        return Err(SmpError::SignatureForm(format!(
            "the answer holds {metadata_count} service metadata elements where exactly one is signed"
        )));
    }
    let mut signatures = dsig_children(root, "Signature");
    let signature = match (signatures.next(), signatures.next()) {
        (Some(one), None) => one,
        (None, _) if doc.descendants().any(|n| n.tag_name().namespace() == Some(DSIG)) => {
            return Err(SmpError::SignatureForm("the signature is not where an enveloped signature belongs".into()));
        }
        (None, _) => return Err(SmpError::Unsigned),
        (Some(_), Some(_)) => return Err(SmpError::SignatureForm("the answer carries more than one signature".into())),
    };
    if doc
        .descendants()
        .filter(|n| n.tag_name().namespace() == Some(DSIG) && n.tag_name().name() == "Signature")
        .count()
        != 1
    {
        return Err(SmpError::SignatureForm("the answer carries more than one signature".into()));
    }

    let signed_info = only_dsig_child(signature, "SignedInfo")?;
    let signed_info_c14n = canonicalization_of(only_dsig_child(signed_info, "CanonicalizationMethod")?)?;
    let signature_algorithm = match algorithm(only_dsig_child(signed_info, "SignatureMethod")?)? {
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => &rsa::RSA_PKCS1_2048_8192_SHA256,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => &rsa::RSA_PKCS1_2048_8192_SHA384,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => &rsa::RSA_PKCS1_2048_8192_SHA512,
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => &rsa::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        other => return Err(SmpError::UnsupportedAlgorithm(format!("signature {other}"))),
    };

    let reference = only_dsig_child(signed_info, "Reference")?;
    if reference.attribute("URI") != Some("") {
        return Err(SmpError::SignatureForm(
            "the signature does not cover the whole answer (Reference URI is not empty)".into(),
        ));
    }
    let transforms: Vec<&str> = dsig_children(reference, "Transforms")
        .flat_map(|t| dsig_children(t, "Transform"))
        .map(algorithm)
        .collect::<Result<_, _>>()?;
    // The enveloped-signature transform, then at most a canonicalization; a node set
    // left without one is turned into bytes by inclusive C14N (XMLDSig §4.3.3.2).
    let reference_c14n = match transforms.as_slice() {
        [ENVELOPED] => Canonicalization::Inclusive,
        [ENVELOPED, _] => {
            let transform = dsig_children(reference, "Transforms").flat_map(|t| dsig_children(t, "Transform")).nth(1);
            canonicalization_of(transform.ok_or(SmpError::Missing("a transform"))?)?
        }
        _ => {
            return Err(SmpError::SignatureForm(
                "the reference's transforms are not the enveloped signature (and a canonicalization)".into(),
            ));
        }
    };
    let digest_algorithm = match algorithm(only_dsig_child(reference, "DigestMethod")?)? {
        "http://www.w3.org/2001/04/xmlenc#sha256" => &digest::SHA256,
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => &digest::SHA384,
        "http://www.w3.org/2001/04/xmlenc#sha512" => &digest::SHA512,
        "http://www.w3.org/2000/09/xmldsig#sha1" => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        other => return Err(SmpError::UnsupportedAlgorithm(format!("digest {other}"))),
    };
    let signed_digest = base64_of(only_dsig_child(reference, "DigestValue")?, "digest value")?;

    let certificate = dsig_children(signature, "KeyInfo")
        .flat_map(|k| dsig_children(k, "X509Data"))
        .flat_map(|d| dsig_children(d, "X509Certificate"))
        .next()
        .ok_or_else(|| SmpError::SignatureForm("the signature names no certificate (KeyInfo/X509Data)".into()))?;
    let certificate = base64_of(certificate, "signing certificate")?;
    let signature_value = base64_of(only_dsig_child(signature, "SignatureValue")?, "signature value")?;

    let answer = c14n::canonicalize(doc.root(), Some(signature.id()), &reference_c14n);
    if digest::digest(digest_algorithm, &answer).as_ref() != signed_digest.as_slice() {
        return Err(SmpError::DigestMismatch);
    }

    let (_, parsed) = X509Certificate::from_der(&certificate).map_err(|e| SmpError::BadCertificate(e.to_string()))?;
    let key = parsed.public_key();
    if key.algorithm.algorithm.to_id_string() != RSA_KEY_OID {
        return Err(SmpError::UnsupportedAlgorithm("a signing key that is not RSA".into()));
    }
    let signed_bytes = c14n::canonicalize(signed_info, None, &signed_info_c14n);
    rsa::UnparsedPublicKey::new(signature_algorithm, key.subject_public_key.data.as_ref())
        .verify(&signed_bytes, &signature_value)
        .map_err(|_| SmpError::SignatureInvalid)?;
    Ok(certificate)
}

fn when(time: x509_parser::time::ASN1Time) -> String {
    time.to_datetime().date().to_string()
}

fn valid_at(certificate: &X509Certificate, now: OffsetDateTime) -> Result<(), SmpError> {
    let validity = certificate.validity();
    let at = now.unix_timestamp();
    if validity.not_before.timestamp() <= at && at <= validity.not_after.timestamp() {
        Ok(())
    } else {
        Err(SmpError::CertificateNotValidNow {
            subject: certificate.subject().to_string(),
            from: when(validity.not_before),
            until: when(validity.not_after),
        })
    }
}

/// Whether a trusted SMP CA issued the signer and both are valid at `now`.
fn check_signer(certificate_der: &[u8], trusted_cas: &[Vec<u8>], now: OffsetDateTime) -> Result<SmpSigner, SmpError> {
    let (_, certificate) =
        X509Certificate::from_der(certificate_der).map_err(|e| SmpError::BadCertificate(e.to_string()))?;
    let subject = certificate.subject().to_string();
    valid_at(&certificate, now)?;
    match certificate.key_usage() {
        Ok(Some(usage)) if !usage.value.digital_signature() && !usage.value.non_repudiation() => {
            return Err(SmpError::BadCertificate(format!("{subject} is not meant for signing")));
        }
        Ok(_) => {}
        Err(e) => return Err(SmpError::BadCertificate(e.to_string())),
    }
    let mut issuer = None;
    for ca_der in trusted_cas {
        let (_, ca) = X509Certificate::from_der(ca_der).map_err(|e| SmpError::BadTrustedCa(e.to_string()))?;
        let may_issue = ca.basic_constraints().ok().flatten().is_none_or(|c| c.value.ca);
        if may_issue
            && ca.subject().as_raw() == certificate.issuer().as_raw()
            && certificate.verify_signature(Some(ca.public_key())).is_ok()
        {
            issuer = Some(ca);
            break;
        }
    }
    let issuer =
        issuer.ok_or_else(|| SmpError::UntrustedSigner(format!("{subject}, issued by {}", certificate.issuer())))?;
    valid_at(&issuer, now)?;
    Ok(SmpSigner {
        common_name: certificate.subject().iter_common_name().next().and_then(|cn| cn.as_str().ok()).map(str::to_owned),
        subject,
        serial: certificate.serial.to_string(),
        certificate_der: certificate_der.to_vec(),
    })
}

#[cfg(test)]
#[path = "signature_tests.rs"]
mod tests;
