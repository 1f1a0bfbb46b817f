//! The Icelandic banks' claims API (IOBWS 3 Claims, ÍST TS 315, `IOBWS-Claims3.1.yaml`):
//! a claim (krafa) created in the payer's online bank, read back, cancelled or given a
//! new amount, and the payments the banks report for it.
//!
//! The wire format, with the OpenAPI description's names:
//! - `POST /v1/claims` (createClaim), a `createClaimDetails` body. The answer is a
//!   `claimStatusSingleResponse`: `{"success": {claimKey, claimId, directPaymentClaim}}`
//!   or `{"error": {claimKey, claimId, resultCode, resultSubCode, resultMessage}}`, with
//!   `resultCode` `CLAIM_EXISTS` when the claim key is taken. The description gives that
//!   body for 201 only; a bank may as well send it with a 4xx, and both are read alike.
//! - `GET /v1/claims/{claimId}` (getClaim), answering `claimDetails`.
//! - `PATCH /v1/claims/{claimId}` (patchClaim), a JSON merge patch of `mergeClaimDetails`.
//!   The API has no PUT or DELETE on a claim: cancelling sets `claimStatus` to
//!   `Cancelled`, a new amount sets `amount`. It answers as createClaim does.
//! - `GET /v1/claims/transactions` (getClaimsTransactions): `claimTransaction`s, paged
//!   (`page`, `itemsPerPage`, the `X-Paging-TotalPages` header); `dateFrom` and
//!   `dateTo` are both required.
//! - Every request has `Authorization: Bearer …` and the mandatory `X-Request-ID`, a
//!   UUID "the resource server uses to recognize subsequent retries of the same
//!   request" (idempotency per ÍST TS 316 §5: a retry with the same id gets the first
//!   answer again, so a create whose answer was lost is retried with its own id).
//! - Refusals are RFC 7807 bodies `{type, title, detail, code}` on 400 and 401, the
//!   IOBWS `{"messages": [{category, code, text}]}` on 403, 404 and 405, and no body
//!   on 408, 415, 500 and 503.
//!
//! A payment has no id of its own in the API (stadlar/IST-FUT-FMTH#173: "a unique
//! payment ID would be a future improvement"; `transactionBatchId` is the old 4-character
//! payment batch number), so [`ClaimPayment::transaction_id`] is made from what names one
//! payment: the claim, the moment the bank recorded it, its type and amount.
//!
//! The bearer token is a secret: it is never in `Debug`, in an error or in a log line,
//! and a bank's text that quotes it has it cut out. The token is only sent over HTTPS
//! (plain HTTP only to a loopback address, for the tests' fake bank).

use std::{collections::HashSet, fmt, str::FromStr, time::Duration};

use fastfaktura_domain::ClaimKey;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, UtcOffset, format_description::well_known::Rfc3339, macros::format_description};
use uuid::Uuid;

/// How long one request may take, connecting included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Payments asked for per page (the API's default is 100).
const PAGE_SIZE: usize = 100;
/// More pages than this in one window is an answer we do not trust.
const MAX_PAGES: usize = 1000;
/// The most of a bank's own text an error carries.
const MAX_TEXT: usize = 300;

/// Why a call to the bank did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ClaimsError {
    /// Nothing was sent: the request breaks a rule of the API (a field too long, an
    /// amount in aurar, a malformed claim id) or the client's settings are unusable.
    #[error("the request was not sent to the bank: {0}")]
    Invalid(String),
    /// The bank answered and refused, with its code (`CLAIM_EXISTS`, `CLAIM_IS_PAID`,
    /// `CLAIM_IS_CANCELLED`, `FORMAT_ERROR`, `RESOURCE_UNKNOWN`, …; `HTTP_nnn` when the
    /// answer named none) and its message. Sending the same again will not help.
    #[error("the bank refused the request ({code}): {message}")]
    Refused { status: u16, code: String, message: String },
    /// 401 or 403: the bank did not accept the access token, or the token may not do
    /// this (another claimant's claims, a scope it lacks). The code is the bank's
    /// (`TOKEN_INVALID`, `TOKEN_EXPIRED`, …) when it sent one.
    #[error(
        "the bank did not authorise the request (HTTP {status}{}): the access token is wrong, expired or not allowed to do this",
        code.as_deref().map(|c| format!(", {c}")).unwrap_or_default()
    )]
    Unauthorised { status: u16, code: Option<String> },
    /// The bank failed or is unavailable (408, 429, 5xx, or 409 for an earlier attempt
    /// with the same request id still in progress). Worth retrying later, with the
    /// same request id for a create or a change.
    #[error("the bank is unavailable (HTTP {status}); try again later")]
    Unavailable { status: u16 },
    /// No answer within the time allowed. The bank may still have done it: retry with
    /// the same request id.
    #[error("the bank did not answer within {seconds} seconds; try again later")]
    Timeout { seconds: u64 },
    /// The bank could not be reached (DNS, connection, TLS). Worth retrying later.
    #[error("the bank could not be reached: {0}")]
    Unreachable(String),
    /// The bank answered something that is not what the API describes.
    #[error("the bank's answer could not be read: {0}")]
    Unreadable(String),
}

impl ClaimsError {
    /// Whether the same request may succeed later (unavailable, timeout, unreachable).
    pub fn retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. } | Self::Timeout { .. } | Self::Unreachable(_))
    }

    /// The bank's code of a refusal (`CLAIM_EXISTS`, …).
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Refused { code, .. } => Some(code),
            Self::Unauthorised { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The claim key is taken: a claim with this claimant, account and due date exists.
    pub fn is_claim_exists(&self) -> bool {
        self.code() == Some("CLAIM_EXISTS")
    }

    /// The claim (or the path) is unknown to the bank.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Refused { status: 404, .. }) || self.code() == Some("CLAIM_NOT_FOUND")
    }
}

/// A claim to create: the invoice billed through the payer's online bank.
#[derive(Debug, Clone)]
pub struct NewClaim {
    /// The claimant's kennitala, the bank/branch holding the claim, the claim number
    /// and the due date (`claimKey`).
    pub key: ClaimKey,
    /// The payer's kennitala (`payorId`; `551073-0339` or ten digits, checked).
    pub payor: String,
    /// Whole krónur, more than zero (`amount`).
    pub amount: Decimal,
    /// The last day to pay without default charges (`finalDueDate`), not before the
    /// due date.
    pub final_due_date: Date,
    /// The claim template from the claimant's agreement with the bank, three
    /// characters `[0-9A-Z]` such as `001` (`templateCode`, required by createClaim).
    pub template_code: String,
    /// The invoice number (`reference`, at most 16 characters; left out when empty).
    pub reference: String,
    /// Shown on the payer's statement (`billNumber`, at most 7 characters).
    pub bill_number: Option<String>,
    /// The `X-Request-ID`: the caller's own id for this create, kept with the invoice,
    /// so a retry after a timeout is recognised by the bank as the same request.
    pub request_id: Uuid,
}

/// A claim the bank accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedClaim {
    /// `0101010101000166000001+20221231`: what the other calls take.
    pub claim_id: String,
    /// The payer has a direct debit agreement: the bank pays it on the due date.
    pub direct_payment: bool,
}

/// A claim's state (`claimStatus`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimStatus {
    Unpaid,
    Paid,
    Cancelled,
    /// A status this client does not know, or none given.
    Other(String),
}

/// A claim as the bank holds it (the parts of `claimDetails` invoicing needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub claim_id: String,
    pub payor: String,
    pub status: ClaimStatus,
    /// The principal (`amount`).
    pub amount: Decimal,
    /// What the payer owes now, charges and discounts included (`totalAmountDue`).
    pub total_due: Option<Decimal>,
    pub due_date: Date,
    pub final_due_date: Option<Date>,
    pub reference: Option<String>,
    pub bill_number: Option<String>,
    /// Some of it has been paid (`isPartiallyPaid`).
    pub partially_paid: bool,
}

/// What kind of payment (`paymentType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentKind {
    /// The claim paid in full.
    Complete,
    /// A part of it.
    Partial,
    /// A payment of a refund claim (money to the payer).
    Refund,
    Other(String),
}

impl PaymentKind {
    fn as_str(&self) -> &str {
        match self {
            Self::Complete => "Complete",
            Self::Partial => "Partial",
            Self::Refund => "Refund",
            Self::Other(s) => s,
        }
    }
}

/// One payment of a claim (a `claimTransaction`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPayment {
    /// The same for the same payment however often it is read, different for any
    /// other: `{claimId}@{timestamp, UTC}/{paymentType}/{totalAmountPaid}`, or the
    /// booking date and the bank's batch number when the bank gives no timestamp.
    /// Record payments by it to record each once.
    pub transaction_id: String,
    /// The claim it paid, `0101010101000166000001+20221231`.
    pub claim_id: String,
    /// The principal this payment covered (`amount`; `totalAmountPaid` if absent).
    pub principal: Decimal,
    /// All the payer paid, charges and interest included (`totalAmountPaid`;
    /// `amount` if absent).
    pub total_paid: Decimal,
    /// What reached the claimant's account (`depositedAmount`).
    pub deposited: Option<Decimal>,
    /// The day the payment counts as made: `valueDate`, else `bookingDate`, else the
    /// day of `transactionTimestamp`.
    pub paid_on: Date,
    /// The settlement day (`bookingDate`).
    pub booked_on: Option<Date>,
    /// When the payment was made (`transactionTimestamp`).
    pub timestamp: Option<OffsetDateTime>,
    pub kind: PaymentKind,
    pub payor: Option<String>,
    pub reference: Option<String>,
}

/// A secret that never shows in `Debug`.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// One business's connection to its bank's claims API.
#[derive(Clone)]
pub struct ClaimsClient {
    http: reqwest::Client,
    base_url: String,
    bearer_token: Secret,
    timeout: Duration,
}

impl fmt::Debug for ClaimsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimsClient")
            .field("base_url", &self.base_url)
            .field("bearer_token", &self.bearer_token)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ClaimsClient {
    /// A client for the API at `base_url` (`https://…`, with any path prefix before
    /// `/v1`; `http://` only to a loopback address) with the business's access token.
    pub fn new(base_url: &str, bearer_token: &str) -> Result<Self, ClaimsError> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base_url)
            .map_err(|_| ClaimsError::Invalid("the bank's API address is not a URL".into()))?;
        let host = url.host_str().unwrap_or_default();
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if !(url.scheme() == "https" || (url.scheme() == "http" && loopback)) {
            return Err(ClaimsError::Invalid("the bank's API address must start with https://".into()));
        }
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
            return Err(ClaimsError::Invalid(
                "the bank's API address must not have a query, fragment or user name".into(),
            ));
        }
        if bearer_token.is_empty() || !bearer_token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ClaimsError::Invalid(
                "the bank access token is empty or has characters a request header cannot carry".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("FastFaktura/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClaimsError::Invalid(format!("the HTTP client could not be set up: {}", error_chain(&e))))?;
        Ok(Self { http, base_url, bearer_token: Secret(bearer_token.to_owned()), timeout: DEFAULT_TIMEOUT })
    }

    /// The same client with another time limit per request (the default is 10 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Creates the claim. Retrying with the same `request_id` after a timeout or an
    /// unavailable bank is safe: the bank answers the first request's result again.
    /// A claim key already taken by another request is `Refused` with `CLAIM_EXISTS`
    /// ([`ClaimsError::is_claim_exists`]); read it with [`Self::get_claim`] to compare.
    pub async fn create_claim(&self, claim: &NewClaim) -> Result<CreatedClaim, ClaimsError> {
        let body = CreateClaimBody::from_new(claim)?;
        let url = self.url("/v1/claims")?;
        let request = self.http.post(url).json(&body);
        let (_, response) = self.send(request, claim.request_id).await?;
        let ours = claim.key.claim_id();
        let created = self.status_answer(response)?;
        let claim_id = created
            .as_ref()
            .and_then(|c| c.claim_id.clone().or_else(|| c.claim_key.as_ref().and_then(WireClaimKey::claim_id)))
            .unwrap_or(ours);
        Ok(CreatedClaim { claim_id, direct_payment: created.and_then(|c| c.direct_payment_claim).unwrap_or(false) })
    }

    /// The claim as the bank holds it now.
    pub async fn get_claim(&self, claim_id: &str) -> Result<Claim, ClaimsError> {
        let url = self.url(&claim_path(claim_id)?)?;
        let (_, response) = self.send(self.http.get(url), Uuid::new_v4()).await?;
        let details: WireClaimDetails = parse(&response.body)?;
        details.into_claim()
    }

    /// Cancels the claim (`claimStatus: Cancelled`): it leaves the payer's online bank.
    /// A claim already cancelled is `Refused` with `CLAIM_IS_CANCELLED`, a paid one with
    /// `CLAIM_IS_PAID`. `request_id` is the caller's id for this change, reused on retry.
    pub async fn cancel_claim(&self, claim_id: &str, request_id: Uuid) -> Result<(), ClaimsError> {
        self.patch(claim_id, &MergeClaim { claim_status: Some("Cancelled"), amount: None }, request_id).await
    }

    /// Gives the claim a new principal, whole krónur more than zero. The bank refuses
    /// once the claim is paid or cancelled, or (as a rule) once a payment was made.
    pub async fn change_claim_amount(
        &self,
        claim_id: &str,
        new_amount: Decimal,
        request_id: Uuid,
    ) -> Result<(), ClaimsError> {
        let amount = whole_kronur(new_amount)?;
        self.patch(claim_id, &MergeClaim { claim_status: None, amount: Some(amount) }, request_id).await
    }

    /// The claimant's claim payments from `since` to today (Iceland keeps UTC), each
    /// once. Windows may overlap: record payments by their `transaction_id`.
    pub async fn payments_since(&self, claimant: &str, since: Date) -> Result<Vec<ClaimPayment>, ClaimsError> {
        self.payments_between(claimant, since, OffsetDateTime::now_utc().date()).await
    }

    /// The claimant's claim payments from `from` to `to`, both included, each once.
    pub async fn payments_between(
        &self,
        claimant: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<ClaimPayment>, ClaimsError> {
        let claimant = kennitala(claimant, "the claimant's")?;
        let mut seen = HashSet::new();
        let mut payments = Vec::new();
        for page in 1..=MAX_PAGES {
            let mut url = self.url("/v1/claims/transactions")?;
            url.query_pairs_mut()
                .append_pair("claimantId", &claimant)
                .append_pair("dateFrom", &iso_date(from))
                .append_pair("dateTo", &iso_date(to))
                .append_pair("page", &page.to_string())
                .append_pair("itemsPerPage", &PAGE_SIZE.to_string());
            let (headers, response) = self.send(self.http.get(url), Uuid::new_v4()).await?;
            let items: Vec<WireTransaction> = parse(&response.body)?;
            let count = items.len();
            for item in items {
                let payment = item.into_payment()?;
                if seen.insert(payment.transaction_id.clone()) {
                    payments.push(payment);
                }
            }
            let total_pages = headers
                .get("X-Paging-TotalPages")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<usize>().ok());
            let last = match total_pages {
                Some(total) => page >= total,
                None => count < PAGE_SIZE,
            };
            if last || count == 0 {
                return Ok(payments);
            }
        }
        Err(ClaimsError::Unreadable(format!("the bank listed more than {MAX_PAGES} pages of payments")))
    }

    async fn patch(&self, claim_id: &str, body: &MergeClaim, request_id: Uuid) -> Result<(), ClaimsError> {
        let url = self.url(&claim_path(claim_id)?)?;
        let (_, response) = self.send(self.http.patch(url).json(body), request_id).await?;
        self.status_answer(response).map(|_| ())
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, ClaimsError> {
        reqwest::Url::parse(&format!("{}{path}", self.base_url))
            .map_err(|_| ClaimsError::Invalid("the bank's API address is not a URL".into()))
    }

    /// Sends with the token, the request id and the time limit; a 2xx answer comes
    /// back, anything else is classified.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        request_id: Uuid,
    ) -> Result<(reqwest::header::HeaderMap, Answer), ClaimsError> {
        let token = &self.bearer_token.0;
        let response = request
            .bearer_auth(token)
            .header("X-Request-ID", request_id.to_string())
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| self.failed(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| self.failed(&e))?;
        tracing::debug!(%request_id, status, "IOBWS claims answer");
        if (200..300).contains(&status) {
            Ok((headers, Answer { status, body: body.to_vec() }))
        } else {
            Err(classify(status, &body, token))
        }
    }

    fn failed(&self, e: &reqwest::Error) -> ClaimsError {
        if e.is_timeout() {
            ClaimsError::Timeout { seconds: self.timeout.as_secs_f64().ceil() as u64 }
        } else {
            ClaimsError::Unreachable(redact(&error_chain(e), &self.bearer_token.0))
        }
    }

    /// A 2xx answer of createClaim or patchClaim: the success item (if any), or the
    /// refusal it carries. An empty body is a plain success.
    fn status_answer(&self, answer: Answer) -> Result<Option<WireStatusSuccess>, ClaimsError> {
        if answer.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let single: WireSingleResponse = parse(&answer.body)?;
        if let Some(error) = single.error {
            return Err(error.refusal(answer.status, &self.bearer_token.0));
        }
        Ok(single.success)
    }
}

struct Answer {
    status: u16,
    body: Vec<u8>,
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ClaimsError> {
    serde_json::from_slice(body).map_err(|e| ClaimsError::Unreadable(format!("not the JSON the API describes: {e}")))
}

/// A failed exchange with its causes, without the URL (reqwest's errors never hold
/// the Authorization header).
fn error_chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "the bank");
    }
    let mut cause = std::error::Error::source(e);
    while let Some(inner) = cause {
        let shown = inner.to_string();
        if !text.contains(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        cause = inner.source();
    }
    text
}

/// A bank's text fit for an error: no control characters, not too long, and never
/// the token.
fn redact(text: &str, token: &str) -> String {
    let text = if token.is_empty() { text.to_owned() } else { text.replace(token, "[redacted]") };
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX_TEXT).collect::<String>().trim().to_owned()
}

/// A bank's code, if it looks like one (`CLAIM_EXISTS`, upper case); anything else,
/// and anything holding the token, is dropped.
fn code_of(code: Option<&str>, token: &str) -> Option<String> {
    code.map(str::trim)
        .filter(|c| {
            !c.is_empty()
                && c.len() <= 64
                && c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                && !c.contains(token)
        })
        .map(str::to_owned)
}

/// A non-2xx answer as an error.
fn classify(status: u16, body: &[u8], token: &str) -> ClaimsError {
    let problem: Option<WireProblem> = serde_json::from_slice(body).ok();
    if matches!(status, 401 | 403) {
        // The bank's text about a token is not passed on; its code is.
        return ClaimsError::Unauthorised { status, code: problem.and_then(|p| p.code(token)) };
    }
    if matches!(status, 408 | 429) || status >= 500 {
        return ClaimsError::Unavailable { status };
    }
    let Some(problem) = problem else {
        // 409 without a body: an earlier request with this id is still being done.
        return if status == 409 {
            ClaimsError::Unavailable { status }
        } else {
            ClaimsError::Refused { status, code: format!("HTTP_{status}"), message: format!("HTTP status {status}") }
        };
    };
    if let Some(error) = problem.error {
        return error.refusal(status, token);
    }
    match problem.code(token) {
        Some(code) => ClaimsError::Refused { status, code, message: problem.message(token, status) },
        None if status == 409 => ClaimsError::Unavailable { status },
        None => {
            ClaimsError::Refused { status, code: format!("HTTP_{status}"), message: problem.message(token, status) }
        }
    }
}

/// A claim id as the API writes it: kennitala (10), account (12), `+`, YYYYMMDD.
fn claim_path(claim_id: &str) -> Result<String, ClaimsError> {
    let bytes = claim_id.as_bytes();
    let shaped = bytes.len() == 31
        && bytes[22] == b'+'
        && bytes.iter().enumerate().all(|(i, b)| i == 22 || b.is_ascii_digit())
        && &claim_id[14..16] == fastfaktura_domain::icelandic_claims::CLAIMS_LEDGER;
    if !shaped {
        return Err(ClaimsError::Invalid(
            "a claim id is the kennitala, bank, 66, claim number, + and due date (0101010101000166000001+20221231)"
                .into(),
        ));
    }
    // `+` is reserved in a path segment; an OpenAPI client sends it encoded.
    Ok(format!("/v1/claims/{}", claim_id.replace('+', "%2B")))
}

/// Ten digits with a valid check digit (`551073-0339` accepted).
fn kennitala(input: &str, whose: &str) -> Result<String, ClaimsError> {
    let digits: String = input.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() == 10 && values.len() == 10 && fastfaktura_domain::national_ids::kennitala(&values) {
        Ok(digits)
    } else {
        Err(ClaimsError::Invalid(format!("{whose} kennitala is not a valid kennitala")))
    }
}

/// Whole krónur more than zero, as the integer the JSON carries.
fn whole_kronur(amount: Decimal) -> Result<i64, ClaimsError> {
    if amount <= Decimal::ZERO || !amount.fract().is_zero() {
        return Err(ClaimsError::Invalid("a claim's amount is whole krónur, more than zero".into()));
    }
    i64::try_from(amount).map_err(|_| ClaimsError::Invalid("the claim's amount is too large".into()))
}

fn iso_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// A `date` field; a `date-time` where a date was described is read as its day.
fn parse_date(text: &str) -> Option<Date> {
    let day = text.get(..10)?;
    Date::parse(day, format_description!("[year]-[month]-[day]")).ok()
}

fn decimal(number: &serde_json::Number) -> Option<Decimal> {
    if let Some(i) = number.as_i64() {
        return Some(Decimal::from(i));
    }
    let text = number.to_string();
    Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text)).ok().map(|d| d.normalize())
}

mod wire;
use wire::*;

#[cfg(test)]
mod tests;
