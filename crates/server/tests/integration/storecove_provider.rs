//! The Storecove adapter against the fake Storecove (`tests/storecove/fake_storecove.py`,
//! Python standard library only): one fake per test process, each test in its own
//! account (its own API key). The fake speaks Storecove API v2's wire format, so these
//! tests drive the real `StorecoveClient` through the `AccessPoint` trait: submit and
//! its idempotency across a lost answer, evidence, refusals, a bad key, failures and
//! silences, discovery, registration, received documents, and webhooks pulled from the
//! queue and pushed to us with a signature.

use std::{
    process::Child,
    sync::{LazyLock, Mutex},
    time::Duration,
};

use axum::{Router, body::Bytes, extract::State, http::HeaderMap, routing::post};
use base64::{Engine, engine::general_purpose::STANDARD};
use fastfaktura::integrations::access_point::{
    AccessPoint, AccessPointError, AccessPointEvent, DocumentKind, LegalEntityDetails, LegalEntityId, ProviderSecret,
    Submission, SubmissionId, SubmissionStatus, WebhookError,
};
use fastfaktura::integrations::storecove::StorecoveClient;
use fastfaktura_domain::peppol::ParticipantId;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use uuid::Uuid;

static SERVER: LazyLock<(String, Mutex<Child>)> = LazyLock::new(|| {
    // Its stdin stays open while we live; when this process exits the server stops.
    let (base_url, child) = crate::helpers::start_python_fake("storecove/fake_storecove.py", "the fake Storecove");
    (base_url, Mutex::new(child))
});

/// The fake's API address (`http://127.0.0.1:…/api/v2/`).
pub(crate) fn base_url() -> &'static str {
    &SERVER.0
}

/// The fake's origin, where its test controls are.
fn origin() -> String {
    base_url().trim_end_matches("api/v2/").trim_end_matches('/').to_owned()
}

const UBL_INVOICE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
         xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>2026-0042</cbc:ID>
</Invoice>
"#;

/// One test's account at the fake: its key and the control calls.
pub(crate) struct Account {
    pub(crate) key: String,
    http: reqwest::Client,
}

impl Account {
    pub(crate) async fn new() -> Self {
        let http = reqwest::Client::new();
        let answer: Value =
            http.post(format!("{}/_test/accounts", origin())).send().await.unwrap().json().await.unwrap();
        Self { key: answer["api_key"].as_str().unwrap().to_owned(), http }
    }

    fn client(&self) -> StorecoveClient {
        StorecoveClient::new(base_url(), ProviderSecret::new(&self.key)).unwrap()
    }

    pub(crate) async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", origin())).bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "control {path}: {}", response.status());
        response.json().await.unwrap()
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> Value {
        self.control(reqwest::Method::POST, path, Some(body)).await
    }

    pub(crate) async fn counters(&self) -> Value {
        self.control(reqwest::Method::GET, "/_test/counters", None).await
    }

    /// The business's legal entity at the fake, as our client registers it.
    pub(crate) async fn legal_entity(&self, tenant: &str) -> LegalEntityId {
        self.client().register_legal_entity(&details(tenant)).await.unwrap()
    }
}

fn details(tenant: &str) -> LegalEntityDetails {
    LegalEntityDetails {
        name: "Fjord Consulting AS".into(),
        line1: "Storgata 1".into(),
        line2: None,
        city: "Oslo".into(),
        zip: "0155".into(),
        county: None,
        country: "no".into(),
        tenant_id: tenant.into(),
        public: true,
        acts_as_sender: true,
        acts_as_receiver: true,
        tax_registered: true,
    }
}

fn receiver() -> ParticipantId {
    ParticipantId::parse("0192:987654325").unwrap()
}

fn submission(sender: &LegalEntityId) -> Submission {
    Submission {
        sender: sender.clone(),
        receiver: receiver(),
        kind: DocumentKind::Invoice,
        ubl: UBL_INVOICE.as_bytes().to_vec(),
        idempotency_key: Uuid::new_v4(),
    }
}

/// Neither the message nor the debug form of `error` holds `key`.
fn assert_key_kept(error: &impl std::fmt::Debug, shown: &str, key: &str) {
    let all = format!("{shown} | {error:?}");
    assert!(!all.contains(key), "the API key leaked: {all}");
}

#[tokio::test]
async fn a_submission_is_sent_once_across_a_retry_after_a_lost_answer() {
    let account = Account::new().await;
    let sender = account.legal_entity("biz-1").await;
    let document = submission(&sender);

    // The fake takes the submission but answers after the client stopped waiting.
    account.post("/_test/fail_next", json!({"count": 1, "hang": 2.0})).await;
    let slow = account.client().with_timeout(Duration::from_millis(500));
    let e = slow.submit(&document).await.unwrap_err();
    assert!(e.retryable(), "{e:?}");
    assert!(e.to_string().contains("did not answer"), "{e}");
    assert_key_kept(&e, &e.to_string(), &account.key);
    assert_eq!(account.counters().await["sends"], 1);

    // The retry, same idempotency key: the first submission's id, nothing sent again.
    let id = account.client().submit(&document).await.unwrap();
    assert_eq!(account.client().submit(&document).await.unwrap(), id);
    assert_eq!(account.counters().await["sends"], 1);

    // What went over the wire is Storecove's shape.
    let sent = account.control(reqwest::Method::GET, &format!("/_test/submissions/{id}"), None).await;
    assert_eq!(sent["legalEntityId"].as_i64().unwrap().to_string(), sender.0);
    assert_eq!(sent["idempotencyGuid"], document.idempotency_key.to_string());
    assert_eq!(sent["routing"]["eIdentifiers"], json!([{"scheme": "NO:ORG", "id": "987654325"}]));
    assert_eq!(sent["document"]["documentType"], "invoice");
    let raw = &sent["document"]["rawDocumentData"];
    assert_eq!((raw["parse"].as_bool(), raw["parseStrategy"].as_str()), (Some(true), Some("ubl")));
    assert_eq!(STANDARD.decode(raw["document"].as_str().unwrap()).unwrap(), UBL_INVOICE.as_bytes());

    // Another invoice (another key) is another send.
    let other = account.client().submit(&submission(&sender)).await.unwrap();
    assert_ne!(other, id);
    assert_eq!(account.counters().await["sends"], 2);
}

#[tokio::test]
async fn the_status_follows_the_evidence_to_delivered_or_failed() {
    let account = Account::new().await;
    let client = account.client();
    let sender = account.legal_entity("biz-2").await;
    let first = client.submit(&submission(&sender)).await.unwrap();
    assert_eq!(client.status(&first).await.unwrap(), SubmissionStatus::Submitted);
    account.post(&format!("/_test/submissions/{first}"), json!({"outcome": "delivered"})).await;
    let SubmissionStatus::Delivered { at: Some(at) } = client.status(&first).await.unwrap() else { panic!() };
    assert!((time::OffsetDateTime::now_utc() - at).whole_seconds().abs() < 60, "{at}");

    let second = client.submit(&submission(&sender)).await.unwrap();
    let why = "Unknown buyer reference: the receiver requires a purchase order number";
    account.post(&format!("/_test/submissions/{second}"), json!({"outcome": "failed", "reason": why})).await;
    assert_eq!(
        client.status(&second).await.unwrap(),
        SubmissionStatus::Failed { reason: format!("the receiver's access point rejected the document: {why}") }
    );

    // An id Storecove never gave: no evidence, so still on its way (never a failure by guess).
    let unknown = SubmissionId(Uuid::new_v4().to_string());
    assert_eq!(client.status(&unknown).await.unwrap(), SubmissionStatus::Submitted);
}

#[tokio::test]
async fn a_refusal_gives_storecoves_reason_in_plain_words() {
    let account = Account::new().await;
    let client = account.client();
    let sender = account.legal_entity("biz-3").await;

    let mut not_ubl = submission(&sender);
    not_ubl.ubl = b"<Order xmlns=\"urn:example\"/>".to_vec();
    let e = client.submit(&not_ubl).await.unwrap_err();
    assert_eq!(
        e,
        AccessPointError::Refused { reason: "The document is not a UBL 2.1 Invoice or CreditNote. (document)".into() }
    );
    assert!(!e.retryable());

    // A legal entity that is not this account's.
    let e = client.submit(&submission(&LegalEntityId("999".into()))).await.unwrap_err();
    let AccessPointError::Refused { reason } = &e else { panic!("{e:?}") };
    assert!(reason.contains("legalEntityId"), "{reason}");

    // A scheme Storecove has no mnemonic for here is refused before anything is sent.
    let before = account.counters().await["requests"].as_i64().unwrap();
    let mut australian = submission(&sender);
    australian.receiver = ParticipantId::parse("0151:47555222000").unwrap();
    let e = client.submit(&australian).await.unwrap_err();
    assert!(matches!(&e, AccessPointError::Refused { reason } if reason.contains("0151")), "{e:?}");
    assert_eq!(account.counters().await["requests"].as_i64().unwrap(), before);
    assert_eq!(account.counters().await["sends"], 0);
}

#[tokio::test]
async fn a_bad_key_is_unauthorized_and_never_shown() {
    let account = Account::new().await;
    let sender = account.legal_entity("biz-4").await;
    let wrong_key = format!("{}-revoked", account.key);
    let client = StorecoveClient::new(base_url(), ProviderSecret::new(&wrong_key)).unwrap();
    let e = client.submit(&submission(&sender)).await.unwrap_err();
    assert_eq!(e, AccessPointError::Unauthorized);
    assert!(!e.retryable());
    assert_key_kept(&e, &e.to_string(), &wrong_key);
    for e in [
        client.status(&SubmissionId(Uuid::new_v4().to_string())).await.unwrap_err(),
        client.next_webhook().await.unwrap_err(),
        client.receives(&receiver(), DocumentKind::Invoice).await.unwrap_err(),
    ] {
        assert_eq!(e, AccessPointError::Unauthorized);
    }
    assert_key_kept(&client, &format!("{client:?}"), &wrong_key);
}

#[tokio::test]
async fn an_unavailable_or_silent_provider_is_retryable() {
    let account = Account::new().await;
    let sender = account.legal_entity("biz-5").await;
    let document = submission(&sender);

    account.post("/_test/fail_next", json!({"count": 2, "status": 503})).await;
    for _ in 0..2 {
        let e = account.client().submit(&document).await.unwrap_err();
        assert_eq!(e, AccessPointError::Unavailable { reason: "Storecove answered HTTP 503".into() });
        assert!(e.retryable());
        assert_key_kept(&e, &e.to_string(), &account.key);
    }
    assert_eq!(account.counters().await["sends"], 0);

    account.post("/_test/fail_next", json!({"count": 1, "hang": 2.0})).await;
    let slow = account.client().with_timeout(Duration::from_millis(400));
    let e = slow.status(&SubmissionId(Uuid::new_v4().to_string())).await.unwrap_err();
    assert!(matches!(&e, AccessPointError::Unavailable { reason } if reason.contains("did not answer")), "{e:?}");

    // Nobody listening at all.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let nowhere =
        StorecoveClient::new(&format!("http://127.0.0.1:{port}/api/v2/"), ProviderSecret::new(&account.key)).unwrap();
    let e = nowhere.submit(&document).await.unwrap_err();
    assert!(e.retryable(), "{e:?}");
    assert_key_kept(&e, &e.to_string(), &account.key);

    // After all that, the send goes through once.
    account.client().submit(&document).await.unwrap();
    assert_eq!(account.counters().await["sends"], 1);
}

#[tokio::test]
async fn a_pulled_webhook_brings_a_received_document_and_its_original_bytes() {
    let account = Account::new().await;
    let client = account.client();
    assert!(client.next_webhook().await.unwrap().is_none(), "an empty queue is 204");

    let entity = account.legal_entity("biz-6").await;
    let original = "<?xml version=\"1.0\"?>\n<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">\u{00e6}\u{00f8}\u{00e5}</Invoice>\r\n";
    let delivered = account
        .post(
            "/_test/deliver",
            json!({"legal_entity_id": entity.0.parse::<i64>().unwrap(), "document": STANDARD.encode(original)}),
        )
        .await;

    let pulled = client.next_webhook().await.unwrap().expect("a webhook is queued");
    let AccessPointEvent::DocumentReceived { id, legal_entity, tenant } = pulled.event.clone().unwrap() else {
        panic!("{pulled:?}")
    };
    assert_eq!(id.0, delivered["document_guid"].as_str().unwrap());
    assert_eq!(legal_entity, Some(entity.clone()));
    assert_eq!(tenant.as_deref(), Some("biz-6"));
    assert_eq!(client.fetch_received(&id).await.unwrap(), original.as_bytes());

    // It stays first until acknowledged; acknowledging twice is fine.
    assert_eq!(client.next_webhook().await.unwrap().unwrap().instance, pulled.instance);
    client.acknowledge_webhook(&pulled.instance).await.unwrap();
    client.acknowledge_webhook(&pulled.instance).await.unwrap();
    assert!(client.next_webhook().await.unwrap().is_none());

    // A submission's outcome comes through the same queue.
    let id = client.submit(&submission(&entity)).await.unwrap();
    account.post(&format!("/_test/submissions/{id}"), json!({"outcome": "delivered"})).await;
    let pulled = client.next_webhook().await.unwrap().unwrap();
    assert_eq!(
        pulled.event.unwrap(),
        AccessPointEvent::SubmissionUpdate { id, status: SubmissionStatus::Delivered { at: None } }
    );
}

/// A local endpoint the fake pushes webhooks to; each arrives as its headers and raw body.
async fn webhook_endpoint() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let app =
        Router::new()
            .route(
                "/hooks/storecove",
                post(
                    |State(sender): State<mpsc::UnboundedSender<(HeaderMap, Bytes)>>,
                     headers: HeaderMap,
                     body: Bytes| async move {
                        sender.send((headers, body)).ok();
                        "ok"
                    },
                ),
            )
            .with_state(sender);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/storecove", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, receiver)
}

#[tokio::test]
async fn a_pushed_webhook_is_read_only_with_a_good_signature() {
    let account = Account::new().await;
    let client = account.client();
    let entity = account.legal_entity("biz-7").await;
    let (url, mut pushed) = webhook_endpoint().await;
    let secret = ProviderSecret::new("whsec_fastfaktura_storecove");

    account.post("/_test/push", json!({"url": url, "secret": secret.expose()})).await;
    let id = client.submit(&submission(&entity)).await.unwrap();
    account.post(&format!("/_test/submissions/{id}"), json!({"outcome": "failed", "reason": "Receiver unknown"})).await;
    let (headers, body) = pushed.recv().await.unwrap();
    assert_eq!(
        client.read_webhook(&headers, &body, &secret).unwrap(),
        AccessPointEvent::SubmissionUpdate {
            id: id.clone(),
            status: SubmissionStatus::Failed {
                reason: "Storecove reports the delivery failed: Receiver unknown".into()
            }
        }
    );
    assert_eq!(account.counters().await["queued"], 0, "pushed, not queued");

    // The same delivery altered, unsigned, replayed late, or checked with another secret.
    let mut altered = body.to_vec();
    let at = altered.iter().position(|&b| b == b'R').unwrap();
    altered[at] = b'r';
    assert_eq!(client.read_webhook(&headers, &altered, &secret), Err(WebhookError::BadSignature));
    assert_eq!(client.read_webhook(&HeaderMap::new(), &body, &secret), Err(WebhookError::MissingSignature));
    let late = time::OffsetDateTime::now_utc().unix_timestamp() + 600;
    assert_eq!(client.read_webhook_at(&headers, &body, &secret, late), Err(WebhookError::Stale));
    let other = ProviderSecret::new("whsec_someone_else");
    assert_eq!(client.read_webhook(&headers, &body, &other), Err(WebhookError::BadSignature));

    // A sender with the wrong secret is refused too.
    account.post("/_test/push", json!({"url": url, "secret": "whsec_forged"})).await;
    let original = STANDARD.encode(UBL_INVOICE);
    account
        .post("/_test/deliver", json!({"legal_entity_id": entity.0.parse::<i64>().unwrap(), "document": original}))
        .await;
    let (headers, body) = pushed.recv().await.unwrap();
    assert_eq!(client.read_webhook(&headers, &body, &secret), Err(WebhookError::BadSignature));
}

#[tokio::test]
async fn registration_and_discovery() {
    let account = Account::new().await;
    let client = account.client();
    let entity = account.legal_entity("biz-8").await;
    // Not a number another test registers at the shared fake (peppol_send registers 923609016).
    let own = ParticipantId::parse("0192:974760673").unwrap();
    assert!(!client.receives(&own, DocumentKind::Invoice).await.unwrap());
    client.register_receiver(&entity, &own).await.unwrap();
    client.register_receiver(&entity, &own).await.unwrap();
    assert!(client.receives(&own, DocumentKind::CreditNote).await.unwrap());

    // Another account cannot take the same identifier.
    let rival = Account::new().await;
    let rival_entity = rival.legal_entity("rival").await;
    let e = rival.client().register_receiver(&rival_entity, &own).await.unwrap_err();
    assert!(matches!(&e, AccessPointError::Refused { reason } if reason.contains("already registered")), "{e:?}");

    // A participant the network knows (configured at the fake) and one it does not.
    account.post("/_test/receivers", json!({"scheme": "SE:ORGNR", "identifier": "5560360793"})).await;
    let swedish = ParticipantId::parse("0007:5560360793").unwrap();
    assert!(client.receives(&swedish, DocumentKind::Invoice).await.unwrap());
    assert!(!client.receives(&receiver(), DocumentKind::Invoice).await.unwrap());

    // A legal entity Storecove would refuse is refused with its reason.
    let mut bad = details("biz-9");
    bad.city = " ".into();
    let e = client.register_legal_entity(&bad).await.unwrap_err();
    assert!(matches!(&e, AccessPointError::Refused { reason } if reason.contains("city")), "{e:?}");
}
