//! Card payments as the owner, the customer and Stripe meet them: keys checked with
//! Stripe before they are stored, "Pay" to Checkout (amounts in Stripe's units, one
//! session per attempt even after a lost answer), signed webhooks verified over the
//! raw body and processed exactly once in any order, refunds, and reconciliation for
//! a webhook that never came. Stripe is the fake in `tests/stripe`, which signs with
//! the official library.

use fastfaktura::integrations::stripe::signature;
use fastfaktura_domain::Decimal;
use serde_json::json;
use uuid::Uuid;

use crate::{
    helpers::{TestApp, captured_logs, new_client},
    invoicing::{new_draft, save_draft, set_up_business},
    stripe_server::StripeAccount,
};

/// A business with Stripe connected and one issued invoice with a customer link.
struct Shop {
    app: TestApp,
    owner: reqwest::Client,
    stripe: StripeAccount,
    business_id: Uuid,
    invoice_id: String,
    /// The customer page's path, `/i/{token}`.
    link: String,
}

async fn shop(currency: &str, lines: &[[&str; 5]]) -> Shop {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, &format!("owner@{}.example", Uuid::new_v4().simple()), currency).await;
    let stripe = StripeAccount::new();
    let saved = app
        .post_form(
            &owner,
            "/settings/payments",
            &[("stripe_secret_key", &stripe.secret_key), ("stripe_webhook_secret", &stripe.webhook_secret)],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let business_id: Uuid = sqlx::query_scalar("SELECT id FROM businesses").fetch_one(&app.db).await.unwrap();
    let settings = app.get(&owner, "/settings/payments").await.text().await.unwrap();
    let endpoint = app.url(&format!("/webhooks/stripe/{business_id}"));
    assert!(settings.contains(&endpoint), "the settings page shows the endpoint to register: {settings}");
    stripe.register_webhook(&endpoint).await;

    let invoice_id = new_draft(&app, &owner, &customer, "net").await;
    let issued = save_draft(&app, &owner, &invoice_id, &customer, currency, lines, "issue").await;
    assert_eq!(issued.status(), 303);
    assert_eq!(app.post_form(&owner, &format!("/invoices/{invoice_id}/link"), &[]).await.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{invoice_id}")).await.text().await.unwrap();
    let marker = r#"readonly value=""#;
    let start = page.find(marker).unwrap() + marker.len();
    let url = page[start..].split('"').next().unwrap();
    let link = url.strip_prefix(&app.address).unwrap().to_owned();
    Shop { app, owner, stripe, business_id, invoice_id, link }
}

const EUR_LINES: &[[&str; 5]] = &[["Design work", "10", "85", "S", "24"]];

impl Shop {
    /// The customer presses "Pay"; returns where they were sent.
    async fn press_pay(&self, customer: &reqwest::Client) -> reqwest::Response {
        self.app.post_form(customer, &format!("{}/pay", self.link), &[]).await
    }

    async fn payments(&self) -> Vec<(Decimal, Decimal, String)> {
        sqlx::query_as("SELECT amount, refunded, method FROM payments ORDER BY created_at")
            .fetch_all(&self.app.db)
            .await
            .unwrap()
    }

    async fn events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM stripe_events").fetch_one(&self.app.db).await.unwrap()
    }

    async fn customer_page(&self) -> String {
        self.app.get(&new_client(), &self.link).await.text().await.unwrap()
    }

    async fn owner_status(&self) -> String {
        let page = self.app.get(&self.owner, &format!("/invoices/{}", self.invoice_id)).await.text().await.unwrap();
        let start = page.find("data-status>").expect("a status badge") + "data-status>".len();
        page[start..].split('<').next().unwrap().to_owned()
    }

    /// Posts `body` to the webhook endpoint with `signature` as the header.
    async fn deliver(&self, body: &str, signature: Option<&str>) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .post(self.app.url(&format!("/webhooks/stripe/{}", self.business_id)))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        request.send().await.unwrap()
    }
}

fn session_id(location: &str) -> &str {
    location.rsplit('/').next().unwrap()
}

#[tokio::test]
async fn the_customer_pays_by_card_and_the_invoice_turns_paid_exactly_once() {
    let shop = shop("EUR", EUR_LINES).await;
    let customer = new_client();
    let view = shop.app.get(&new_client(), &shop.link).await;
    let csp = view.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains(&format!("form-action 'self' {};", crate::stripe_server::api_base())), "{csp}");
    let page = view.text().await.unwrap();
    assert!(page.contains("Pay by card"), "{page}");

    let pay = shop.press_pay(&customer).await;
    assert_eq!(pay.status(), 303);
    let location = pay.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/c/pay/cs_test_"), "to Stripe Checkout: {location}");
    // A second press goes to the same open session, not a new one.
    let again = shop.press_pay(&customer).await;
    assert_eq!(again.headers()["location"].to_str().unwrap(), location);
    let sessions = shop.stripe.sessions().await;
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(session["amount_total"], 105_400, "1054.00 EUR in cents");
    assert_eq!(session["currency"], "eur");
    assert_eq!(session["metadata"]["fastfaktura_invoice"], shop.invoice_id);
    assert_eq!(session["success_url"].as_str().unwrap(), shop.app.url(&format!("{}?payment=done", shop.link)));
    let requests = shop.stripe.requests().await;
    let create = requests.iter().find(|r| r["path"] == "/v1/checkout/sessions").unwrap();
    assert!(create["idempotency_key"].as_str().unwrap().starts_with("fastfaktura-checkout-"));

    // The customer pays on Stripe's page; Stripe sends its signed events to us.
    let paid = new_client().post(&location).form(&[("card", "4242")]).send().await.unwrap();
    assert_eq!(paid.status(), 303);
    let back = paid.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.ends_with("?payment=done"), "{back}");
    let payments = shop.payments().await;
    assert_eq!(payments.len(), 1, "two events reported one payment: {payments:?}");
    assert_eq!(payments[0], ("1054.00".parse().unwrap(), Decimal::ZERO, "card".to_owned()));
    assert_eq!(shop.events().await, 2);
    assert_eq!(shop.owner_status().await, "Paid");
    let page = shop.customer_page().await;
    assert!(page.contains("This invoice is paid") && !page.contains("Pay by card"), "{page}");

    // Stripe delivers again: nothing changes. Pressing "Pay" now leads back to the page.
    let status = shop.stripe.pay_session(session_id(&location), true, "normal").await;
    assert!(status.get("error").is_some(), "the session is complete: {status}");
    let sent = sqlx::query_scalar::<_, String>("SELECT event_id FROM stripe_events").fetch_all(&shop.app.db).await;
    for event in sent.unwrap() {
        assert_eq!(shop.stripe.redeliver(&event).await, 200);
    }
    assert_eq!(shop.payments().await.len(), 1);
    assert_eq!(shop.events().await, 2);
    let late = shop.press_pay(&customer).await;
    assert_eq!(late.headers()["location"].to_str().unwrap(), shop.link);
    assert_eq!(shop.stripe.sessions().await.len(), 1);
    assert!(!captured_logs().contains(&shop.stripe.secret_key), "the Stripe key in the logs");
}

#[tokio::test]
async fn bad_webhook_deliveries_get_400_and_change_nothing_and_repeats_count_once() {
    let shop = shop("EUR", EUR_LINES).await;
    let secret = shop.stripe.webhook_secret.as_str();
    let now = shop.app.clock_now().unix_timestamp();
    let event = json!({
        "id": "evt_test_signed_by_hand", "object": "event", "type": "payment_intent.succeeded", "created": now,
        "data": {"object": {"id": "pi_test_hand", "object": "payment_intent", "status": "succeeded",
            "amount_received": 50000, "currency": "eur",
            "metadata": {"fastfaktura_invoice": shop.invoice_id, "fastfaktura_business": shop.business_id.to_string()}}}
    });
    let body = event.to_string();
    let good = |t: i64, key: &str| format!("t={t},v1={}", signature::sign(key, t, body.as_bytes()));
    let reserialised = serde_json::to_string_pretty(&event).unwrap();
    let cases: Vec<(&str, String, Option<String>)> = vec![
        ("missing header", body.clone(), None),
        ("malformed header", body.clone(), Some("this is not a signature".into())),
        ("no v1", body.clone(), Some(format!("t={now},v0=abc"))),
        ("wrong secret", body.clone(), Some(good(now, "whsec_not_the_right_one"))),
        ("one byte changed", body.replace("50000", "50001"), Some(good(now, secret))),
        ("re-serialised JSON", reserialised, Some(good(now, secret))),
        ("too old", body.clone(), Some(good(now - 301, secret))),
        ("in the future", body.clone(), Some(good(now + 301, secret))),
    ];
    for (case, body, header) in cases {
        let response = shop.deliver(&body, header.as_deref()).await;
        assert_eq!(response.status(), 400, "{case}");
        assert_eq!(response.headers()["content-type"], "application/problem+json", "{case}");
        let problem: serde_json::Value = response.json().await.unwrap();
        assert!(problem["detail"].as_str().unwrap().len() > 10, "{case}: a reason: {problem}");
    }
    assert!(shop.payments().await.is_empty());
    assert_eq!(shop.events().await, 0);
    assert!(captured_logs().contains("payment.webhook.rejected"));

    // Two v1 signatures, one right (a secret being rolled): accepted. Then the same
    // event ten times at once: one payment, one event row.
    let rolled = format!("{},v1={}", good(now, secret), "0".repeat(64));
    assert_eq!(shop.deliver(&body, Some(&rolled)).await.status(), 200);
    let header = good(now, secret);
    let deliveries = (0..10).map(|_| shop.deliver(&body, Some(&header)));
    for response in futures::future::join_all(deliveries).await {
        assert_eq!(response.status(), 200);
    }
    assert_eq!(shop.payments().await.len(), 1);
    assert_eq!(shop.payments().await[0].0, "500.00".parse::<Decimal>().unwrap());
    assert_eq!(shop.events().await, 1);
    assert_eq!(shop.owner_status().await, "Partially paid");
    // The audit log: eight rejections, one processed event, ten repeats.
    let audited: Vec<(String, i64)> = sqlx::query_as(
        "SELECT action, count(*) FROM audit_events WHERE category = 'payment' AND action LIKE 'payment.webhook.%'
         GROUP BY action ORDER BY action",
    )
    .fetch_all(&shop.app.db)
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            ("payment.webhook.duplicate".to_owned(), 10),
            ("payment.webhook.processed".to_owned(), 1),
            ("payment.webhook.rejected".to_owned(), 8)
        ]
    );

    // An unknown business or a business without a signing secret: refused the same way.
    let stranger = shop.app.client.post(shop.app.url(&format!("/webhooks/stripe/{}", Uuid::new_v4())));
    let response = stranger.header("stripe-signature", &header).body(body.clone()).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let not_an_id = shop.app.client.post(shop.app.url("/webhooks/stripe/not-an-id")).send().await.unwrap();
    assert_eq!(not_an_id.status(), 404);
}

#[tokio::test]
async fn our_signatures_match_the_official_stripe_library() {
    // stripe-python's verify_header over a header made by our signing code, and the
    // fake server's headers (made by stripe-python) accepted by ours in the other tests.
    let secret = "whsec_cross_check_1234567890";
    let payload = r#"{"id":"evt_cross","object":"event","type":"charge.refunded"}"#;
    let t = time::OffsetDateTime::now_utc().unix_timestamp();
    let header = format!("t={t},v1={}", signature::sign(secret, t, payload.as_bytes()));
    let script = "import sys, stripe\n\
        stripe.WebhookSignature.verify_header(sys.argv[1], sys.argv[2], sys.argv[3], tolerance=300)\n\
        print('verified')";
    let run = |header: &str| {
        std::process::Command::new("python3")
            .args(["-c", script, payload, header, secret])
            .env("HOME", std::env::temp_dir())
            .output()
            .expect("python3 with the stripe library (scripts/install-deps)")
    };
    let verified = run(&header);
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
    assert_eq!(String::from_utf8_lossy(&verified.stdout).trim(), "verified");
    let tampered = run(&header.replace("v1=", "v1=0"));
    assert!(!tampered.status.success(), "a check that cannot fail proves nothing");
}

#[tokio::test]
async fn refunds_lower_what_is_paid_and_events_may_come_in_any_order() {
    let shop = shop("EUR", EUR_LINES).await;
    let pay = shop.press_pay(&new_client()).await;
    let location = pay.headers()["location"].to_str().unwrap().to_owned();
    // Paid at Stripe, but its payment events are held back: the refund arrives first.
    let paid = shop.stripe.pay_session(session_id(&location), false, "normal").await;
    let intent = paid["payment_intent"].as_str().unwrap().to_owned();
    let refund = shop.stripe.refund(&intent, 20_000).await;
    assert_eq!(refund["status"], 200, "{refund}");
    let payments = shop.payments().await;
    assert_eq!(payments.len(), 1, "the refund looked the payment up at Stripe: {payments:?}");
    assert_eq!((payments[0].0, payments[0].1), ("1054.00".parse().unwrap(), "200.00".parse().unwrap()));
    assert_eq!(shop.owner_status().await, "Partially paid");
    let owner_page = shop.app.get(&shop.owner, &format!("/invoices/{}", shop.invoice_id)).await.text().await.unwrap();
    let refunded = owner_page.split("data-refunded>").nth(1).expect("the refund beside the payment");
    assert!(refunded.starts_with("200") && refunded.contains("refunded"), "{refunded}");
    let customer_page = shop.customer_page().await;
    assert!(customer_page.contains("200.00"), "200.00 is open again: {customer_page}");

    // The held-back payment events arrive late, in reverse order: nothing changes.
    for event in paid["events"].as_array().unwrap().iter().rev() {
        assert_eq!(shop.stripe.redeliver(event.as_str().unwrap()).await, 200);
    }
    let payments = shop.payments().await;
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].1, "200.00".parse::<Decimal>().unwrap(), "a late event does not undo the refund");

    // The rest is refunded: the invoice is open in full again.
    assert_eq!(shop.stripe.refund(&intent, 85_400).await["status"], 200);
    assert_eq!(shop.payments().await[0].1, "1054.00".parse::<Decimal>().unwrap());
    assert_eq!(shop.owner_status().await, "Issued");
}

#[tokio::test]
async fn reconciliation_records_a_payment_whose_webhook_never_came() {
    let shop = shop("EUR", EUR_LINES).await;
    let pay = shop.press_pay(&new_client()).await;
    let location = pay.headers()["location"].to_str().unwrap().to_owned();
    shop.stripe.pay_session(session_id(&location), false, "normal").await;
    let reconcile = || fastfaktura::payments::reconcile::reconcile(&shop.app.worker);
    // Within the grace period the webhook may still come: not asked yet.
    assert_eq!(reconcile().await.unwrap().asked, 0);
    shop.app.clock.advance(time::Duration::minutes(5));
    let report = reconcile().await.unwrap();
    assert_eq!((report.asked, report.recorded, report.settled), (1, 1, 1));
    assert_eq!(shop.payments().await.len(), 1);
    assert_eq!(shop.owner_status().await, "Paid");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'payment.reconciled'")
        .fetch_one(&shop.app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1, "a payment recorded by reconciliation is in the audit log");
    assert_eq!(reconcile().await.unwrap().asked, 0, "a settled checkout is not asked about again");
}

#[tokio::test]
async fn a_lost_answer_from_stripe_does_not_make_a_second_session() {
    let shop = shop("EUR", EUR_LINES).await;
    let customer = new_client();
    shop.stripe.lose_next_answer().await;
    let failed = shop.press_pay(&customer).await;
    assert_eq!(failed.status(), 503);
    assert!(failed.text().await.unwrap().contains("Card payment is not available right now"));
    let retried = shop.press_pay(&customer).await;
    assert_eq!(retried.status(), 303);
    let sessions = shop.stripe.sessions().await;
    assert_eq!(sessions.len(), 1, "the retry was answered with the session made the first time");
    assert!(retried.headers()["location"].to_str().unwrap().ends_with(sessions[0]["id"].as_str().unwrap()));
    let keys: Vec<_> = shop
        .stripe
        .requests()
        .await
        .into_iter()
        .filter(|r| r["path"] == "/v1/checkout/sessions")
        .map(|r| r["idempotency_key"].clone())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "the same Idempotency-Key both times");
}

#[tokio::test]
async fn icelandic_kronur_go_to_stripe_in_hundredths() {
    let shop = shop("ISK", &[["Hönnun", "3", "12500", "S", "24"]]).await;
    let pay = shop.press_pay(&new_client()).await;
    assert_eq!(pay.status(), 303);
    let sessions = shop.stripe.sessions().await;
    // 3 × 12 500 kr + 24 % VAT = 46 500 kr, which Stripe counts as 4 650 000.
    assert_eq!(sessions[0]["amount_total"], 4_650_000);
    assert_eq!(sessions[0]["currency"], "isk");
}

#[tokio::test]
async fn a_key_stripe_refuses_is_not_stored() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    app.log_in(&owner, "keys@stripe.example").await;
    let revoked =
        app.post_form(&owner, "/settings/payments", &[("stripe_secret_key", "sk_test_revoked0123456789")]).await;
    assert_eq!(revoked.status(), 422);
    let page = revoked.text().await.unwrap();
    assert!(page.contains("Stripe did not accept this key"), "{page}");
    assert!(!page.contains("sk_test_revoked0123456789"));
    let stripe = StripeAccount::new();
    stripe.fail_next(500).await;
    let down = app.post_form(&owner, "/settings/payments", &[("stripe_secret_key", &stripe.secret_key)]).await;
    assert_eq!(down.status(), 422);
    assert!(down.text().await.unwrap().contains("could not be reached"));
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM business_secrets").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, 0, "nothing was saved");
    // A key Stripe accepts is stored.
    let ok = app.post_form(&owner, "/settings/payments", &[("stripe_secret_key", &stripe.secret_key)]).await;
    assert_eq!(ok.status(), 303);
}

#[tokio::test]
async fn a_rolled_webhook_secret_is_accepted_until_it_expires() {
    let shop = shop("EUR", EUR_LINES).await;
    let old = shop.stripe.webhook_secret.clone();
    let new = "whsec_TheNewSecret0123456789";
    let saved = shop.app.post_form(&shop.owner, "/settings/payments", &[("stripe_webhook_secret", new)]).await;
    assert_eq!(saved.status(), 303);
    let page = shop.app.get(&shop.owner, "/settings/payments").await.text().await.unwrap();
    assert!(page.contains("data-previous-webhook-secret"), "{page}");
    let now = shop.app.clock_now().unix_timestamp();
    let body = json!({"id": "evt_test_roll", "object": "event", "type": "customer.created", "created": now,
        "data": {"object": {}}})
    .to_string();
    let signed = |secret: &str, t: i64| format!("t={t},v1={}", signature::sign(secret, t, body.as_bytes()));
    assert_eq!(shop.deliver(&body, Some(&signed(&old, now))).await.status(), 200, "the old secret still counts");
    shop.app.clock.advance(time::Duration::hours(25));
    let later = now + 25 * 3600;
    assert_eq!(shop.deliver(&body, Some(&signed(&old, later))).await.status(), 400, "expired");
    assert_eq!(shop.deliver(&body, Some(&signed(new, later))).await.status(), 200);
}
