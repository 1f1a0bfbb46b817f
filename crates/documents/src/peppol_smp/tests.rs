//! The SMP reader against a published signed answer (peppol-commons, Apache-2.0, in
//! tests/fixtures/smp) and against answers a hostile or broken SMP could send.

use time::macros::datetime;

use super::*;

fn fixture() -> Vec<u8> {
    let path = format!("{}/tests/fixtures/smp/signed-service-metadata1.xml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_signed_answer_gives_the_access_point_for_its_process_and_transport() {
    let ServiceMetadata::Service(info) = parse_service_metadata(&fixture()).unwrap() else {
        panic!("a service, not a redirect")
    };
    assert_eq!(info.participant, "0088:5026744000002");
    assert!(info.document_type.starts_with("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##"));
    let process = "urn:www.cenbii.eu:profile:bii05:ver2.0";
    let during = datetime!(2020-01-01 0:00 UTC);
    let ap = info.access_point(process, "busdox-transport-as2-ver1p0", during).expect("an AS2 endpoint");
    assert_eq!(ap.address, "https://peppol.netedi.com/receive.aspx");
    assert!(ap.certificate.starts_with("MIIFrzCCA5egAwIBAgIQGFKQA5zJVxoqVfAb9mWQeTANBgkqhkiG9w0BAQsF"));
    assert!(!ap.certificate.contains(char::is_whitespace));
    assert!(!ap.requires_business_signature);
    assert_eq!(ap.expiration, Some(datetime!(2026-11-02 0:00 UTC)));
    // Expired, or another process or transport: none.
    assert!(info.access_point(process, "busdox-transport-as2-ver1p0", datetime!(2026-12-05 0:00 UTC)).is_none());
    assert!(
        info.access_point("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0", "busdox-transport-as2-ver1p0", during)
            .is_none()
    );
    assert!(info.access_point(process, "peppol-transport-as4-v2_0", during).is_none());
}

#[test]
fn a_service_group_lists_its_document_types_and_a_redirect_names_where_to_ask() {
    let group = br#"<?xml version="1.0"?>
<ServiceGroup xmlns="http://busdox.org/serviceMetadata/publishing/1.0/" xmlns:ids="http://busdox.org/transport/identifiers/1.0/">
  <ids:ParticipantIdentifier scheme="iso6523-actorid-upis">0192:987654325</ids:ParticipantIdentifier>
  <ServiceMetadataReferenceCollection>
    <ServiceMetadataReference href="https://smp.example/iso6523-actorid-upis%3A%3A0192%3A987654325/services/a"/>
    <ServiceMetadataReference href="https://smp.example/iso6523-actorid-upis%3A%3A0192%3A987654325/services/b"/>
  </ServiceMetadataReferenceCollection>
</ServiceGroup>"#;
    let read = parse_service_group(group).unwrap();
    assert_eq!(read.participant, "0192:987654325");
    assert_eq!(read.service_links.len(), 2);

    let redirect =
        br#"<SignedServiceMetadata xmlns="http://busdox.org/serviceMetadata/publishing/1.0/"><ServiceMetadata>
  <Redirect href="https://other-smp.example/x"><CertificateUID>CN=SMP 2</CertificateUID></Redirect>
</ServiceMetadata></SignedServiceMetadata>"#;
    assert_eq!(
        parse_service_metadata(redirect).unwrap(),
        ServiceMetadata::Redirect { href: "https://other-smp.example/x".into(), certificate_uid: "CN=SMP 2".into() }
    );
}

#[test]
fn hostile_or_wrong_answers_are_refused_with_the_reason() {
    let bomb = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><ServiceGroup>&b;</ServiceGroup>"#;
    assert!(matches!(parse_service_group(bomb), Err(SmpError::NotXml(_))));
    let external = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ServiceGroup>&e;</ServiceGroup>"#;
    assert!(matches!(parse_service_metadata(external), Err(SmpError::NotXml(_))));
    let huge = vec![b' '; MAX_SMP_BYTES + 1];
    assert_eq!(parse_service_group(&huge), Err(SmpError::TooLarge));
    assert_eq!(parse_service_group(b"<Invoice/>"), Err(SmpError::Unexpected("Invoice".into())));
    assert!(matches!(parse_service_metadata(b""), Err(SmpError::NotXml(_))));
    let no_endpoint_address = br#"<ServiceMetadata><ServiceInformation><ParticipantIdentifier>0088:1</ParticipantIdentifier>
<DocumentIdentifier>d</DocumentIdentifier><ProcessList><Process><ProcessIdentifier>p</ProcessIdentifier><ServiceEndpointList>
<Endpoint transportProfile="peppol-transport-as4-v2_0"><Certificate>MII</Certificate></Endpoint></ServiceEndpointList></Process>
</ProcessList></ServiceInformation></ServiceMetadata>"#;
    assert_eq!(parse_service_metadata(no_endpoint_address), Err(SmpError::Missing("an endpoint's address")));
}
