//! E-invoices over Peppol end to end (issue 21), as a business owner meets them: the
//! access point connected in Settings → E-invoicing (key and secret sealed), the
//! customer looked up on the network from its page (the fake SML and signed SMP of
//! `peppol_lookup`), "Send" over Peppol through the fake Storecove (`storecove_provider`),
//! sent once whatever is clicked or retried, and the provider's verdict coming back by a
//! signed webhook or by the worker's polling; a forged webhook changes nothing.

use base64::{Engine, engine::general_purpose::STANDARD};
use fastfaktura::jobs::worker::run_next;
use fastfaktura_domain::peppol::{BIS_BILLING_CREDIT_NOTE, BIS_BILLING_INVOICE};
use reqwest::Method;
use serde_json::json;
use sha2::Digest;

use crate::api::{call, token_without_profile};
use crate::helpers::TestApp;
use crate::peppol_lookup::{lookup_settings, register};
use crate::storecove_provider::{Account, base_url};

/// A Norwegian business with a Peppol-registered Norwegian customer, connected to the
/// fake Storecove; returns the signed-in client, an API token and the customer's id.
async fn connected_business(
    app: &TestApp,
    account: &Account,
    email: &str,
    customer_org: &str,
) -> (reqwest::Client, String, String) {
    let (client, token) = token_without_profile(app, email, "write").await;
    let saved = app
        .post_form(
            &client,
            "/settings/business",
            &[
                ("name", "Fjordkraft Design AS"),
                ("address_line", "Karl Johans gate 1"),
                ("postal_code", "0154"),
                ("city", "Oslo"),
                ("country", "NO"),
                ("registration_id", "923609016"),
                ("vat_number", "NO923609016MVA"),
                ("iban", "NO93 8601 1117 947"),
                ("default_currency", "NOK"),
                ("payment_terms_days", "14"),
                ("invoice_language", "en"),
                ("contact_name", "Kari Nordmann"),
                ("contact_email", "kari@fjordkraft.example"),
                ("contact_phone", "+47 22 12 34 56"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let legal_entity = account.legal_entity(email).await;
    let saved = app
        .post_form(
            &client,
            "/settings/e-invoicing",
            &[
                ("provider", "storecove"),
                ("legal_entity", &legal_entity.0),
                ("api_key", &account.key),
                ("webhook_secret", "whsec_fjordkraft"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let page = app.get(&client, "/settings/e-invoicing").await.text().await.unwrap();
    assert!(page.contains("Connected: invoices can go out over Peppol."), "{page}");
    assert!(page.contains("0192:923609016"), "the business's own participant id: {page}");
    assert!(!page.contains(&account.key), "the API key is never shown again");
    let customer = json!({"kind": "business", "name": "Nordlys Handel AS", "country": "NO", "currency": "NOK",
                          "registration_id": customer_org, "address_line": "Torggata 5", "postal_code": "0181",
                          "city": "Oslo", "email": "faktura@nordlys.example"});
    let (status, customer, _) = call(app, &token, Method::POST, "/api/v1/customers", Some(customer)).await;
    assert_eq!(status, 201, "{customer}");
    (client, token, customer["id"].as_str().unwrap().to_owned())
}

async fn issued_invoice(app: &TestApp, token: &str, customer_id: &str) -> String {
    let line = json!([{"description": "Design work", "quantity": "10", "unit_price": "1200", "vat_category": "S", "vat_rate": "25"}]);
    let (status, invoice, _) =
        call(app, token, Method::POST, "/api/v1/invoices", Some(json!({"customer_id": customer_id, "lines": line})))
            .await;
    assert_eq!(status, 201, "{invoice}");
    let id = invoice["id"].as_str().unwrap().to_owned();
    let (status, issued, _) = call(app, token, Method::POST, &format!("/api/v1/invoices/{id}/issue"), None).await;
    assert!(status.is_success(), "{issued}");
    id
}

async fn send_over_peppol(app: &TestApp, client: &reqwest::Client, id: &str) -> reqwest::Response {
    app.post_form(client, &format!("/invoices/{id}/send"), &[("send_peppol", "1")]).await
}

/// Runs what is queued here, then waits for what the app's own worker took.
async fn run_jobs(app: &TestApp) {
    while run_next(&app.worker).await.unwrap() {}
    for _ in 0..100 {
        let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status NOT IN ('done', 'failed')")
            .fetch_one(&app.db)
            .await
            .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("jobs did not finish");
}

#[tokio::test]
async fn an_invoice_goes_over_peppol_once_and_its_delivery_comes_back() {
    let account = Account::new().await;
    let app = TestApp::spawn_with(|s| {
        s.access_point.storecove_api_base = base_url().to_owned();
        s.peppol = lookup_settings(5);
    })
    .await;
    let customer_org = "910000020";
    let (client, token, customer_id) =
        connected_business(&app, &account, "owner@fjordkraft.example", customer_org).await;

    // Before the customer is looked up, Send says so instead of offering Peppol.
    let invoice_id = issued_invoice(&app, &token, &customer_id).await;
    let page = app.get(&client, &format!("/invoices/{invoice_id}")).await.text().await.unwrap();
    assert!(page.contains("has not been looked up successfully yet"), "{page}");
    assert!(!page.contains("data-send-peppol"));
    let refused = send_over_peppol(&app, &client, &invoice_id).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("has not been looked up successfully yet"));

    // The customer page asks the network: the SML names the SMP, whose signed answer says
    // the customer receives invoices and credit notes.
    register(&format!("0192:{customer_org}"), &[BIS_BILLING_INVOICE, BIS_BILLING_CREDIT_NOTE], "ok", 0.0).await;
    let page = app.get(&client, &format!("/customers/{customer_id}")).await.text().await.unwrap();
    assert!(page.contains("Not looked up yet."), "{page}");
    let reach = format!("/api/v1/customers/{customer_id}/peppol");
    let (status, answer, _) = call(&app, &token, Method::GET, &reach, None).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        (answer["state"].as_str(), answer["participant"].as_str()),
        (Some("not_checked"), Some("0192:910000020"))
    );
    let checked = app.post_form(&client, &format!("/customers/{customer_id}/peppol-check"), &[]).await;
    assert_eq!(checked.status(), 303);
    let page = app.get(&client, &format!("/customers/{customer_id}")).await.text().await.unwrap();
    assert!(page.contains("Receives invoices, credit notes over Peppol"), "{page}");
    // The API sees the same answer, and asks again itself (a fresh answer is reused).
    let (_, answer, _) = call(&app, &token, Method::GET, &reach, None).await;
    assert_eq!(answer["state"], "registered", "{answer}");
    assert_eq!(answer["document_types"], json!(["invoice", "credit_note"]), "{answer}");
    let (status, asked, _) = call(&app, &token, Method::POST, &format!("{reach}/check"), None).await;
    assert_eq!(status, 200, "{asked}");
    assert_eq!(
        (asked["receives_invoices"].as_bool(), asked["receives_credit_notes"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(asked["checked_at"], answer["checked_at"], "asked within the minute: the same answer");

    // Send offers Peppol now; sending queues one delivery, the worker submits it.
    let page = app.get(&client, &format!("/invoices/{invoice_id}")).await.text().await.unwrap();
    assert!(page.contains(&format!("Over Peppol to 0192:{customer_org}")), "{page}");
    let sent = send_over_peppol(&app, &client, &invoice_id).await;
    assert_eq!(sent.status(), 303, "{}", sent.text().await.unwrap());
    // A second click is refused at once: one Peppol delivery per document.
    let again = send_over_peppol(&app, &client, &invoice_id).await;
    assert_eq!(again.status(), 422);
    assert!(again.text().await.unwrap().contains("already been sent over Peppol"));
    run_jobs(&app).await;
    let counters = account.counters().await;
    assert_eq!(counters["sends"], 1, "{counters}");

    // What the provider got is the UBL as issued, routed to the customer's id.
    let ubl = client.get(app.url(&format!("/invoices/{invoice_id}/ubl"))).send().await.unwrap().text().await.unwrap();
    let page = app.get(&client, &format!("/invoices/{invoice_id}")).await.text().await.unwrap();
    assert!(page.contains("Submitted to the access point"), "{page}");
    let submission = submission_of(&app, &invoice_id).await;
    let body = account.control(Method::GET, &format!("/_test/submissions/{submission}"), None).await;
    let sent_ubl = STANDARD.decode(body["document"]["rawDocumentData"]["document"].as_str().unwrap()).unwrap();
    assert_eq!(String::from_utf8(sent_ubl).unwrap(), ubl);
    assert_eq!(body["routing"]["eIdentifiers"][0], json!({"scheme": "NO:ORG", "id": customer_org}));

    // The provider's verdict arrives through its queue; the worker's pass records it.
    account.post(&format!("/_test/submissions/{submission}"), json!({"outcome": "delivered"})).await;
    let report = fastfaktura::app::access_point_events::poll(&app.worker).await.unwrap();
    assert!(report.verdicts_asked + report.events > 0, "{report:?}");
    let page = app.get(&client, &format!("/invoices/{invoice_id}")).await.text().await.unwrap();
    assert!(page.contains("Delivered to the customer&#39;s access point"), "{page}");
    // Retrying the job, or polling again, sends nothing more.
    fastfaktura::app::access_point_events::poll(&app.worker).await.unwrap();
    run_jobs(&app).await;
    assert_eq!(account.counters().await["sends"], 1);
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE action LIKE 'dispatch.peppol.%' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(audit, ["dispatch.peppol.queued", "dispatch.peppol.sent", "dispatch.peppol.delivered"]);
}

/// The provider's submission id of the invoice's Peppol delivery.
async fn submission_of(app: &TestApp, invoice_id: &str) -> String {
    let (submission, status, error): (Option<String>, String, Option<String>) = sqlx::query_as(
        "SELECT provider_message_id, status, last_error FROM invoice_deliveries
         WHERE invoice_id = $1::uuid AND channel = 'peppol'",
    )
    .bind(invoice_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    submission.unwrap_or_else(|| panic!("not submitted: {status} {error:?}"))
}

#[tokio::test]
async fn the_providers_webhook_is_believed_only_when_signed_with_the_businesss_secret() {
    let account = Account::new().await;
    let app = TestApp::spawn_with(|s| {
        s.access_point.storecove_api_base = base_url().to_owned();
        s.peppol = lookup_settings(5);
        s.webhooks.allow_private_targets = true;
    })
    .await;
    let customer_org = "910000039";
    let (client, token, customer_id) = connected_business(&app, &account, "owner@signed.example", customer_org).await;
    // An integrator listens for sends and failures (nothing needs to answer: the events
    // are looked at where they are recorded).
    let endpoint = json!({"url": "http://127.0.0.1:9/ff", "events": ["invoice.sent", "invoice.delivery_failed"]});
    let (status, created, _) = call(&app, &token, Method::POST, "/api/v1/webhook-endpoints", Some(endpoint)).await;
    assert_eq!(status, 201, "{created}");
    register(&format!("0192:{customer_org}"), &[BIS_BILLING_INVOICE], "ok", 0.0).await;
    app.post_form(&client, &format!("/customers/{customer_id}/peppol-check"), &[]).await;
    let invoice_id = issued_invoice(&app, &token, &customer_id).await;
    assert_eq!(send_over_peppol(&app, &client, &invoice_id).await.status(), 303);
    run_jobs(&app).await;
    let submission = submission_of(&app, &invoice_id).await;
    let business_id: String = sqlx::query_scalar("SELECT business_id::text FROM invoices WHERE id = $1::uuid")
        .bind(&invoice_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let hook = app.url(&format!("/webhooks/access-point/{business_id}"));

    // A business that does not exist is not a fault of ours: refused as unverified.
    let nobody = reqwest::Client::new()
        .post(app.url(&format!("/webhooks/access-point/{}", uuid::Uuid::new_v4())))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(nobody.status(), 400);

    // A forger without the secret: refused, audited, nothing changes.
    account.post("/_test/push", json!({"url": hook, "secret": "whsec_forged"})).await;
    account
        .post(&format!("/_test/submissions/{submission}"), json!({"outcome": "failed", "reason": "Receiver unknown"}))
        .await;
    let pushes = account.counters().await["pushes"].clone();
    assert_eq!(pushes.as_array().unwrap().last().unwrap()["status"], 400, "{pushes}");
    let status: String = sqlx::query_scalar("SELECT status FROM invoice_deliveries WHERE provider_message_id = $1")
        .bind(&submission)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "sent");
    let rejected: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'access_point.webhook.rejected'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(rejected, 2, "the unknown business and the forger");

    // Signed with the business's secret: the failure and its reason reach the invoice page.
    account.post("/_test/push", json!({"url": hook, "secret": "whsec_fjordkraft"})).await;
    account
        .post(&format!("/_test/submissions/{submission}"), json!({"outcome": "failed", "reason": "Receiver unknown"}))
        .await;
    let pushes = account.counters().await["pushes"].clone();
    assert_eq!(pushes.as_array().unwrap().last().unwrap()["status"], 200, "{pushes}");
    let page = app.get(&client, &format!("/invoices/{invoice_id}")).await.text().await.unwrap();
    assert!(page.contains("Receiver unknown"), "{page}");
    // The integrator hears of the send, then of the network's refusal, in that order.
    let told: Vec<(String, serde_json::Value)> =
        sqlx::query_as("SELECT event_type, body::jsonb FROM webhook_events WHERE object_id = $1::uuid ORDER BY seq")
            .bind(&invoice_id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    let kinds: Vec<&str> = told.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["invoice.sent", "invoice.delivery_failed"]);
    let delivery = &told[1].1["data"]["delivery"];
    assert_eq!(delivery["channel"], "peppol", "{delivery}");
    assert!(delivery["reason"].as_str().unwrap().ends_with("the delivery failed: Receiver unknown"), "{delivery}");
    // A failed Peppol delivery may be sent again: a new submission with its own key.
    assert!(page.contains("Retry"), "{page}");
    let failed: String = sqlx::query_scalar("SELECT id::text FROM invoice_deliveries WHERE provider_message_id = $1")
        .bind(&submission)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let retried = app.post_form(&client, &format!("/invoices/{invoice_id}/deliveries/{failed}/retry"), &[]).await;
    assert!(retried.status().is_redirection(), "{}", retried.status());
    run_jobs(&app).await;
    assert_eq!(account.counters().await["sends"], 2, "the retry is a second submission");
    let statuses: Vec<String> = sqlx::query_scalar(
        "SELECT status FROM invoice_deliveries WHERE invoice_id = $1::uuid AND channel = 'peppol' ORDER BY created_at",
    )
    .bind(&invoice_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(statuses, ["failed", "sent"]);
}

#[tokio::test]
async fn an_invoice_the_access_point_receives_becomes_a_bill_once() {
    let account = Account::new().await;
    let app = TestApp::spawn_with(|s| {
        s.access_point.storecove_api_base = base_url().to_owned();
        s.peppol = lookup_settings(5);
    })
    .await;
    // We are the buyer: a supplier (another business here) invoices us, and its access
    // point delivers the UBL to ours.
    let (client, _token, _) = connected_business(&app, &account, "owner@buyer.example", "910000047").await;
    let (supplier, supplier_token) = crate::api::token(&app, "supplier@seller.example", "write").await;
    let us = json!({"kind": "business", "name": "Fjordkraft Design AS", "country": "NO", "currency": "EUR",
                    "registration_id": "923609016", "address_line": "Karl Johans gate 1", "postal_code": "0154",
                    "city": "Oslo"});
    let (status, us, _) = call(&app, &supplier_token, Method::POST, "/api/v1/customers", Some(us)).await;
    assert_eq!(status, 201, "{us}");
    let invoice_id = issued_invoice(&app, &supplier_token, us["id"].as_str().unwrap()).await;
    let ubl = app.get(&supplier, &format!("/invoices/{invoice_id}/ubl")).await.text().await.unwrap();
    // "Receive e-invoices over Peppol" registers our participant id on our legal entity.
    let registered = app.post_form(&client, "/settings/e-invoicing/receive", &[]).await;
    assert_eq!(registered.status(), 303, "{}", registered.text().await.unwrap());
    let page = app.get(&client, "/settings/e-invoicing?receiving=0192:923609016").await.text().await.unwrap();
    assert!(page.contains("e-invoices sent to 0192:923609016 now arrive under Bills"), "{page}");
    let ours: String = sqlx::query_scalar(
        "SELECT access_point_legal_entity FROM businesses WHERE access_point_provider = 'storecove' LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let receiving: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'config.access_point.receiving'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(receiving, 1);
    for _ in 0..2 {
        account
            .post(
                "/_test/deliver",
                json!({"legal_entity_id": ours.parse::<i64>().unwrap(), "document": STANDARD.encode(&ubl)}),
            )
            .await;
    }
    // The worker takes the provider's events, fetches each document and files it.
    fastfaktura::app::access_point_events::poll(&app.worker).await.unwrap();
    run_jobs(&app).await;
    let page = app.get(&client, "/bills").await.text().await.unwrap();
    assert_eq!(page.matches("Seller GmbH").count(), 1, "the same document twice is one bill: {page}");
    let stored: (String, String) =
        sqlx::query_as("SELECT source, sha256 FROM received_documents WHERE source = 'access_point'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored.1, hex::encode(sha2::Sha256::digest(ubl.as_bytes())), "kept byte for byte");
}
