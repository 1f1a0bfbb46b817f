//! Local stand-ins for 46elks and Twilio that speak their documented wire formats:
//! HTTP Basic auth, form-encoded sends (46elks `from`/`to`/`message` to `/a1/sms`;
//! Twilio `To`/`From`/`Body` to `/2010-04-01/Accounts/{sid}/Messages.json`), JSON
//! answers (Twilio errors as `{code, message, status}`, 46elks errors as plain text),
//! and each provider's message log (`GET` on the same paths) that the delivery job
//! reads to settle a send left in doubt. Every accepted message is recorded, so tests
//! can count exactly what a provider took.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Form, Json, Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::Engine;
use serde_json::json;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Elks,
    Twilio,
}

#[derive(Debug, Clone)]
pub struct Accepted {
    pub id: String,
    pub from: String,
    pub to: String,
    pub text: String,
    pub created: OffsetDateTime,
}

/// What the next sends get instead of acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 503: the provider is down.
    Unavailable,
    /// 400 with the provider's error for a bad recipient.
    Reject,
}

#[derive(Clone)]
pub struct FakeSms {
    pub url: String,
    pub kind: Kind,
    pub account: String,
    pub secret: String,
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    accepted: Vec<Accepted>,
    failures: Vec<Failure>,
    /// After accepting this many messages, hold the answer to the last one back.
    stall_at: Option<usize>,
}

impl FakeSms {
    pub async fn start(kind: Kind) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (account, secret) = match kind {
            Kind::Elks => ("u2c3a5b0f1e2d3c4b5a69788796a5b4c3", "E1F2A3B4C5D6E7F8A9B0C1D2E3F4A5B6"),
            Kind::Twilio => ("AC0123456789abcdef0123456789abcdef", "f00dfeedf00dfeedf00dfeedf00dfeed"),
        };
        let fake = Self {
            url: format!("http://{}", listener.local_addr().unwrap()),
            kind,
            account: account.into(),
            secret: secret.into(),
            inner: Arc::default(),
        };
        let router = Router::new()
            .route("/a1/sms", post(elks_send).get(elks_history))
            .route("/2010-04-01/Accounts/{sid}/Messages.json", post(twilio_send).get(twilio_list))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        fake
    }

    pub fn accepted(&self) -> Vec<Accepted> {
        self.inner.lock().unwrap().accepted.clone()
    }

    /// Answers the next `n` sends with `failure`.
    pub fn fail_next(&self, n: usize, failure: Failure) {
        self.inner.lock().unwrap().failures = vec![failure; n];
    }

    /// Waits (up to 15 s) for at least `count` accepted messages.
    pub async fn wait_for(&self, count: usize) -> Vec<Accepted> {
        for _ in 0..300 {
            let now = self.accepted();
            if now.len() >= count {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} SMS, got {:#?}", self.accepted());
    }

    fn authorised(&self, headers: &HeaderMap) -> bool {
        let expected = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", self.account, self.secret));
        headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Basic {expected}"))
    }

    /// Accepts the `n`th message but does not answer it (for a long time): the
    /// sender sees nothing while the message is already taken, the worst moment to die.
    pub fn stall_at(&self, n: usize) {
        self.inner.lock().unwrap().stall_at = Some(n);
    }

    async fn answer_later_if_stalled(&self) {
        let stalled = {
            let inner = self.inner.lock().unwrap();
            inner.stall_at == Some(inner.accepted.len())
        };
        if stalled {
            tokio::time::sleep(Duration::from_secs(120)).await;
        }
    }

    fn take_failure(&self) -> Option<Failure> {
        self.inner.lock().unwrap().failures.pop()
    }

    fn accept(&self, from: &str, to: &str, text: &str, prefix: &str) -> Accepted {
        let accepted = Accepted {
            id: format!("{prefix}{}", uuid::Uuid::new_v4().simple()),
            from: from.into(),
            to: to.into(),
            text: text.into(),
            created: OffsetDateTime::now_utc(),
        };
        self.inner.lock().unwrap().accepted.push(accepted.clone());
        accepted
    }
}

fn elks_time(at: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]");
    at.format(&f).unwrap()
}

fn elks_json(m: &Accepted) -> serde_json::Value {
    json!({"id": m.id, "status": "created", "direction": "outgoing", "from": m.from, "to": m.to,
           "message": m.text, "created": elks_time(m.created), "parts": 1, "cost": 3500})
}

async fn elks_send(
    State(fake): State<FakeSms>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !fake.authorised(&headers) {
        return (StatusCode::UNAUTHORIZED, "Unauthorized").into_response();
    }
    let (Some(from), Some(to), Some(message)) = (form.get("from"), form.get("to"), form.get("message")) else {
        return (StatusCode::BAD_REQUEST, "Missing key from, to or message").into_response();
    };
    match fake.take_failure() {
        Some(Failure::Unavailable) => return (StatusCode::SERVICE_UNAVAILABLE, "").into_response(),
        Some(Failure::Reject) => return (StatusCode::BAD_REQUEST, "Invalid to number").into_response(),
        None => {}
    }
    let accepted = fake.accept(from, to, message, "s");
    fake.answer_later_if_stalled().await;
    Json(elks_json(&accepted)).into_response()
}

async fn elks_history(
    State(fake): State<FakeSms>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if !fake.authorised(&headers) {
        return (StatusCode::UNAUTHORIZED, "Unauthorized").into_response();
    }
    let data: Vec<_> = fake
        .accepted()
        .iter()
        .rev()
        .filter(|m| query.get("to").is_none_or(|to| *to == m.to))
        .filter(|m| query.get("end").is_none_or(|end| elks_time(m.created) >= *end))
        .map(elks_json)
        .collect();
    Json(json!({"data": data})).into_response()
}

fn twilio_json(sid: &str, m: &Accepted) -> serde_json::Value {
    let created = m.created.format(&time::format_description::well_known::Rfc2822).unwrap();
    json!({"sid": m.id, "account_sid": sid, "to": m.to, "from": m.from, "body": m.text, "status": "queued",
           "direction": "outbound-api", "date_created": created, "date_sent": null, "num_segments": "1",
           "error_code": null, "error_message": null})
}

fn twilio_error(status: StatusCode, code: i64, message: &str) -> Response {
    let body = json!({"code": code, "message": message,
                      "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status.as_u16()});
    (status, Json(body)).into_response()
}

async fn twilio_send(
    State(fake): State<FakeSms>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !fake.authorised(&headers) || sid != fake.account {
        return twilio_error(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
    }
    let (Some(to), Some(from), Some(body)) = (form.get("To"), form.get("From"), form.get("Body")) else {
        return twilio_error(StatusCode::BAD_REQUEST, 21604, "A 'To' phone number is required.");
    };
    match fake.take_failure() {
        Some(Failure::Unavailable) => {
            return twilio_error(StatusCode::SERVICE_UNAVAILABLE, 20500, "Internal Server Error");
        }
        Some(Failure::Reject) => {
            return twilio_error(
                StatusCode::BAD_REQUEST,
                21211,
                &format!("The 'To' number {to} is not a valid phone number."),
            );
        }
        None => {}
    }
    let accepted = fake.accept(from, to, body, "SM");
    fake.answer_later_if_stalled().await;
    (StatusCode::CREATED, Json(twilio_json(&sid, &accepted))).into_response()
}

async fn twilio_list(
    State(fake): State<FakeSms>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if !fake.authorised(&headers) || sid != fake.account {
        return twilio_error(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
    }
    let messages: Vec<_> = fake
        .accepted()
        .iter()
        .rev()
        .filter(|m| query.get("To").is_none_or(|to| *to == m.to))
        .map(|m| twilio_json(&sid, m))
        .collect();
    Json(json!({"messages": messages, "page": 0, "page_size": 50})).into_response()
}
