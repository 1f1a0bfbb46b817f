//! The signature check against the published example answer (signed by a real SMP with
//! another implementation, so it also checks our canonical XML), and against answers
//! signed here with generated certificates: a trusted CA, an untrusted one, an expired
//! signer, tampering and signature wrapping.

use std::sync::OnceLock;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, PKCS_RSA_SHA256};
use time::Duration;
use time::macros::datetime;

use super::*;
use crate::peppol_smp::ServiceMetadata;

const NOW: OffsetDateTime = datetime!(2026-12-05 12:00 UTC);

fn fixture() -> String {
    let path = format!("{}/tests/fixtures/smp/signed-service-metadata1.xml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The published answer was indented after it was signed: its digest matches the form
/// without the indentation (inclusive C14N, as XMLDSig says for a reference whose only
/// transform is the enveloped signature), which is what its SMP sent.
fn as_signed() -> String {
    fixture().lines().map(str::trim).collect()
}

#[test]
fn the_published_answer_verifies_with_its_own_certificate_but_its_ca_is_not_trusted_here() {
    // As published, the added indentation is a change to the signed content.
    assert_eq!(check_signature(&document(fixture().as_bytes()).unwrap()), Err(SmpError::DigestMismatch));
    let xml = as_signed();
    let doc = document(xml.as_bytes()).unwrap();
    let certificate = check_signature(&doc).expect("digest and signature of the published answer hold");
    let (_, parsed) = X509Certificate::from_der(&certificate).unwrap();
    assert!(parsed.subject().to_string().contains("CN=PNO000070"));
    // Its CA (the PEPPOL SMP CA G2) is not in the trust list given.
    let when_valid = datetime!(2020-01-01 0:00 UTC);
    assert!(matches!(
        verify_signed_service_metadata(xml.as_bytes(), &[], when_valid),
        Err(SmpError::UntrustedSigner(reason)) if reason.contains("PEPPOL SERVICE METADATA PUBLISHER CA - G2")
    ));
    // One character of the endpoint address changed: the digest no longer matches.
    let tampered = xml.replace("https://peppol.netedi.com/receive.aspx", "https://peppol.netedl.com/receive.aspx");
    assert_eq!(check_signature(&document(tampered.as_bytes()).unwrap()), Err(SmpError::DigestMismatch));
    // The signed digest changed with it: now the signature over it fails.
    let doc = document(tampered.as_bytes()).unwrap();
    let signature = doc.descendants().find(|n| n.has_tag_name((DSIG, "Signature"))).unwrap();
    let answer = c14n::canonicalize(doc.root(), Some(signature.id()), &Canonicalization::Inclusive);
    let new_digest = BASE64.encode(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &answer));
    let redigested = tampered.replace("Y0fKSXshxz7JcVsxpyjsGjggi0M=", &new_digest);
    assert_eq!(check_signature(&document(redigested.as_bytes()).unwrap()), Err(SmpError::SignatureInvalid));
}

#[test]
fn an_answer_signed_by_another_implementation_in_the_current_form_verifies() {
    let path = format!("{}/tests/fixtures/smp/lxml-signed-service-metadata.xml", env!("CARGO_MANIFEST_DIR"));
    let xml = std::fs::read(&path).unwrap();
    let certificate = check_signature(&document(&xml).unwrap()).expect("its digest and signature hold");
    let (_, parsed) = X509Certificate::from_der(&certificate).unwrap();
    assert!(parsed.subject().to_string().contains("CN=PTEST000001"));
}

struct Pki {
    ca: rcgen::Certificate,
    ca_key: KeyPair,
    smp_key: KeyPair,
}

/// One RSA key for every test signer (RSA key generation is the slow part).
fn smp_key_der() -> &'static [u8] {
    static KEY: OnceLock<Vec<u8>> = OnceLock::new();
    KEY.get_or_init(|| KeyPair::generate_for(&PKCS_RSA_SHA256).unwrap().serialize_der())
}

fn pki(ca_name: &str) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, ca_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = NOW - Duration::days(3650);
    params.not_after = NOW + Duration::days(3650);
    let ca = params.self_signed(&ca_key).unwrap();
    let smp_key = KeyPair::try_from(smp_key_der()).unwrap();
    Pki { ca, ca_key, smp_key }
}

fn smp_certificate(pki: &Pki, valid_from: OffsetDateTime, valid_until: OffsetDateTime) -> Vec<u8> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, "PNO000001");
    params.distinguished_name.push(DnType::OrganizationalUnitName, "PEPPOL TEST SMP");
    params.not_before = valid_from;
    params.not_after = valid_until;
    params.signed_by(&pki.smp_key, &pki.ca, &pki.ca_key).unwrap().der().to_vec()
}

const ANSWER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SignedServiceMetadata xmlns="http://busdox.org/serviceMetadata/publishing/1.0/" xmlns:ids="http://busdox.org/transport/identifiers/1.0/" xmlns:wsa="http://www.w3.org/2005/08/addressing">
  <ServiceMetadata>
    <ServiceInformation>
      <ids:ParticipantIdentifier scheme="iso6523-actorid-upis">0192:987654325</ids:ParticipantIdentifier>
      <ids:DocumentIdentifier scheme="busdox-docid-qns">urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1</ids:DocumentIdentifier>
      <ProcessList>
        <Process>
          <ids:ProcessIdentifier scheme="cenbii-procid-ubl">urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</ids:ProcessIdentifier>
          <ServiceEndpointList>
            <Endpoint transportProfile="peppol-transport-as4-v2_0">
              <wsa:EndpointReference><wsa:Address>https://ap.example/as4</wsa:Address></wsa:EndpointReference>
              <RequireBusinessLevelSignature>false</RequireBusinessLevelSignature>
              <Certificate>MIIBAP</Certificate>
              <ServiceDescription>Test &amp; more</ServiceDescription>
              <TechnicalContactUrl>https://ap.example/contact</TechnicalContactUrl>
            </Endpoint>
          </ServiceEndpointList>
        </Process>
      </ProcessList>
    </ServiceInformation>
  </ServiceMetadata>
SIGNATURE</SignedServiceMetadata>"#;

/// Signs `xml` (with `SIGNATURE` where the signature goes) as an SMP would.
fn sign(xml: &str, c14n_uri: &str, certificate: &[u8]) -> String {
    let template = format!(
        r#"<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="{c14n_uri}"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue>DIGEST</DigestValue></Reference></SignedInfo><SignatureValue>VALUE</SignatureValue><KeyInfo><X509Data><X509Certificate>{}</X509Certificate></X509Data></KeyInfo></Signature>"#,
        BASE64.encode(certificate)
    );
    let with_template = xml.replace("SIGNATURE", &template);
    let doc = Document::parse(&with_template).unwrap();
    let signature = doc.descendants().find(|n| n.has_tag_name((DSIG, "Signature"))).unwrap();
    let answer = c14n::canonicalize(doc.root(), Some(signature.id()), &Canonicalization::Inclusive);
    let with_digest = with_template.replace("DIGEST", &BASE64.encode(digest::digest(&digest::SHA256, &answer)));
    let doc = Document::parse(&with_digest).unwrap();
    let signed_info = doc.descendants().find(|n| n.has_tag_name((DSIG, "SignedInfo"))).unwrap();
    let method = canonicalization_of(signed_info.first_element_child().unwrap()).unwrap();
    let bytes = c14n::canonicalize(signed_info, None, &method);
    let key = RsaKeyPair::from_pkcs8(smp_key_der()).unwrap();
    let mut value = vec![0; key.public_modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), &bytes, &mut value).unwrap();
    with_digest.replace("VALUE", &BASE64.encode(value))
}

fn valid_signer(pki: &Pki) -> Vec<u8> {
    smp_certificate(pki, NOW - Duration::days(30), NOW + Duration::days(300))
}

#[test]
fn an_answer_signed_by_a_trusted_smp_ca_is_read_in_either_canonical_form() {
    let pki = pki("Test SMP CA");
    for c14n_uri in [C14N_INCLUSIVE, C14N_EXCLUSIVE] {
        let signed = sign(ANSWER, c14n_uri, &valid_signer(&pki));
        let (metadata, signer) =
            verify_signed_service_metadata_signer(signed.as_bytes(), &[pki.ca.der().to_vec()], NOW).unwrap();
        let ServiceMetadata::Service(info) = metadata else { panic!("a service") };
        assert_eq!(info.participant, "0192:987654325");
        assert_eq!(info.processes[0].endpoints[0].address, "https://ap.example/as4");
        assert_eq!(signer.common_name.as_deref(), Some("PNO000001"));
    }
}

#[test]
fn a_signer_from_another_ca_even_one_with_the_same_name_is_refused() {
    let trusted = pki("Test SMP CA");
    let other = pki("Some Other CA");
    let signed = sign(ANSWER, C14N_INCLUSIVE, &valid_signer(&other));
    assert!(matches!(
        verify_signed_service_metadata(signed.as_bytes(), &[trusted.ca.der().to_vec()], NOW),
        Err(SmpError::UntrustedSigner(reason)) if reason.contains("Some Other CA")
    ));
    let impostor = pki("Test SMP CA");
    let signed = sign(ANSWER, C14N_INCLUSIVE, &valid_signer(&impostor));
    assert!(matches!(
        verify_signed_service_metadata(signed.as_bytes(), &[trusted.ca.der().to_vec()], NOW),
        Err(SmpError::UntrustedSigner(_))
    ));
    assert!(matches!(
        verify_signed_service_metadata(signed.as_bytes(), &[b"not a certificate".to_vec()], NOW),
        Err(SmpError::BadTrustedCa(_))
    ));
}

#[test]
fn an_expired_or_not_yet_valid_signer_is_refused() {
    let pki = pki("Test SMP CA");
    let trusted = [pki.ca.der().to_vec()];
    let expired =
        sign(ANSWER, C14N_INCLUSIVE, &smp_certificate(&pki, NOW - Duration::days(400), NOW - Duration::days(1)));
    let error = verify_signed_service_metadata(expired.as_bytes(), &trusted, NOW).unwrap_err();
    assert!(matches!(error, SmpError::CertificateNotValidNow { .. }));
    assert!(error.to_string().contains("PNO000001"), "{error}");
    let future =
        sign(ANSWER, C14N_INCLUSIVE, &smp_certificate(&pki, NOW + Duration::days(1), NOW + Duration::days(400)));
    assert!(matches!(
        verify_signed_service_metadata(future.as_bytes(), &trusted, NOW),
        Err(SmpError::CertificateNotValidNow { .. })
    ));
}

#[test]
fn tampering_after_signing_is_refused_with_the_reason() {
    let pki = pki("Test SMP CA");
    let trusted = [pki.ca.der().to_vec()];
    let signed = sign(ANSWER, C14N_INCLUSIVE, &valid_signer(&pki));
    let moved_endpoint = signed.replace("https://ap.example/as4", "https://ap.exbmple/as4");
    let error = verify_signed_service_metadata(moved_endpoint.as_bytes(), &trusted, NOW).unwrap_err();
    assert_eq!(error, SmpError::DigestMismatch);
    assert!(error.to_string().contains("altered after signing"));
    // Whitespace that canonical XML keeps is part of what was signed.
    let reindented = signed.replace("<ProcessList>", "<ProcessList> ");
    assert_eq!(verify_signed_service_metadata(reindented.as_bytes(), &trusted, NOW), Err(SmpError::DigestMismatch));
    // A different attribute order or quoting is the same document.
    let requoted = signed.replace(r#"scheme="iso6523-actorid-upis""#, "scheme='iso6523-actorid-upis'");
    assert!(verify_signed_service_metadata(requoted.as_bytes(), &trusted, NOW).is_ok());
    // The signature value itself altered.
    let value_start = signed.find("<SignatureValue>").unwrap() + "<SignatureValue>".len();
    let mut bad_value = signed.clone();
    let flipped = if &signed[value_start..value_start + 1] == "A" { "B" } else { "A" };
    bad_value.replace_range(value_start..value_start + 1, flipped);
    assert_eq!(verify_signed_service_metadata(bad_value.as_bytes(), &trusted, NOW), Err(SmpError::SignatureInvalid));
    // Signed with one algorithm claimed, another named.
    let renamed = signed.replace("xmldsig-more#rsa-sha256", "xmldsig-more#rsa-sha512");
    assert_eq!(verify_signed_service_metadata(renamed.as_bytes(), &trusted, NOW), Err(SmpError::SignatureInvalid));
    let md5 = signed.replace("xmldsig-more#rsa-sha256", "xmldsig-more#rsa-md5");
    assert!(matches!(
        verify_signed_service_metadata(md5.as_bytes(), &trusted, NOW),
        Err(SmpError::UnsupportedAlgorithm(_))
    ));
}

#[test]
fn signature_wrapping_and_unsigned_answers_are_refused() {
    let pki = pki("Test SMP CA");
    let trusted = [pki.ca.der().to_vec()];
    let signed = sign(ANSWER, C14N_INCLUSIVE, &valid_signer(&pki));
    let form = |xml: &str| verify_signed_service_metadata(xml.as_bytes(), &trusted, NOW);

    // A second, unsigned ServiceMetadata ahead of the signed one.
    let evil = "<ServiceMetadata><Redirect href=\"https://evil.example\"><CertificateUID>x</CertificateUID></Redirect></ServiceMetadata>";
    let wrapped = signed.replacen("<ServiceMetadata>", &format!("{evil}<ServiceMetadata>"), 1);
    assert!(matches!(form(&wrapped), Err(SmpError::SignatureForm(r)) if r.contains("2 service metadata")));

    // The whole signed answer moved inside a new one with other content.
    let signed_body = signed.trim_start_matches(|c| c != '\n');
    let outer = format!(
        "<SignedServiceMetadata xmlns=\"http://busdox.org/serviceMetadata/publishing/1.0/\">{evil}<Extra>{signed_body}</Extra></SignedServiceMetadata>"
    );
    assert!(matches!(form(&outer), Err(SmpError::SignatureForm(_))));

    // The signature moved inside the ServiceMetadata.
    let start = signed.find("<Signature ").unwrap();
    let end = signed.find("</Signature>").unwrap() + "</Signature>".len();
    let signature = &signed[start..end];
    let moved =
        signed.replace(signature, "").replace("</ServiceInformation>", &format!("</ServiceInformation>{signature}"));
    assert!(matches!(form(&moved), Err(SmpError::SignatureForm(_))));

    // A reference to part of the document only.
    let partial = signed.replace(r#"<Reference URI="">"#, r##"<Reference URI="#part">"##);
    assert!(matches!(form(&partial), Err(SmpError::SignatureForm(r)) if r.contains("whole answer")));

    // No signature at all, or a bare ServiceMetadata.
    assert_eq!(form(&ANSWER.replace("SIGNATURE", "")), Err(SmpError::Unsigned));
    let bare = "<ServiceMetadata xmlns=\"http://busdox.org/serviceMetadata/publishing/1.0/\"/>";
    assert_eq!(form(bare), Err(SmpError::Unsigned));
}
