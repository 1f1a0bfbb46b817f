//! The Storecove adapter's pure parts: the scheme table, how answers are classified and
//! read, and the webhook signature and bodies. The exchanges themselves are tested
//! against the fake server (`tests/integration/storecove_provider.rs`).

use axum::http::{HeaderMap, HeaderValue};
use fastfaktura_domain::peppol::{Icd, IcdStatus};

use super::webhook::{SIGNATURE_HEADER, read_body, read_pushed, sign, verify_signature};
use super::*;

const KEY: &str = "sc_live_0123456789abcdef";

#[test]
fn the_scheme_table_names_real_active_schemes() {
    for (code, mnemonic) in schemes::STORECOVE_SCHEMES {
        let icd = Icd::from_code(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(icd.status(), IcdStatus::Active, "{code} is not active in the Peppol code list");
        if schemes::DIFFERS_FROM_CODE_LIST.contains(code) {
            assert_ne!(icd.scheme_id(), *mnemonic, "{code}");
        } else {
            assert_eq!(icd.scheme_id(), *mnemonic, "{code}: a typo, or a difference to list");
        }
    }
    for (code, mnemonic) in [
        ("0192", "NO:ORG"),
        ("0007", "SE:ORGNR"),
        ("0216", "FI:OVT"),
        ("0184", "DK:DIGST"),
        ("0196", "IS:KT"),
        ("0088", "GLN"),
        ("9930", "DE:VAT"),
        ("0204", "DE:LWID"),
    ] {
        assert_eq!(schemes::storecove_scheme(code), Some(mnemonic));
    }
}

#[test]
fn a_scheme_without_a_mnemonic_is_refused_before_any_call() {
    let participant = ParticipantId::parse("0151:47555222000").unwrap();
    let e = scheme_of(&participant).unwrap_err();
    let AccessPointError::Refused { reason } = &e else { panic!("{e:?}") };
    assert!(reason.contains("0151") && reason.contains("Storecove"), "{reason}");
    assert!(!e.retryable());
    assert_eq!(scheme_of(&ParticipantId::parse("0192:987654325").unwrap()).unwrap(), "NO:ORG");
}

#[test]
fn answers_are_sorted_by_what_the_caller_should_do() {
    assert_eq!(classify(401, b"{\"errors\":[{\"details\":\"bad key sc_live\"}]}", KEY), AccessPointError::Unauthorized);
    assert_eq!(classify(403, b"", KEY), AccessPointError::Unauthorized);
    for status in [408, 429, 500, 502, 503] {
        assert!(classify(status, b"", KEY).retryable(), "{status}");
    }
    let body = br#"{"errors":[{"source":"routing","details":"The receiver is not on Peppol"},
        {"source":"document","details":["Invalid UBL","BR-16"]},{"source":"","details":""}]}"#;
    let AccessPointError::Refused { reason } = classify(422, body, KEY) else { panic!() };
    assert_eq!(reason, "The receiver is not on Peppol (routing); Invalid UBL, BR-16 (document)");
    // The key is cut out of anything the provider quotes back, and control characters go.
    let quoted = format!(r#"{{"errors":[{{"source":"auth","details":"key {KEY} unknown\n"}}]}}"#);
    let shown = classify(422, quoted.as_bytes(), KEY).to_string();
    assert!(!shown.contains(KEY) && shown.contains("[hidden]") && !shown.contains('\n'), "{shown}");
    let AccessPointError::Refused { reason } = classify(400, b"<html>", KEY) else { panic!() };
    assert_eq!(reason, "Storecove refused the request (HTTP 400)");
}

fn evidence(json: &str) -> SubmissionStatus {
    evidence_status(&serde_json::from_str(json).unwrap())
}

#[test]
fn evidence_says_delivered_failed_or_on_its_way() {
    assert_eq!(evidence(r#"{"guid":"a","status":"pending","actions":[]}"#), SubmissionStatus::Submitted);
    assert_eq!(evidence(r#"{}"#), SubmissionStatus::Submitted);
    let delivered = evidence(
        r#"{"status":"succeeded","actions":[{"transmission_datetime":"2026-12-05T10:11:12Z",
            "transmission_type":"peppol","transmission_result":"accepted"}]}"#,
    );
    let at = OffsetDateTime::parse("2026-12-05T10:11:12Z", &Rfc3339).unwrap();
    assert_eq!(delivered, SubmissionStatus::Delivered { at: Some(at) });
    let spaced =
        evidence(r#"{"actions":[{"transmission_datetime":"2026-12-05 10:11:12","transmission_result":"accepted"}]}"#);
    assert_eq!(spaced, SubmissionStatus::Delivered { at: Some(at) });
    let failed = evidence(
        r#"{"status":"failed","actions":[{"transmission_result":"rejected",
            "receiver_response":"Unknown buyer reference\u0007"}]}"#,
    );
    assert_eq!(
        failed,
        SubmissionStatus::Failed {
            reason: "the receiver's access point rejected the document: Unknown buyer reference".into()
        }
    );
    let SubmissionStatus::Failed { reason } = evidence(r#"{"status":"no_action_taken","actions":[]}"#) else {
        panic!()
    };
    assert!(reason.contains("no action taken"), "{reason}");
}

#[test]
fn ids_that_go_into_a_path_are_checked() {
    assert!(checked_guid("5f0c8e2a-1b2c-4d3e-8f90-123456789abc").is_ok());
    for bad in ["", "../legal_entities", "a/b", "a?b", "a b", "%2e%2e"] {
        assert!(checked_guid(bad).is_err(), "{bad}");
    }
    assert!(legal_entity_number(&LegalEntityId("123".into())).is_ok());
    assert!(legal_entity_number(&LegalEntityId("12a".into())).is_err());
    assert!(legal_entity_number(&LegalEntityId("-4".into())).is_err());
}

#[test]
fn the_key_never_shows() {
    let client = StorecoveClient::new("https://api.storecove.com/api/v2/", ProviderSecret::new(KEY)).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(KEY) && shown.contains("[hidden]"), "{shown}");
    assert_eq!(format!("{:?}", ProviderSecret::new(KEY)), "[hidden]");
    // Plain HTTP only to loopback; a key a header cannot carry is refused.
    assert!(StorecoveClient::new("http://api.storecove.com/api/v2/", ProviderSecret::new(KEY)).is_err());
    assert!(StorecoveClient::new("http://127.0.0.1:9/api/v2", ProviderSecret::new(KEY)).is_ok());
    let e = StorecoveClient::new("https://api.storecove.com/", ProviderSecret::new("a\nb")).unwrap_err();
    assert!(!format!("{e} {e:?}").contains("a\nb"));
}

const SECRET: &str = "whsec_storecove_test";
const T: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"guid":"a","body":"{}"}"#;
/// HMAC-SHA256(SECRET, "1700000000." + BODY), computed with Python's hmac module.
const V1: &str = "68fff5ec471fd5a1bc6043bd7c4f8643c13516e488d2378a20fa4515e910ef44";

#[test]
fn the_signature_is_hmac_sha256_of_the_timestamp_and_raw_body() {
    let secret = ProviderSecret::new(SECRET);
    assert_eq!(sign(&secret, T, BODY), V1);
    let header = format!("t={T},v1={V1}");
    assert_eq!(verify_signature(Some(&header), BODY, &secret, T + 10), Ok(()));
    // Another candidate before the right one (a rolled secret) still matches.
    assert_eq!(verify_signature(Some(&format!("t={T}, v1=00ff, v1={V1}")), BODY, &secret, T), Ok(()));
    assert_eq!(verify_signature(None, BODY, &secret, T), Err(WebhookError::MissingSignature));
    assert_eq!(verify_signature(Some("garbage"), BODY, &secret, T), Err(WebhookError::MalformedSignature));
    assert_eq!(verify_signature(Some(&format!("v1={V1}")), BODY, &secret, T), Err(WebhookError::MalformedSignature));
    assert_eq!(verify_signature(Some(&format!("t={T}")), BODY, &secret, T), Err(WebhookError::MalformedSignature));
    let altered = br#"{"guid":"a","body":"{ }"}"#;
    assert_eq!(verify_signature(Some(&header), altered, &secret, T), Err(WebhookError::BadSignature));
    let other = ProviderSecret::new("whsec_other");
    assert_eq!(verify_signature(Some(&header), BODY, &other, T), Err(WebhookError::BadSignature));
    assert_eq!(
        verify_signature(Some(&header), BODY, &ProviderSecret::new(""), T),
        Err(WebhookError::MalformedSignature)
    );
    assert_eq!(verify_signature(Some(&header), BODY, &secret, T + 301), Err(WebhookError::Stale));
    assert_eq!(verify_signature(Some(&header), BODY, &secret, T - 301), Err(WebhookError::Stale));
}

#[test]
fn a_pushed_webhook_is_read_only_after_its_signature() {
    let secret = ProviderSecret::new(SECRET);
    let body = serde_json::json!({
        "guid": "wh-1",
        "body": r#"{"event_type":"document_submission","event":"succeeded","document_submission_guid":"sub-1"}"#,
    })
    .to_string();
    let mut headers = HeaderMap::new();
    let signature = format!("t={T},v1={}", sign(&secret, T, body.as_bytes()));
    headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(&signature).unwrap());
    assert_eq!(
        read_pushed(&headers, body.as_bytes(), &secret, T),
        Ok(AccessPointEvent::SubmissionUpdate {
            id: SubmissionId("sub-1".into()),
            status: SubmissionStatus::Delivered { at: None }
        })
    );
    assert_eq!(read_pushed(&HeaderMap::new(), body.as_bytes(), &secret, T), Err(WebhookError::MissingSignature));
    // A signed body that is not a webhook instance is unreadable, not a panic.
    let junk = b"[1,2";
    let mut junk_headers = HeaderMap::new();
    junk_headers
        .insert(SIGNATURE_HEADER, HeaderValue::from_str(&format!("t={T},v1={}", sign(&secret, T, junk))).unwrap());
    assert!(matches!(read_pushed(&junk_headers, junk, &secret, T), Err(WebhookError::Unreadable(_))));
}

#[test]
fn webhook_bodies_are_read_under_each_name_seen() {
    let received = read_body(
        r#"{"event_type":"received_document","event":"received","document_guid":"doc-1",
            "legal_entity_id":42,"tenant_id":"biz-7"}"#,
    );
    assert_eq!(
        received,
        Ok(AccessPointEvent::DocumentReceived {
            id: ReceivedDocumentId("doc-1".into()),
            legal_entity: Some(LegalEntityId("42".into())),
            tenant: Some("biz-7".into()),
        })
    );
    let failed = read_body(
        r#"{"event_type":"document_submission","event":"failed","guid":"sub-2","details":"receiver unknown"}"#,
    );
    assert_eq!(
        failed,
        Ok(AccessPointEvent::SubmissionUpdate {
            id: SubmissionId("sub-2".into()),
            status: SubmissionStatus::Failed {
                reason: "Storecove reports the delivery failed: receiver unknown".into()
            },
        })
    );
    let older = read_body(r#"{"invoice_submission_guid":"sub-3","event":"document.sent"}"#);
    assert!(matches!(older, Ok(AccessPointEvent::SubmissionUpdate { status: SubmissionStatus::Delivered { .. }, .. })));
    let pending = read_body(r#"{"event_type":"document_submission","event":"processing","guid":"s"}"#);
    assert!(matches!(pending, Ok(AccessPointEvent::SubmissionUpdate { status: SubmissionStatus::Submitted, .. })));
    assert_eq!(
        read_body(r#"{"event_type":"legal_entity","event":"updated"}"#),
        Ok(AccessPointEvent::Other { kind: "legal_entity/updated".into() })
    );
    assert!(matches!(read_body(r#"{"event_type":"document_submission"}"#), Err(WebhookError::Unreadable(_))));
    assert!(matches!(read_body("not json"), Err(WebhookError::Unreadable(_))));
}
