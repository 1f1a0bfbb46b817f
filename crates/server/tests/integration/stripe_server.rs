//! The fake Stripe server (`tests/stripe/fake_stripe.py`): one per test process, each
//! test in its own "account" (its own secret key). It speaks Stripe's wire format and
//! signs webhooks with the official `stripe` library, installed by
//! `scripts/install-deps`.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{LazyLock, Mutex},
};

use serde_json::Value;

#[derive(Debug, Clone, serde::Deserialize)]
struct Started {
    api_base: String,
}

static SERVER: LazyLock<(String, Mutex<Child>)> = LazyLock::new(|| {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stripe/fake_stripe.py");
    let mut child = Command::new("python3")
        .arg(script)
        .env("HOME", std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start python3 for the fake Stripe server (run scripts/install-deps)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let started: Started = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("the fake Stripe server did not start: {e}: {line:?}; run scripts/install-deps"));
    // Its stdin stays open while we live; when this process exits the server stops.
    (started.api_base, Mutex::new(child))
});

/// The fake's API base, for `settings.stripe.api_base`.
pub fn api_base() -> &'static str {
    &SERVER.0
}

/// One test's Stripe account on the fake: its keys and the control calls.
pub struct StripeAccount {
    pub secret_key: String,
    pub webhook_secret: String,
    http: reqwest::Client,
}

impl StripeAccount {
    pub fn new() -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self {
            secret_key: format!("sk_test_{id}"),
            webhook_secret: format!("whsec_{}", &id[..24]),
            http: reqwest::Client::new(),
        }
    }

    async fn control(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", api_base()))
            .bearer_auth(&self.secret_key)
            .form(form)
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }

    async fn read(&self, path: &str) -> Value {
        let response =
            self.http.get(format!("{}{path}", api_base())).bearer_auth(&self.secret_key).send().await.unwrap();
        response.json().await.unwrap()
    }

    /// Where the fake sends this account's events.
    pub async fn register_webhook(&self, url: &str) {
        self.control("/_test/webhook_endpoint", &[("url", url), ("secret", &self.webhook_secret)]).await;
    }

    /// Pays a session as the customer would; `deliver` false keeps the webhooks back.
    /// Returns the fake's answer: payment_intent, events, statuses (our answers).
    pub async fn pay_session(&self, session_id: &str, deliver: bool, order: &str) -> Value {
        let deliver = if deliver { "1" } else { "0" };
        self.control(&format!("/_test/checkout/sessions/{session_id}/pay"), &[("deliver", deliver), ("order", order)])
            .await
    }

    /// Refunds `amount` (Stripe's integer form) of a payment; returns our answer's status.
    pub async fn refund(&self, payment_intent: &str, amount: i64) -> Value {
        let amount = amount.to_string();
        self.control(&format!("/_test/payment_intents/{payment_intent}/refund"), &[("amount", &amount)]).await
    }

    /// Delivers an event again; returns the status our endpoint answered.
    pub async fn redeliver(&self, event_id: &str) -> u64 {
        self.control(&format!("/_test/events/{event_id}/deliver"), &[]).await["status"].as_u64().unwrap()
    }

    /// The next API call is processed but its answer is lost (a timeout).
    pub async fn lose_next_answer(&self) {
        self.control("/_test/lose_next", &[]).await;
    }

    /// The next API call fails with `status`.
    pub async fn fail_next(&self, status: u16) {
        self.control("/_test/fail_next", &[("status", &status.to_string())]).await;
    }

    pub async fn sessions(&self) -> Vec<Value> {
        self.read("/_test/sessions").await["data"].as_array().unwrap().clone()
    }

    /// The API requests the fake saw from us: method, path, idempotency_key.
    pub async fn requests(&self) -> Vec<Value> {
        self.read("/_test/requests").await["data"].as_array().unwrap().clone()
    }
}
