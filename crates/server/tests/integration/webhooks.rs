//! Outbound webhooks (issue 23): every event kind reaches a receiver that verifies our
//! signatures with the Standard Webhooks project's own library; retries keep the order
//! per object and end, after three days, with the endpoint off and its owner told;
//! rotation signs with both secrets for a day; URLs into our network are refused when
//! saved and again when connecting; the settings page and the API manage endpoints.

use std::process::Child;

use fastfaktura::webhooks::deliverer::deliver_due;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    api::{call, customer_body, token},
    helpers::{TestApp, start_python_fake},
};

/// The test receiver (`tests/webhooks/receiver.py`), alive while this lives.
pub(crate) struct Receiver {
    pub(crate) url: String,
    _child: Child,
}

impl Receiver {
    pub(crate) fn start() -> Self {
        let (url, child) = start_python_fake("webhooks/receiver.py", "the webhook receiver");
        Receiver { url, _child: child }
    }

    async fn control(&self, path: &str, body: Value) {
        let response = reqwest::Client::new().post(format!("{}{path}", self.url)).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 204);
    }

    pub(crate) async fn trust(&self, secrets: &[&str]) {
        self.control("/_control/secrets", json!({ "secrets": secrets })).await;
    }

    pub(crate) async fn fail_next(&self, count: u32, status: u16) {
        self.control("/_control/behave", json!({ "fail": count, "status": status })).await;
    }

    async fn received(&self) -> Vec<Value> {
        let got = reqwest::get(format!("{}/_control/received", self.url)).await.unwrap();
        got.json::<Vec<Value>>().await.unwrap()
    }

    /// The event types of the messages answered 200, in arrival order.
    async fn accepted_types(&self) -> Vec<String> {
        self.received()
            .await
            .iter()
            .filter(|m| m["status"] == 200)
            .map(|m| body(m)["type"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn body(message: &Value) -> Value {
    serde_json::from_str(message["body"].as_str().unwrap()).unwrap()
}

/// Runs the deliverer until nothing is due.
pub(crate) async fn deliver_all(app: &TestApp) -> usize {
    let mut total = 0;
    loop {
        let n = deliver_due(&app.worker).await.unwrap();
        if n == 0 {
            return total;
        }
        total += n;
    }
}

async fn run_jobs(app: &TestApp) {
    while fastfaktura::jobs::worker::run_next(&app.worker).await.unwrap() {}
}

pub(crate) fn quiet_app(s: &mut fastfaktura::config::Settings) {
    s.jobs.worker = false;
    s.webhooks.allow_private_targets = true;
}

/// An app whose jobs (sign-in mail, sends) run in the background while the test alone
/// drives the webhook deliverer, so it can count attempts.
pub(crate) async fn app_with(adjust: impl FnOnce(&mut fastfaktura::config::Settings)) -> TestApp {
    let app = TestApp::spawn_with(adjust).await;
    let worker = app.worker.clone();
    tokio::spawn(async move {
        loop {
            if !fastfaktura::jobs::worker::run_next(&worker).await.unwrap_or(false) {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    });
    app
}

/// Registers an endpoint through the API; its id and secret.
pub(crate) async fn endpoint(app: &TestApp, token: &str, url: &str, events: &[&str]) -> (String, String) {
    let (status, created, _) =
        call(app, token, Method::POST, "/api/v1/webhook-endpoints", Some(json!({ "url": url, "events": events })))
            .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    (created["id"].as_str().unwrap().to_owned(), secret)
}

/// A customer and an issued invoice of 119.00 EUR through the API; the invoice's id.
pub(crate) async fn issued_invoice(app: &TestApp, token: &str, customer: &str) -> String {
    let line =
        json!([{"description": "Work", "quantity": "1", "unit_price": "100", "vat_category": "S", "vat_rate": "19"}]);
    let (status, draft, _) =
        call(app, token, Method::POST, "/api/v1/invoices", Some(json!({"customer_id": customer, "lines": line}))).await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    let (status, issued, _) = call(app, token, Method::POST, &format!("/api/v1/invoices/{id}/issue"), None).await;
    assert_eq!(status, 200, "{issued}");
    id
}

pub(crate) async fn customer(app: &TestApp, token: &str) -> String {
    let (status, customer, _) =
        call(app, token, Method::POST, "/api/v1/customers", Some(customer_body("Käufer GmbH"))).await;
    assert_eq!(status, 201, "{customer}");
    customer["id"].as_str().unwrap().to_owned()
}

/// Issues a quote to `customer`, turns its customer link on, and gives the customer's
/// `answer` (`accept` or `decline`) on the customer page, as the customer would.
async fn answer_quote(app: &TestApp, token: &str, owner: &reqwest::Client, customer: &str, answer: &str) {
    let line =
        json!([{"description": "Offer", "quantity": "1", "unit_price": "10", "vat_category": "S", "vat_rate": "19"}]);
    let (_, quote, _) = call(
        app,
        token,
        Method::POST,
        "/api/v1/invoices",
        Some(json!({"kind": "quote", "customer_id": customer, "lines": line})),
    )
    .await;
    let quote_id = quote["id"].as_str().unwrap();
    call(app, token, Method::POST, &format!("/api/v1/invoices/{quote_id}/issue"), None).await;
    app.post_form(owner, &format!("/invoices/{quote_id}/link"), &[]).await;
    let page = app.get(owner, &format!("/invoices/{quote_id}")).await.text().await.unwrap();
    let link = page.split("readonly value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let path = link.strip_prefix(&app.address).unwrap().to_owned();
    let customer_browser = crate::helpers::new_client();
    let answered = app.post_form(&customer_browser, &format!("{path}/answer"), &[("answer", answer)]).await;
    assert!(answered.status().is_success() || answered.status().is_redirection(), "{}", answered.status());
}

async fn pay(app: &TestApp, token: &str, invoice: &str, amount: &str) {
    let payment = json!({"paid_on": app.clock_now().date().to_string(), "amount": amount, "method": "bank_transfer"});
    let (status, paid, _) =
        call(app, token, Method::POST, &format!("/api/v1/invoices/{invoice}/payments"), Some(payment)).await;
    assert_eq!(status, 201, "{paid}");
}

#[tokio::test]
async fn every_kind_of_event_reaches_a_receiver_that_verifies_it_with_the_standard_library() {
    let app = app_with(quiet_app).await;
    let receiver = Receiver::start();
    let (owner, token) = token(&app, "hooks@seller.example", "write").await;
    let all: Vec<&str> = fastfaktura::webhooks::EventType::ALL.iter().map(|e| e.as_str()).collect();
    let (endpoint_id, secret) = endpoint(&app, &token, &format!("{}/in", receiver.url), &all).await;
    receiver.trust(&[&secret]).await;
    let customer = customer(&app, &token).await;

    // issued, partially paid, paid
    let invoice = issued_invoice(&app, &token, &customer).await;
    pay(&app, &token, &invoice, "19.00").await;
    pay(&app, &token, &invoice, "100.00").await;
    // credited: a credit note for a second invoice
    let credited = issued_invoice(&app, &token, &customer).await;
    let (_, credit, _) =
        call(&app, &token, Method::POST, &format!("/api/v1/invoices/{credited}/credit-notes"), None).await;
    let credit_id = credit["id"].as_str().unwrap();
    let (status, _, _) = call(&app, &token, Method::POST, &format!("/api/v1/invoices/{credit_id}/issue"), None).await;
    assert_eq!(status, 200);
    // viewed: the customer opens the link (the owner's own look does not count)
    let open = issued_invoice(&app, &token, &customer).await;
    assert_eq!(app.post_form(&owner, &format!("/invoices/{open}/link"), &[]).await.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{open}")).await.text().await.unwrap();
    let link = page.split("readonly value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let path = link.strip_prefix(&app.address).unwrap().to_owned();
    assert_eq!(app.get(&owner, &path).await.status(), 200);
    let stranger = crate::helpers::new_client();
    assert_eq!(app.get(&stranger, &path).await.status(), 200);
    assert_eq!(app.get(&stranger, &path).await.status(), 200, "a second view is not a second event");
    // sent: by email, once the job ran
    let sent = app
        .post_form(&owner, &format!("/invoices/{open}/send"), &[("send_email", "1"), ("recipient", "ap@buyer.example")])
        .await;
    assert_eq!(sent.status(), 303);
    run_jobs(&app).await;
    // quote accepted
    answer_quote(&app, &token, &owner, &customer, "accept").await;
    // a bank payment nobody can match
    let file = crate::bank_payments::camt053(
        "DE89370400440532013000",
        &app.clock_now().date().to_string(),
        &[crate::bank_payments::Credit {
            amount: "42.00",
            currency: "EUR",
            reference: None,
            message: "gift",
            payer: "Aunt",
            bank_ref: "B-1",
        }],
    );
    let imported = reqwest::Client::new()
        .post(app.url("/api/v1/bank-statements"))
        .bearer_auth(&token)
        .header("content-type", "application/xml")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 201, "{}", imported.text().await.unwrap());
    // overdue: the second invoice's due date passes (the daily pass records it once)
    app.clock.advance(time::Duration::days(30));
    let today = app.clock_now().date();
    assert!(fastfaktura::webhooks::record_overdue(&app.db, today, app.clock_now()).await.unwrap() >= 1);
    assert_eq!(fastfaktura::webhooks::record_overdue(&app.db, today, app.clock_now()).await.unwrap(), 0, "once");

    assert!(deliver_all(&app).await >= 10);
    let messages = receiver.received().await;
    for message in &messages {
        assert_eq!(message["verified_by"], json!([0]), "the official library verifies it: {message}");
        assert_eq!(message["path"], "/in");
        assert!(message["id"].as_str().unwrap().starts_with("msg_"));
    }
    let types = receiver.accepted_types().await;
    for expected in [
        "invoice.issued",
        "invoice.partially_paid",
        "invoice.paid",
        "invoice.credited",
        "invoice.viewed",
        "invoice.sent",
        "quote.accepted",
        "bank_payment.unmatched",
        "invoice.overdue",
    ] {
        assert!(types.iter().any(|t| t == expected), "{expected} in {types:?}");
    }
    assert_eq!(types.iter().filter(|t| *t == "invoice.viewed").count(), 1, "{types:?}");
    let paid = messages.iter().map(body).find(|b| b["type"] == "invoice.paid").unwrap();
    assert_eq!(paid["data"]["id"], invoice.as_str());
    assert_eq!((paid["data"]["amount_due"].as_str(), paid["data"]["total"].as_str()), (Some("0.00"), Some("119.00")));
    assert_eq!(paid["data"]["payment"]["amount"], "100.00");
    let unmatched = messages.iter().map(body).find(|b| b["type"] == "bank_payment.unmatched").unwrap();
    assert_eq!(
        (unmatched["data"]["amount"].as_str(), unmatched["data"]["payer"].as_str()),
        (Some("42.00"), Some("Aunt"))
    );
    // The order per invoice is the order things happened.
    let of_invoice: Vec<String> = messages
        .iter()
        .map(body)
        .filter(|b| b["data"]["id"] == invoice.as_str())
        .map(|b| b["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(of_invoice, ["invoice.issued", "invoice.partially_paid", "invoice.paid"]);

    // The delivery log says the same, and a redelivery sends the same message again.
    let (status, log, _) =
        call(&app, &token, Method::GET, &format!("/api/v1/webhook-endpoints/{endpoint_id}/deliveries"), None).await;
    assert_eq!(status, 200);
    let log = log["data"].as_array().unwrap().clone();
    assert_eq!(log.len(), messages.len());
    assert!(log.iter().all(|d| d["status"] == "delivered" && d["response_status"] == 200), "{log:?}");
    let first = log.last().unwrap();
    let (status, _, _) = call(
        &app,
        &token,
        Method::POST,
        &format!("/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{}/redeliver", first["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(deliver_all(&app).await, 1);
    let again = receiver.received().await;
    assert_eq!(again.last().unwrap()["id"], first["message_id"], "the same webhook-id, so receivers can drop repeats");
}

#[tokio::test]
async fn a_failing_receiver_is_retried_in_order_and_after_three_days_the_endpoint_is_off_and_the_owner_told() {
    let app = app_with(quiet_app).await;
    let receiver = Receiver::start();
    let (_, token) = token(&app, "flaky@seller.example", "write").await;
    let (endpoint_id, secret) =
        endpoint(&app, &token, &receiver.url, &["invoice.issued", "invoice.paid", "invoice.partially_paid"]).await;
    receiver.trust(&[&secret]).await;
    let customer = customer(&app, &token).await;

    receiver.fail_next(2, 500).await;
    let invoice = issued_invoice(&app, &token, &customer).await;
    assert_eq!(deliver_all(&app).await, 1);
    pay(&app, &token, &invoice, "119.00").await;
    // The paid event waits behind the issued one, which waits for its retry.
    assert_eq!(deliver_all(&app).await, 0, "not due yet, and the later event keeps its place");
    let (_, endpoint, _) =
        call(&app, &token, Method::GET, &format!("/api/v1/webhook-endpoints/{endpoint_id}"), None).await;
    assert!(endpoint["failing_since"].is_string(), "{endpoint}");
    app.clock.advance(time::Duration::seconds(6));
    assert_eq!(deliver_all(&app).await, 1, "the second attempt, 5 s later; the paid event still waits");
    app.clock.advance(time::Duration::minutes(6));
    assert_eq!(deliver_all(&app).await, 2, "the third attempt succeeds, then the paid event goes");
    assert_eq!(receiver.accepted_types().await, ["invoice.issued", "invoice.paid"]);
    let statuses: Vec<u64> = receiver.received().await.iter().map(|m| m["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [500, 500, 200, 200]);
    let (_, endpoint, _) =
        call(&app, &token, Method::GET, &format!("/api/v1/webhook-endpoints/{endpoint_id}"), None).await;
    assert!(endpoint["failing_since"].is_null(), "a success clears it: {endpoint}");

    // Down for good: thirteen attempts over three days, then the endpoint is off.
    receiver.fail_next(1000, 503).await;
    issued_invoice(&app, &token, &customer).await;
    let mut attempts = 0;
    for _ in 0..20 {
        attempts += deliver_all(&app).await;
        app.clock.advance(time::Duration::hours(11));
    }
    assert_eq!(attempts, 13);
    let (_, log, _) =
        call(&app, &token, Method::GET, &format!("/api/v1/webhook-endpoints/{endpoint_id}/deliveries"), None).await;
    let newest = &log["data"][0];
    assert_eq!((newest["status"].as_str(), newest["attempts"].as_i64()), (Some("failed"), Some(13)));
    assert_eq!(newest["response_status"], 503);
    assert_eq!(newest["error"], "the receiver answered 503");
    let (_, endpoint, _) =
        call(&app, &token, Method::GET, &format!("/api/v1/webhook-endpoints/{endpoint_id}"), None).await;
    assert_eq!(endpoint["enabled"], false, "{endpoint}");
    assert!(endpoint["disabled_reason"].as_str().unwrap().contains("three days"));
    run_jobs(&app).await;
    let told = app
        .smtp
        .wait_for_matching(1, |m| m.header("subject").is_some_and(|s| s.contains("webhook endpoint was turned off")))
        .await;
    assert!(told[0].body().contains(&receiver.url), "{}", told[0].body());
    // Off: new events are not queued for it; on again, it hears them.
    issued_invoice(&app, &token, &customer).await;
    assert_eq!(deliver_all(&app).await, 0);
    let on = json!({"url": receiver.url, "events": ["invoice.issued"], "enabled": true});
    let (status, endpoint, _) =
        call(&app, &token, Method::PUT, &format!("/api/v1/webhook-endpoints/{endpoint_id}"), Some(on)).await;
    assert_eq!(status, 200, "{endpoint}");
    assert!(endpoint["disabled_reason"].is_null());
    receiver.fail_next(0, 200).await;
    issued_invoice(&app, &token, &customer).await;
    assert_eq!(deliver_all(&app).await, 1);
    assert_eq!(receiver.accepted_types().await.last().unwrap(), "invoice.issued");
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_for_a_day() {
    let app = app_with(quiet_app).await;
    let receiver = Receiver::start();
    let (_, token) = token(&app, "rotate@seller.example", "write").await;
    let (endpoint_id, old) = endpoint(&app, &token, &receiver.url, &["invoice.issued"]).await;
    let (status, rotated, _) =
        call(&app, &token, Method::POST, &format!("/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret"), None).await;
    assert_eq!(status, 200, "{rotated}");
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated["previous_secret_valid_until"].is_string());
    receiver.trust(&[&old, &new]).await;
    let customer = customer(&app, &token).await;
    issued_invoice(&app, &token, &customer).await;
    deliver_all(&app).await;
    assert_eq!(receiver.received().await[0]["verified_by"], json!([0, 1]), "both secrets sign during the overlap");
    app.clock.advance(time::Duration::hours(25));
    issued_invoice(&app, &token, &customer).await;
    deliver_all(&app).await;
    let messages = receiver.received().await;
    assert_eq!(messages[1]["verified_by"], json!([1]), "only the new one after a day");
    assert_eq!(messages[1]["signature"].as_str().unwrap().split(' ').count(), 1);
    // Secrets never reach the log, the audit log or the endpoint's JSON.
    let (_, listed, _) = call(&app, &token, Method::GET, "/api/v1/webhook-endpoints", None).await;
    assert!(!listed.to_string().contains(&new) && !listed.to_string().contains("whsec_"));
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT details::text FROM audit_events").fetch_all(&app.db).await.unwrap();
    assert!(audit.iter().all(|d| !d.contains("whsec_")));
    let stored: String =
        sqlx::query_scalar("SELECT secret_envelope FROM webhook_endpoints").fetch_one(&app.db).await.unwrap();
    assert!(stored.starts_with("v1.") && !stored.contains(new.trim_start_matches("whsec_")), "sealed at rest");
    assert!(!crate::helpers::captured_logs().contains(new.trim_start_matches("whsec_")));
}

#[tokio::test]
async fn addresses_inside_the_network_are_refused_when_saved_and_when_connecting() {
    // The operator's default: no private targets.
    let strict = app_with(|s| s.jobs.worker = false).await;
    let (_, token) = token(&strict, "ssrf@seller.example", "write").await;
    for (url, says) in [
        ("http://127.0.0.1:5432/", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "private network"),
        ("http://[::1]:8080/", "private network"),
        ("http://localhost:9/", "private network"),
        ("http://2130706433/", "private network"),
        ("https://user:pw@example.com/", "user name"),
        ("gopher://example.com/", "web address"),
        ("not a url", "web address"),
    ] {
        let (status, problem, headers) = call(
            &strict,
            &token,
            Method::POST,
            "/api/v1/webhook-endpoints",
            Some(json!({"url": url, "events": ["invoice.paid"]})),
        )
        .await;
        assert_eq!(status, 422, "{url}: {problem}");
        assert_eq!(headers["content-type"], "application/problem+json");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains(says), "{url}: {problem}");
    }
    let (status, problem, _) = call(
        &strict,
        &token,
        Method::POST,
        "/api/v1/webhook-endpoints",
        Some(json!({"url": "https://example.com/", "events": ["invoice.exploded"]})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(problem.to_string().contains("invoice.exploded"), "{problem}");
    let (status, problem, _) = call(
        &strict,
        &token,
        Method::POST,
        "/api/v1/webhook-endpoints",
        Some(json!({"url": "https://example.com/", "events": ["invoice.paid"], "secret": "mine"})),
    )
    .await;
    assert_eq!(status, 400, "an unknown field: {problem}");
    let (status, _, _) = call(
        &strict,
        &token,
        Method::POST,
        "/api/v1/webhook-endpoints",
        Some(json!({"url": 5, "events": "invoice.paid"})),
    )
    .await;
    assert_eq!(status, 400);
    let long = format!("https://example.com/{}", "a".repeat(2100));
    let (status, problem, _) = call(
        &strict,
        &token,
        Method::POST,
        "/api/v1/webhook-endpoints",
        Some(json!({"url": long, "events": ["invoice.paid"], "description": "d".repeat(201)})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem.to_string().contains("2,000 characters") && problem.to_string().contains("200 characters"),
        "{problem}"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_endpoints").fetch_one(&strict.db).await.unwrap();
    assert_eq!(count, 0, "nothing stored");

    // An endpoint saved where private targets were allowed (or a name that resolves
    // somewhere else later): a strict instance refuses to connect, and says why.
    let receiver = Receiver::start();
    // The same service (one database, one master key), configured leniently.
    let key = strict.data_dir.join("master.key");
    let lenient = TestApp::spawn_on(strict.database_url.clone(), |s| {
        quiet_app(s);
        s.crypto.master_key_file = Some(key);
    })
    .await;
    let (business_id, user_id): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT business_id, user_id FROM business_members").fetch_one(&strict.db).await.unwrap();
    let owner = fastfaktura::app::Caller::user(business_id, user_id, "owner");
    let input = fastfaktura::app::webhooks::EndpointInput {
        url: receiver.url.replace("127.0.0.1", "localhost"),
        events: vec!["invoice.issued".into()],
        ..Default::default()
    };
    let meta = fastfaktura::audit::RequestMeta::default();
    fastfaktura::app::webhooks::create_endpoint(&lenient.state, &owner, &meta, &input).await.unwrap();
    let customer = customer(&strict, &token).await;
    issued_invoice(&strict, &token, &customer).await;
    assert_eq!(deliver_all(&strict).await, 1);
    assert!(receiver.received().await.is_empty(), "no request reached the private address");
    let error: String =
        sqlx::query_scalar("SELECT last_error FROM webhook_deliveries").fetch_one(&strict.db).await.unwrap();
    assert!(error.contains("private network"), "{error}");
}

#[tokio::test]
async fn the_settings_page_adds_an_endpoint_shows_its_secret_once_and_its_deliveries() {
    let app = app_with(quiet_app).await;
    let receiver = Receiver::start();
    let (owner, token) = token(&app, "page@seller.example", "write").await;
    let page = app.get(&owner, "/settings/webhooks").await.text().await.unwrap();
    assert!(page.contains("No webhook endpoints yet."), "{page}");
    let bad = app.post_form(&owner, "/settings/webhooks", &[("url", "ftp://x"), ("event:invoice.paid", "1")]).await;
    assert_eq!(bad.status(), 422);
    let bad = bad.text().await.unwrap();
    assert!(bad.contains("Enter a web address") && bad.contains("aria-invalid=\"true\""), "{bad}");
    let created = app
        .post_form(
            &owner,
            "/settings/webhooks",
            &[("url", receiver.url.as_str()), ("description", "ERP"), ("event:invoice.issued", "1")],
        )
        .await;
    assert_eq!(created.status(), 200);
    let created = created.text().await.unwrap();
    let secret = created.split("data-new-secret>").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    receiver.trust(&[&secret]).await;
    let again = app.get(&owner, "/settings/webhooks").await.text().await.unwrap();
    assert!(!again.contains(&secret), "shown once");
    assert!(again.contains("ERP") && again.contains("Invoice issued"));
    let customer = customer(&app, &token).await;
    issued_invoice(&app, &token, &customer).await;
    deliver_all(&app).await;
    assert_eq!(receiver.received().await[0]["verified_by"], json!([0]));
    let id = again.split("data-endpoint=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let detail = app.get(&owner, &format!("/settings/webhooks/{id}")).await.text().await.unwrap();
    assert!(detail.contains("data-status=\"delivered\"") && detail.contains("HTTP 200"), "{detail}");
    // In Icelandic, the page and its errors read in Icelandic.
    let page = owner.get(app.url("/settings/webhooks")).header("accept-language", "is").send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("Vefkrókar") && page.contains("Reikningur gefinn út"), "{page}");
    let refused = owner
        .post(app.url("/settings/webhooks"))
        .header("accept-language", "is")
        .form(&[("url", "ftp://x"), ("event:invoice.paid", "1")])
        .send()
        .await
        .unwrap();
    assert!(refused.text().await.unwrap().contains("Sláðu inn veffang"));
    // Delete: gone, with its log.
    assert_eq!(app.post_form(&owner, &format!("/settings/webhooks/{id}/delete"), &[]).await.status(), 303);
    assert_eq!(app.get(&owner, &format!("/settings/webhooks/{id}")).await.status(), 404);
}

#[tokio::test]
async fn a_declined_quote_a_received_bill_and_a_delivery_that_failed_for_good_are_told_too() {
    let app = app_with(quiet_app).await;
    let receiver = Receiver::start();
    let (owner, token) = token(&app, "more@seller.example", "write").await;
    let events = ["quote.declined", "bill.received", "invoice.delivery_failed"];
    let (_, secret) = endpoint(&app, &token, &receiver.url, &events).await;
    receiver.trust(&[&secret]).await;
    let customer = customer(&app, &token).await;

    // A quote the customer declines.
    answer_quote(&app, &token, &owner, &customer, "decline").await;

    // A supplier's invoice received through the API.
    let bill = crate::bills::ubl(crate::bills::to_us("SUP-7"));
    let received = reqwest::Client::new()
        .post(app.url("/api/v1/received-documents"))
        .bearer_auth(&token)
        .header("content-type", "application/xml")
        .body(bill)
        .send()
        .await
        .unwrap();
    assert_eq!(received.status(), 201, "{}", received.text().await.unwrap());

    // An email the mail server keeps refusing, on its last attempt.
    app.smtp.fail_next(1000);
    let invoice = issued_invoice(&app, &token, &customer).await;
    let sent = app
        .post_form(
            &owner,
            &format!("/invoices/{invoice}/send"),
            &[("send_email", "1"), ("recipient", "ap@buyer.example")],
        )
        .await;
    assert_eq!(sent.status(), 303);
    let mut told = Vec::new();
    for _ in 0..200 {
        sqlx::query("UPDATE jobs SET attempts = max_attempts - 1, run_at = now() WHERE kind = 'deliver_invoice' AND status = 'pending'")
            .execute(&app.db)
            .await
            .unwrap();
        deliver_all(&app).await;
        told = receiver.accepted_types().await;
        if told.len() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    told.sort();
    assert_eq!(told, ["bill.received", "invoice.delivery_failed", "quote.declined"]);
    let messages = receiver.received().await;
    assert!(messages.iter().all(|m| m["verified_by"] == json!([0])));
    let failed = messages.iter().map(body).find(|b| b["type"] == "invoice.delivery_failed").unwrap();
    assert_eq!(
        (failed["data"]["id"].as_str(), failed["data"]["delivery"]["channel"].as_str()),
        (Some(invoice.as_str()), Some("email"))
    );
    assert!(failed["data"]["delivery"]["reason"].is_string(), "{failed}");
    let bill = messages.iter().map(body).find(|b| b["type"] == "bill.received").unwrap();
    assert_eq!((bill["data"]["object"].as_str(), bill["data"]["number"].as_str()), (Some("bill"), Some("SUP-7")));
}
