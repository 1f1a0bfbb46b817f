//! The Peppol participant lookup against a fake SML zone (`tests/peppol/fake_dns.py`,
//! NAPTR over UDP/TCP with dnslib) and a fake SMP (`tests/peppol/fake_smp.py`, answers
//! signed with lxml's canonical XML and a test SMP CA it makes at start): one of each per
//! test process, each test with participants of its own. It proves the whole chain
//! below the application: DNS name and NAPTR, service group, signed metadata verified
//! against the CA, the access points read, and every refusal with its reason.
//!
//! The legacy CNAME scheme is not tested because it is not used (see the module's
//! comment): Peppol's SML answers NAPTR for every participant.

use std::{
    io::{BufRead, BufReader, Write},
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
    sync::{LazyLock, Mutex},
    time::{Duration, Instant},
};

use fastfaktura::config::PeppolSettings;
use fastfaktura::integrations::peppol_lookup::{BisDocument, LookupError, PeppolCapabilities, PeppolLookup};
use fastfaktura_domain::ParticipantId;
use fastfaktura_domain::peppol::{BIS_BILLING_CREDIT_NOTE, BIS_BILLING_INVOICE};
use serde_json::{Value, json};
use time::OffsetDateTime;

const ZONE: &str = "sml.fastfaktura.test";
const ORDER: &str =
    "urn:oasis:names:specification:ubl:schema:xsd:Order-2::Order##urn:fdc:peppol.eu:poacc:trns:order:3::2.1";

struct Fakes {
    dns_address: String,
    dns_control: Mutex<(ChildStdin, BufReader<ChildStdout>)>,
    smp_base: String,
    ca_pem: String,
    _children: Mutex<Vec<Child>>,
    _pki_dir: std::path::PathBuf,
}

fn start(script: &str, arg: &str) -> (Child, ChildStdin, BufReader<ChildStdout>, Value) {
    let path = format!("{}/tests/peppol/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("python3")
        .arg(&path)
        .arg(arg)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("start python3 {script}: {e}"));
    let stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let started: Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{script} did not start: {e}: {line:?}"));
    (child, stdin, stdout, started)
}

static FAKES: LazyLock<Fakes> = LazyLock::new(|| {
    let pki_dir = std::env::temp_dir().join(format!("ff-peppol-pki-{}", std::process::id()));
    let (dns, dns_stdin, dns_stdout, dns_started) = start("fake_dns.py", ZONE);
    let (smp, smp_stdin, _smp_stdout, smp_started) = start("fake_smp.py", pki_dir.to_str().unwrap());
    // The SMP's stdin stays open while we live (it stops when this process exits).
    std::mem::forget(smp_stdin);
    Fakes {
        dns_address: dns_started["address"].as_str().unwrap().to_owned(),
        dns_control: Mutex::new((dns_stdin, dns_stdout)),
        smp_base: smp_started["base_url"].as_str().unwrap().to_owned(),
        ca_pem: smp_started["ca_pem"].as_str().unwrap().to_owned(),
        _children: Mutex::new(vec![dns, smp]),
        _pki_dir: pki_dir,
    }
});

/// Registers `participant` in the SML zone (pointing at the fake SMP) and at the SMP.
pub(crate) async fn register(participant: &str, documents: &[&str], behaviour: &str, delay: f64) -> ParticipantId {
    let fakes = &*FAKES;
    {
        let mut control = fakes.dns_control.lock().unwrap();
        let command = json!({"participant": participant, "smp": fakes.smp_base});
        writeln!(control.0, "{command}").unwrap();
        control.0.flush().unwrap();
        let mut ok = String::new();
        control.1.read_line(&mut ok).unwrap();
        assert_eq!(ok.trim(), "ok");
    }
    let settings = json!({"participant": participant, "documents": documents, "behaviour": behaviour,
                          "delay": delay, "endpoint": format!("https://ap.example/as4/{participant}")});
    let status = reqwest::Client::new()
        .post(format!("{}/_test/participants", fakes.smp_base))
        .json(&settings)
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
    ParticipantId::parse(participant).unwrap()
}

pub(crate) fn lookup_settings(timeout_seconds: u64) -> PeppolSettings {
    PeppolSettings {
        sml_zone: ZONE.into(),
        dns_server: Some(FAKES.dns_address.parse().unwrap()),
        smp_ca_file: Some(FAKES.ca_pem.clone().into()),
        timeout_seconds,
    }
}

fn lookup() -> PeppolLookup {
    PeppolLookup::new(&lookup_settings(5)).unwrap()
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[tokio::test]
async fn a_registered_participant_receives_invoices_and_credit_notes_at_its_access_point() {
    let participant = "0192:910000004";
    let id = register(participant, &[BIS_BILLING_INVOICE, BIS_BILLING_CREDIT_NOTE, ORDER], "ok", 0.0).await;
    let PeppolCapabilities::Registered(registration) = lookup().capabilities(&id, now()).await.unwrap() else {
        panic!("registered")
    };
    assert_eq!(registration.smp, FAKES.smp_base);
    for kind in [BisDocument::Invoice, BisDocument::CreditNote] {
        let ap = registration.access_point(kind).unwrap_or_else(|| panic!("an access point for {kind:?}"));
        assert_eq!(ap.address, format!("https://ap.example/as4/{participant}"));
        assert_eq!(ap.transport_profile, "peppol-transport-as4-v2_0");
        assert!(ap.certificate_subject.contains("PTEST000002"), "{}", ap.certificate_subject);
        assert!(ap.certificate_valid_until > now());
        assert!(ap.service_expiration.is_some_and(|until| until > now()));
    }
    assert_eq!(registration.other_document_types, vec![ORDER.to_owned()]);

    // Only the invoice: the credit note is not offered.
    let id = register("0192:910000012", &[BIS_BILLING_INVOICE], "ok", 0.0).await;
    let PeppolCapabilities::Registered(registration) = lookup().capabilities(&id, now()).await.unwrap() else {
        panic!("registered")
    };
    assert!(registration.access_point(BisDocument::Invoice).is_some());
    assert!(registration.access_point(BisDocument::CreditNote).is_none());
}

#[tokio::test]
async fn a_participant_the_sml_or_the_smp_does_not_know_is_not_registered() {
    // Not in the SML zone at all: NXDOMAIN.
    let unknown = ParticipantId::parse("0192:910000020").unwrap();
    assert_eq!(lookup().capabilities(&unknown, now()).await.unwrap(), PeppolCapabilities::NotRegistered);
    // In the SML, but the SMP answers 404.
    let gone = register("0192:910000039", &[BIS_BILLING_INVOICE], "404", 0.0).await;
    assert_eq!(lookup().capabilities(&gone, now()).await.unwrap(), PeppolCapabilities::NotRegistered);
}

#[tokio::test]
async fn answers_that_cannot_be_believed_are_refused_with_the_reason() {
    let tampered = register("0192:910000047", &[BIS_BILLING_INVOICE], "tamper", 0.0).await;
    let error = lookup().capabilities(&tampered, now()).await.unwrap_err();
    assert!(matches!(&error, LookupError::Refused(r) if r.contains("altered after signing")), "{error}");
    assert!(!error.is_retryable());

    let untrusted = register("0192:910000055", &[BIS_BILLING_INVOICE], "untrusted", 0.0).await;
    let error = lookup().capabilities(&untrusted, now()).await.unwrap_err();
    assert!(matches!(&error, LookupError::Refused(r) if r.contains("not issued by a trusted SMP CA")), "{error}");

    let expired = register("0192:910000063", &[BIS_BILLING_INVOICE], "expired", 0.0).await;
    let error = lookup().capabilities(&expired, now()).await.unwrap_err();
    assert!(matches!(&error, LookupError::Refused(r) if r.contains("not valid now")), "{error}");

    let wrong_redirect = register("0192:910000071", &[BIS_BILLING_INVOICE], "redirect_wrong_uid", 0.0).await;
    let error = lookup().capabilities(&wrong_redirect, now()).await.unwrap_err();
    assert!(matches!(&error, LookupError::Refused(r) if r.contains("redirect")), "{error}");

    // With no SMP CA configured nothing is believed.
    let no_ca = PeppolLookup::new(&PeppolSettings { smp_ca_file: None, ..lookup_settings(5) }).unwrap();
    assert!(matches!(no_ca.capabilities(&tampered, now()).await, Err(LookupError::NotConfigured(_))));
}

#[tokio::test]
async fn a_signed_redirect_is_followed_once() {
    let id = register("0192:910000098", &[BIS_BILLING_INVOICE], "redirect", 0.0).await;
    let PeppolCapabilities::Registered(registration) = lookup().capabilities(&id, now()).await.unwrap() else {
        panic!("registered")
    };
    let ap = registration.access_point(BisDocument::Invoice).expect("the access point at the redirect's target");
    assert_eq!(ap.address, "https://ap.example/as4/0192:910000098");
}

#[tokio::test]
async fn a_slow_or_failing_smp_is_worth_retrying_later() {
    let slow = register("0192:910000101", &[BIS_BILLING_INVOICE], "slow", 3.0).await;
    let quick = PeppolLookup::new(&lookup_settings(1)).unwrap();
    let started = Instant::now();
    let error = quick.capabilities(&slow, now()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(2500), "{:?}", started.elapsed());
    assert!(error.is_retryable(), "{error}");
    assert!(error.to_string().contains("too long"), "{error}");

    let failing = register("0192:910000128", &[BIS_BILLING_INVOICE], "500", 0.0).await;
    let error = lookup().capabilities(&failing, now()).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");

    // A DNS server that does not answer at all.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let no_dns =
        PeppolLookup::new(&PeppolSettings { dns_server: Some(silent.local_addr().unwrap()), ..lookup_settings(1) })
            .unwrap();
    let error = no_dns.capabilities(&slow, now()).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
}
