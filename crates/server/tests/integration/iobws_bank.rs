//! The fake Icelandic bank (`tests/iobws/fake_bank.py`, Python standard library only):
//! one per test process, each test in its own account (its own bearer token). It
//! speaks the claims API's wire format (IOBWS 3 Claims, ÍST TS 315), so these tests
//! drive the real `ClaimsClient` through create, read, pay, cancel and change, and
//! through the bank's refusals, failures and silences.

use std::{
    process::Child,
    sync::{LazyLock, Mutex},
    time::{Duration, Instant},
};

use fastfaktura::integrations::iobws_claims::{
    ClaimPayment, ClaimStatus, ClaimsClient, ClaimsError, NewClaim, PaymentKind,
};
use fastfaktura_domain::{ClaimKey, ClaimNumber, Decimal};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime, macros::date};
use uuid::Uuid;

static SERVER: LazyLock<(String, Mutex<Child>)> = LazyLock::new(|| {
    // Its stdin stays open while we live; when this process exits the server stops.
    let (base_url, child) = crate::helpers::start_python_fake("iobws/fake_bank.py", "the fake bank");
    (base_url, Mutex::new(child))
});

/// The fake's address, for `ClaimsClient::new`.
pub fn base_url() -> &'static str {
    &SERVER.0
}

/// Hagstofa Íslands' kennitala, the claimant in these tests.
pub const CLAIMANT: &str = "5902697199";
/// Another valid kennitala, the payer.
pub const PAYOR: &str = "5510730339";

/// One test's account at the fake bank: its token and the control calls.
pub struct BankAccount {
    pub token: String,
    http: reqwest::Client,
}

impl BankAccount {
    /// An account whose token may act for `CLAIMANT`, template `001`; the bank's
    /// refusals come with 201 as the API description documents.
    pub async fn new() -> Self {
        Self::with(json!({"claimantId": CLAIMANT})).await
    }

    /// An account as `settings` describe it (`claimantId`, `templateCodes`, `refusalStatus`).
    pub async fn with(settings: Value) -> Self {
        let http = reqwest::Client::new();
        let answer: Value = http
            .post(format!("{}/_test/accounts", base_url()))
            .json(&settings)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Self { token: answer["token"].as_str().unwrap().to_owned(), http }
    }

    pub fn client(&self) -> ClaimsClient {
        ClaimsClient::new(base_url(), &self.token).unwrap()
    }

    async fn control(&self, path: &str, body: Value) -> (u16, Value) {
        let response =
            self.http.post(format!("{}{path}", base_url())).bearer_auth(&self.token).json(&body).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// The payer pays `amount` of the claim in their online bank (all that is due
    /// when `None`); returns the fake's status and the transaction it recorded.
    pub async fn pay(&self, claim_id: &str, amount: Option<i64>) -> (u16, Value) {
        let mut body = json!({"claimId": claim_id});
        if let Some(amount) = amount {
            body["amount"] = json!(amount);
        }
        self.control("/_test/pay", body).await
    }

    /// The same, booked on `date`.
    pub async fn pay_on(&self, claim_id: &str, amount: i64, date: Date) -> (u16, Value) {
        self.control("/_test/pay", json!({"claimId": claim_id, "amount": amount, "date": date.to_string()})).await
    }

    /// The next `count` API calls fail with `status`, undone.
    pub async fn fail_next(&self, count: u32, status: u16) {
        self.control("/_test/fail_next", json!({"count": count, "status": status})).await;
    }

    /// The next `count` API calls are done, but answered only after `seconds`.
    pub async fn hang_next(&self, count: u32, seconds: f64) {
        self.control("/_test/fail_next", json!({"count": count, "hang": seconds})).await;
    }

    /// The API requests the fake saw: method, path, requestId.
    pub async fn requests(&self) -> Vec<Value> {
        let response =
            self.http.get(format!("{}/_test/requests", base_url())).bearer_auth(&self.token).send().await.unwrap();
        response.json::<Value>().await.unwrap()["data"].as_array().unwrap().clone()
    }
}

fn kronur(amount: i64) -> Decimal {
    Decimal::from(amount)
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// A claim of `amount` krónur with claim number `number`, due on the first of next
/// year's March (the key is the claimant, bank 0001, the number and the due date).
fn claim(number: u64, amount: i64) -> NewClaim {
    let due = Date::from_calendar_date(today().year() + 1, time::Month::March, 1).unwrap();
    NewClaim {
        key: ClaimKey::new(CLAIMANT, "0001", ClaimNumber::for_invoice(number).unwrap(), due).unwrap(),
        payor: PAYOR.into(),
        amount: kronur(amount),
        final_due_date: due.saturating_add(time::Duration::days(14)),
        template_code: "001".into(),
        reference: format!("2026-{number:04}"),
        bill_number: Some(format!("{number:04}")),
        request_id: Uuid::new_v4(),
    }
}

/// Neither the message nor the debug form of `error` holds `token`.
fn assert_secret_kept(error: &ClaimsError, token: &str) {
    let shown = format!("{error} | {error:?}");
    assert!(!shown.contains(token), "the token leaked: {shown}");
}

#[tokio::test]
async fn a_created_claim_is_in_the_bank_under_its_key() {
    let bank = BankAccount::new().await;
    let client = bank.client();
    let new = claim(42, 12_500);
    let created = client.create_claim(&new).await.unwrap();
    assert_eq!(created.claim_id, new.key.claim_id());
    assert!(!created.direct_payment);

    let held = client.get_claim(&created.claim_id).await.unwrap();
    assert_eq!(held.claim_id, created.claim_id);
    assert_eq!(held.status, ClaimStatus::Unpaid);
    assert_eq!(held.amount, kronur(12_500));
    assert_eq!(held.payor, PAYOR);
    assert_eq!(held.due_date, new.key.due_date());
    assert_eq!(held.final_due_date, Some(new.final_due_date));
    assert_eq!(held.reference.as_deref(), Some("2026-0042"));
    assert_eq!(held.bill_number.as_deref(), Some("0042"));

    // The create carried the caller's request id; every request had one.
    let requests = bank.requests().await;
    assert_eq!(requests[0]["method"], "POST");
    assert_eq!(requests[0]["requestId"], new.request_id.to_string());
    // The claim id in the path has its `+` percent-encoded, as an OpenAPI client sends it.
    assert_eq!(requests[1]["path"], format!("/v1/claims/{}", created.claim_id.replace('+', "%2B")));
    assert_ne!(requests[1]["requestId"], requests[0]["requestId"]);

    // An unknown claim is the bank's 404.
    let missing = claim(43, 100).key.claim_id();
    let e = client.get_claim(&missing).await.unwrap_err();
    assert!(e.is_not_found() && !e.retryable(), "{e:?}");
    assert_secret_kept(&e, &bank.token);
}

#[tokio::test]
async fn a_claim_key_is_created_once() {
    let bank = BankAccount::new().await;
    let client = bank.client();
    let first = claim(7, 5_000);
    let created = client.create_claim(&first).await.unwrap();
    // The same request again (same X-Request-ID): the bank answers as the first time.
    assert_eq!(client.create_claim(&first).await.unwrap(), created);
    // Another request for the same key: the bank's CLAIM_EXISTS.
    let again = NewClaim { request_id: Uuid::new_v4(), amount: kronur(6_000), ..first.clone() };
    let e = client.create_claim(&again).await.unwrap_err();
    assert!(e.is_claim_exists(), "{e:?}");
    assert!(!e.retryable());
    assert!(e.to_string().contains("CLAIM_EXISTS"), "{e}");
    assert_secret_kept(&e, &bank.token);
    // The first claim is untouched.
    assert_eq!(client.get_claim(&created.claim_id).await.unwrap().amount, kronur(5_000));

    // Banks that send the refusal with a 4xx are read the same way.
    for status in [400, 409] {
        let bank = BankAccount::with(json!({"claimantId": CLAIMANT, "refusalStatus": status})).await;
        let client = bank.client();
        client.create_claim(&claim(7, 5_000)).await.unwrap();
        let e = client.create_claim(&claim(7, 5_000)).await.unwrap_err();
        assert!(
            matches!(&e, ClaimsError::Refused { status: s, code, .. } if *s == status && code == "CLAIM_EXISTS"),
            "{e:?}"
        );
        assert!(!e.retryable());
    }
}

#[tokio::test]
async fn the_bank_checks_what_the_client_cannot() {
    let bank = BankAccount::with(json!({"claimantId": CLAIMANT, "templateCodes": ["002"]})).await;
    let e = bank.client().create_claim(&claim(1, 1_000)).await.unwrap_err();
    assert!(
        matches!(&e, ClaimsError::Refused { status: 400, code, .. } if code == "PARAMETER_NOT_CONSISTENT"),
        "{e:?}"
    );
    assert!(e.to_string().contains("templateCode"), "{e}");
    // Another claimant's claims are not this token's: 403.
    let other = NewClaim {
        key: ClaimKey::new(PAYOR, "0001", ClaimNumber::parse("1").unwrap(), date!(2030 - 1 - 1)).unwrap(),
        template_code: "002".into(),
        final_due_date: date!(2030 - 1 - 1),
        ..claim(1, 1_000)
    };
    let e = bank.client().create_claim(&other).await.unwrap_err();
    assert!(matches!(e, ClaimsError::Unauthorised { status: 403, .. }), "{e:?}");
    // What breaks the API's rules never leaves: no request reaches the bank.
    let before = bank.requests().await.len();
    let e = bank.client().create_claim(&NewClaim { amount: "10.5".parse().unwrap(), ..claim(2, 1) }).await.unwrap_err();
    assert!(matches!(e, ClaimsError::Invalid(_)), "{e:?}");
    let e = bank.client().cancel_claim("not-a-claim-id", Uuid::new_v4()).await.unwrap_err();
    assert!(matches!(e, ClaimsError::Invalid(_)), "{e:?}");
    assert_eq!(bank.requests().await.len(), before);
}

#[tokio::test]
async fn a_payment_is_listed_once_with_its_own_id() {
    let bank = BankAccount::new().await;
    let client = bank.client();
    let created = client.create_claim(&claim(100, 9_900)).await.unwrap();
    let other = client.create_claim(&claim(101, 2_000)).await.unwrap();
    assert!(client.payments_since(CLAIMANT, today()).await.unwrap().is_empty());

    let (status, recorded) = bank.pay(&created.claim_id, None).await;
    assert_eq!(status, 200, "{recorded}");
    let payments = client.payments_since(CLAIMANT, today()).await.unwrap();
    assert_eq!(payments.len(), 1, "{payments:?}");
    let paid = &payments[0];
    assert_eq!(paid.claim_id, created.claim_id);
    assert_eq!((paid.principal, paid.total_paid, paid.deposited), (kronur(9_900), kronur(9_900), Some(kronur(9_900))));
    assert_eq!(paid.kind, PaymentKind::Complete);
    assert_eq!(paid.paid_on, today());
    assert_eq!(paid.payor.as_deref(), Some(PAYOR));
    assert!(paid.transaction_id.starts_with(&format!("{}@", created.claim_id)), "{}", paid.transaction_id);
    assert_eq!(client.get_claim(&created.claim_id).await.unwrap().status, ClaimStatus::Paid);

    // Read again: the same payment, the same id.
    let again = client.payments_since(CLAIMANT, today()).await.unwrap();
    assert_eq!(again, payments);

    // Two equal partial payments of one claim are two payments.
    bank.pay(&other.claim_id, Some(500)).await;
    bank.pay(&other.claim_id, Some(500)).await;
    let payments = client.payments_since(CLAIMANT, today()).await.unwrap();
    let partial: Vec<&ClaimPayment> = payments.iter().filter(|p| p.claim_id == other.claim_id).collect();
    assert_eq!(partial.len(), 2, "{payments:?}");
    assert!(partial.iter().all(|p| p.kind == PaymentKind::Partial && p.total_paid == kronur(500)));
    assert_ne!(partial[0].transaction_id, partial[1].transaction_id);
    let held = client.get_claim(&other.claim_id).await.unwrap();
    assert!(held.partially_paid && held.status == ClaimStatus::Unpaid, "{held:?}");

    // The window is by date: an older payment is outside a window starting today.
    let old = client.create_claim(&claim(102, 300)).await.unwrap();
    let last_week = today() - time::Duration::days(7);
    bank.pay_on(&old.claim_id, 300, last_week).await;
    assert_eq!(client.payments_since(CLAIMANT, today()).await.unwrap().len(), 3);
    let week = client.payments_since(CLAIMANT, last_week).await.unwrap();
    assert_eq!(week.len(), 4);
    assert!(week.iter().any(|p| p.claim_id == old.claim_id && p.paid_on == last_week));
    let only_old = client.payments_between(CLAIMANT, last_week, last_week).await.unwrap();
    assert_eq!(only_old.len(), 1);
}

#[tokio::test]
async fn payments_are_read_across_pages() {
    let bank = BankAccount::new().await;
    let client = bank.client();
    let created = client.create_claim(&claim(200, 1_000)).await.unwrap();
    for _ in 0..205 {
        let (status, _) = bank.pay(&created.claim_id, Some(1)).await;
        assert_eq!(status, 200);
    }
    let payments = client.payments_since(CLAIMANT, today()).await.unwrap();
    assert_eq!(payments.len(), 205);
    let ids: std::collections::HashSet<&str> = payments.iter().map(|p| p.transaction_id.as_str()).collect();
    assert_eq!(ids.len(), 205);
    let pages: Vec<Value> =
        bank.requests().await.into_iter().filter(|r| r["path"] == "/v1/claims/transactions").collect();
    assert_eq!(pages.len(), 3);
}

#[tokio::test]
async fn a_claim_is_cancelled_and_stays_cancelled() {
    let bank = BankAccount::new().await;
    let client = bank.client();
    let created = client.create_claim(&claim(300, 4_000)).await.unwrap();
    let cancel = Uuid::new_v4();
    client.cancel_claim(&created.claim_id, cancel).await.unwrap();
    assert_eq!(client.get_claim(&created.claim_id).await.unwrap().status, ClaimStatus::Cancelled);
    // The same cancel retried (its answer lost, say) gets the same answer.
    client.cancel_claim(&created.claim_id, cancel).await.unwrap();
    // A new cancel of a cancelled claim is the bank's CLAIM_IS_CANCELLED.
    let e = client.cancel_claim(&created.claim_id, Uuid::new_v4()).await.unwrap_err();
    assert_eq!(e.code(), Some("CLAIM_IS_CANCELLED"), "{e:?}");
    let e = client.change_claim_amount(&created.claim_id, kronur(100), Uuid::new_v4()).await.unwrap_err();
    assert_eq!(e.code(), Some("CLAIM_IS_CANCELLED"), "{e:?}");
    // Nobody can pay it any more.
    let (status, _) = bank.pay(&created.claim_id, None).await;
    assert_eq!(status, 400);
    // A paid claim cannot be cancelled.
    let paid = client.create_claim(&claim(301, 4_000)).await.unwrap();
    bank.pay(&paid.claim_id, None).await;
    let e = client.cancel_claim(&paid.claim_id, Uuid::new_v4()).await.unwrap_err();
    assert_eq!(e.code(), Some("CLAIM_IS_PAID"), "{e:?}");
    assert_secret_kept(&e, &bank.token);
}

#[tokio::test]
async fn a_claims_amount_is_changed() {
    let bank = BankAccount::new().await;
    let client = bank.client();
    let created = client.create_claim(&claim(400, 10_000)).await.unwrap();
    client.change_claim_amount(&created.claim_id, kronur(7_500), Uuid::new_v4()).await.unwrap();
    let held = client.get_claim(&created.claim_id).await.unwrap();
    assert_eq!((held.amount, held.total_due), (kronur(7_500), Some(kronur(7_500))));
    // The payer pays the new amount.
    bank.pay(&created.claim_id, None).await;
    let payments = client.payments_since(CLAIMANT, today()).await.unwrap();
    assert_eq!(payments[0].total_paid, kronur(7_500));
    // Once paid, the amount stays.
    let e = client.change_claim_amount(&created.claim_id, kronur(1), Uuid::new_v4()).await.unwrap_err();
    assert_eq!(e.code(), Some("CLAIM_IS_PAID"), "{e:?}");
    // Aurar are not sent.
    let e = client.change_claim_amount(&created.claim_id, "99.5".parse().unwrap(), Uuid::new_v4()).await.unwrap_err();
    assert!(matches!(e, ClaimsError::Invalid(_)), "{e:?}");
    // The PATCH went out as the API's merge patch, with its own request id.
    let patches: Vec<Value> = bank.requests().await.into_iter().filter(|r| r["method"] == "PATCH").collect();
    assert_eq!(patches.len(), 2);
    assert_eq!(patches[0]["path"], format!("/v1/claims/{}", created.claim_id.replace('+', "%2B")));
}

#[tokio::test]
async fn a_wrong_token_is_not_authorised_and_never_shown() {
    let wrong = format!("wrong_{}", Uuid::new_v4().simple());
    let client = ClaimsClient::new(base_url(), &wrong).unwrap();
    assert!(!format!("{client:?}").contains(&wrong));
    let e = client.create_claim(&claim(1, 100)).await.unwrap_err();
    assert!(matches!(&e, ClaimsError::Unauthorised { status: 401, code: Some(c) } if c == "TOKEN_UNKNOWN"), "{e:?}");
    assert!(!e.retryable());
    assert_secret_kept(&e, &wrong);
    for e in [
        client.get_claim(&claim(1, 100).key.claim_id()).await.unwrap_err(),
        client.cancel_claim(&claim(1, 100).key.claim_id(), Uuid::new_v4()).await.unwrap_err(),
        client.payments_since(CLAIMANT, today()).await.unwrap_err(),
    ] {
        assert!(matches!(e, ClaimsError::Unauthorised { status: 401, .. }), "{e:?}");
        assert_secret_kept(&e, &wrong);
    }
    // A real account's token does not show either, whatever goes wrong.
    let bank = BankAccount::new().await;
    let e =
        ClaimsClient::new("http://127.0.0.1:9", &bank.token).unwrap().create_claim(&claim(1, 100)).await.unwrap_err();
    assert!(matches!(e, ClaimsError::Unreachable(_)) && e.retryable(), "{e:?}");
    assert_secret_kept(&e, &bank.token);
    assert!(!format!("{:?}", bank.client()).contains(&bank.token));
}

#[tokio::test]
async fn a_failing_bank_is_retryable() {
    let bank = BankAccount::new().await;
    let client = bank.client();
    let new = claim(500, 3_000);
    for status in [503, 500, 408] {
        bank.fail_next(1, status).await;
        let e = client.create_claim(&new).await.unwrap_err();
        assert!(matches!(e, ClaimsError::Unavailable { status: s } if s == status), "{e:?}");
        assert!(e.retryable());
        assert!(e.to_string().contains("try again later"), "{e}");
        assert_secret_kept(&e, &bank.token);
    }
    // Failed calls did nothing; two more failures, then the retry goes through.
    bank.fail_next(2, 503).await;
    assert!(client.payments_since(CLAIMANT, today()).await.unwrap_err().retryable());
    assert!(client.get_claim(&new.key.claim_id()).await.unwrap_err().retryable());
    let created = client.create_claim(&new).await.unwrap();
    assert_eq!(client.get_claim(&created.claim_id).await.unwrap().amount, kronur(3_000));
}

#[tokio::test]
async fn a_silent_bank_times_out_and_the_retry_finds_the_claim_made() {
    let bank = BankAccount::new().await;
    let client = bank.client().with_timeout(Duration::from_millis(700));
    let new = claim(600, 8_000);
    bank.hang_next(1, 2.0).await;
    let started = Instant::now();
    let e = client.create_claim(&new).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(matches!(e, ClaimsError::Timeout { .. }), "{e:?}");
    assert!(e.retryable());
    assert_secret_kept(&e, &bank.token);
    // The bank did create it; the retry with the same request id is answered as the
    // first request was, not with CLAIM_EXISTS.
    let created = client.create_claim(&new).await.unwrap();
    assert_eq!(created.claim_id, new.key.claim_id());
    // Reads time out the same way.
    bank.hang_next(1, 2.0).await;
    assert!(matches!(client.payments_since(CLAIMANT, today()).await, Err(ClaimsError::Timeout { .. })));
    // The default limit is 10 seconds.
    assert!(format!("{:?}", bank.client()).contains("10s"));
}

#[tokio::test]
async fn the_fake_requires_what_the_api_requires() {
    let bank = BankAccount::new().await;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/claims/transactions?dateFrom=2026-01-01&dateTo=2026-01-31", base_url());
    // No X-Request-ID: 400 with the RFC 7807 body.
    let response = http.get(&url).bearer_auth(&bank.token).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "FORMAT_ERROR");
    // No token: 401.
    let response = http.get(&url).header("X-Request-ID", Uuid::new_v4().to_string()).send().await.unwrap();
    assert_eq!(response.status(), 401);
    // dateTo is required too.
    let response = http
        .get(format!("{}/v1/claims/transactions?dateFrom=2026-01-01", base_url()))
        .bearer_auth(&bank.token)
        .header("X-Request-ID", Uuid::new_v4().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // No DELETE on a claim (cancelling is a PATCH): 405 with the IOBWS messages body.
    let created = bank.client().create_claim(&claim(1, 1_000)).await.unwrap();
    let response = http
        .delete(format!("{}/v1/claims/{}", base_url(), created.claim_id.replace('+', "%2B")))
        .bearer_auth(&bank.token)
        .header("X-Request-ID", Uuid::new_v4().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["messages"][0]["code"], "SERVICE_INVALID");
}
