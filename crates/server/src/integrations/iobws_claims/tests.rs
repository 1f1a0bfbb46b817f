//! The client's request and answer shapes against the OpenAPI description, without a bank.

use std::collections::BTreeSet;

use fastfaktura_domain::ClaimNumber;
use serde_json::{Value, json};
use time::macros::{date, datetime};

use super::*;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

const TOKEN: &str = "tok_3f1b9c0d7e2a4b5c8d9e0f1a2b3c4d5e";

fn key() -> ClaimKey {
    ClaimKey::new("590269-7199", "0001", ClaimNumber::parse("42").unwrap(), date!(2026 - 3 - 1)).unwrap()
}

fn new_claim() -> NewClaim {
    NewClaim {
        key: key(),
        payor: "551073-0339".into(),
        amount: d("12500"),
        final_due_date: date!(2026 - 3 - 15),
        template_code: "001".into(),
        reference: "2026-0042".into(),
        bill_number: Some("0042".into()),
        request_id: Uuid::nil(),
    }
}

fn fields(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// `createClaimDetails` in IOBWS-Claims3.1.yaml: its properties and required ones.
const CREATE_CLAIM_PROPERTIES: &[&str] = &[
    "claimKey",
    "payorId",
    "expirationDate",
    "templateCode",
    "amount",
    "reference",
    "finalDueDate",
    "billNumber",
    "customerNumber",
    "paymentFee",
    "otherCostsAmount",
    "otherDefaultCostsAmount",
    "defaultCharge",
    "defaultInterest",
    "discount",
    "isOutOfSequencePaymentAllowed",
    "isPartialPaymentAllowed",
    "currency",
    "additionalInformation",
    "printing",
    "claimType",
];
const CREATE_CLAIM_REQUIRED: &[&str] = &["claimKey", "payorId", "templateCode", "amount", "finalDueDate"];
/// `claimKey`: all three required.
const CLAIM_KEY_PROPERTIES: &[&str] = &["claimantId", "account", "dueDate"];

#[test]
fn a_new_claim_is_sent_as_create_claim_details() {
    let claim = new_claim();
    let body = serde_json::to_value(CreateClaimBody::from_new(&claim).unwrap()).unwrap();
    let sent = fields(&body);
    assert!(sent.is_subset(&set(CREATE_CLAIM_PROPERTIES)), "not in the schema: {sent:?}");
    assert!(set(CREATE_CLAIM_REQUIRED).is_subset(&sent), "required missing: {sent:?}");
    assert_eq!(fields(&body["claimKey"]), set(CLAIM_KEY_PROPERTIES));
    assert_eq!(
        body,
        json!({
            "claimKey": {"claimantId": "5902697199", "account": "000166000042", "dueDate": "2026-03-01"},
            "payorId": "5510730339",
            "templateCode": "001",
            "amount": 12500,
            "finalDueDate": "2026-03-15",
            "reference": "2026-0042",
            "billNumber": "0042",
        })
    );
    // The amount is a JSON number (`type: number`), not a string.
    assert!(body["amount"].is_i64());
    // Optional texts left empty are left out.
    let bare = NewClaim { reference: " ".into(), bill_number: None, ..new_claim() };
    let body = serde_json::to_value(CreateClaimBody::from_new(&bare).unwrap()).unwrap();
    assert_eq!(fields(&body), set(CREATE_CLAIM_REQUIRED));
}

#[test]
fn changes_are_merge_patches_of_merge_claim_details() {
    let cancel = MergeClaim { claim_status: Some("Cancelled"), amount: None };
    assert_eq!(serde_json::to_value(cancel).unwrap(), json!({"claimStatus": "Cancelled"}));
    let amount = MergeClaim { claim_status: None, amount: Some(9900) };
    assert_eq!(serde_json::to_value(amount).unwrap(), json!({"amount": 9900}));
}

#[test]
fn what_breaks_the_apis_rules_is_not_sent() {
    let invalid = |claim: NewClaim| matches!(CreateClaimBody::from_new(&claim), Err(ClaimsError::Invalid(_)));
    assert!(invalid(NewClaim { amount: d("100.50"), ..new_claim() }));
    assert!(invalid(NewClaim { amount: d("0"), ..new_claim() }));
    assert!(invalid(NewClaim { amount: d("-5"), ..new_claim() }));
    assert!(invalid(NewClaim { payor: "5510730349".into(), ..new_claim() }));
    assert!(invalid(NewClaim { payor: "551073033".into(), ..new_claim() }));
    assert!(invalid(NewClaim { final_due_date: date!(2026 - 2 - 28), ..new_claim() }));
    assert!(invalid(NewClaim { template_code: "01".into(), ..new_claim() }));
    assert!(invalid(NewClaim { template_code: "ab1".into(), ..new_claim() }));
    assert!(invalid(NewClaim { reference: "12345678901234567".into(), ..new_claim() }));
    assert!(invalid(NewClaim { bill_number: Some("12345678".into()), ..new_claim() }));
    assert!(invalid(NewClaim { reference: "a\nb".into(), ..new_claim() }));
    // 16 and 7 characters, counted as characters: Icelandic letters fit.
    assert!(!invalid(NewClaim {
        reference: "ÞÆÖÐÁÉÍÓÚÝþæöðáé".into(),
        bill_number: Some("ÞÆÖÐÁÉÍ".into()),
        ..new_claim()
    }));
    assert_eq!(whole_kronur(d("12500.00")).unwrap(), 12500);
}

#[test]
fn claim_ids_are_checked_and_encoded_for_the_path() {
    assert_eq!(claim_path(&key().claim_id()).unwrap(), "/v1/claims/5902697199000166000042%2B20260301");
    for bad in ["", "5902697199000166000042 20260301", "5902697199000126000042+20260301", "../../v1/claims"] {
        assert!(matches!(claim_path(bad), Err(ClaimsError::Invalid(_))), "{bad:?}");
    }
}

#[test]
fn the_apis_claim_example_is_read() {
    // getClaim-200_Example, shortened.
    let example = json!({
        "claimKey": {"claimantId": "0208715009", "account": "000166123456", "dueDate": "2022-01-31"},
        "payorId": "0208715009",
        "claimStatus": "Unpaid",
        "collectionState": "PrimaryCollection",
        "expirationDate": "2022-01-31",
        "templateCode": "001",
        "amount": 0,
        "totalAmountDue": 1500.5,
        "reference": "string",
        "finalDueDate": "2022-01-31",
        "billNumber": "string",
        "isPartiallyPaid": true,
        "directPaymentClaim": true,
        "lastChangeDate": "2022-01-31",
        "createdDate": "2022-12-31 08:05:15",
        "claimType": "NormalClaim"
    });
    let details: WireClaimDetails = serde_json::from_value(example).unwrap();
    let claim = details.into_claim().unwrap();
    assert_eq!(claim.claim_id, "0208715009000166123456+20220131");
    assert_eq!(claim.status, ClaimStatus::Unpaid);
    assert_eq!(claim.amount, d("0"));
    assert_eq!(claim.total_due, Some(d("1500.5")));
    assert_eq!(claim.due_date, date!(2022 - 1 - 31));
    assert_eq!(claim.final_due_date, Some(date!(2022 - 1 - 31)));
    assert!(claim.partially_paid);
}

fn payment_example() -> Value {
    // getClaimPayments-200_Example's item.
    json!({
        "claimKey": {"claimantId": "0208715009", "account": "000166123456", "dueDate": "2022-01-31"},
        "payorId": "0208715009",
        "amount": 12000,
        "finalDueDate": "2022-02-24",
        "templateCode": "001",
        "reference": "string",
        "categoryCode": "string",
        "transactionBank": "string",
        "transactionTimestamp": "2022-02-24T23:42:20.348Z",
        "bookingDate": "2022-01-31",
        "valueDate": "2022-01-30",
        "paymentType": "Complete",
        "depositedAmount": 12000,
        "totalAmountPaid": 12450,
        "capitalGainsTax": 0,
        "billNumber": "string",
        "noticeChargeAmountPaid": 450,
        "currency": "string",
        "currencyExchange": {"currency": "string", "rate": 0},
        "transactionBatchId": "stringstringstringstringstringstring"
    })
}

fn payment(value: Value) -> Result<ClaimPayment, ClaimsError> {
    serde_json::from_value::<WireTransaction>(value).unwrap().into_payment()
}

#[test]
fn the_apis_payment_example_is_read() {
    let paid = payment(payment_example()).unwrap();
    assert_eq!(paid.claim_id, "0208715009000166123456+20220131");
    assert_eq!(paid.principal, d("12000"));
    assert_eq!(paid.total_paid, d("12450"));
    assert_eq!(paid.deposited, Some(d("12000")));
    assert_eq!(paid.paid_on, date!(2022 - 1 - 30));
    assert_eq!(paid.booked_on, Some(date!(2022 - 1 - 31)));
    assert_eq!(paid.timestamp, Some(datetime!(2022-02-24 23:42:20.348 UTC)));
    assert_eq!(paid.kind, PaymentKind::Complete);
    assert_eq!(paid.transaction_id, "0208715009000166123456+20220131@2022-02-24T23:42:20.348Z/Complete/12450");
}

#[test]
fn a_payments_id_does_not_depend_on_how_the_bank_writes_it() {
    let first = payment(payment_example()).unwrap();
    let mut again = payment_example();
    again["transactionTimestamp"] = json!("2022-02-25T00:42:20.348+01:00");
    again["totalAmountPaid"] = json!(12450.0);
    assert_eq!(payment(again).unwrap().transaction_id, first.transaction_id);
    // Another moment, or another amount at the same moment, is another payment.
    let mut later = payment_example();
    later["transactionTimestamp"] = json!("2022-02-24T23:42:20.349Z");
    assert_ne!(payment(later).unwrap().transaction_id, first.transaction_id);
    let mut partial = payment_example();
    partial["paymentType"] = json!("Partial");
    partial["totalAmountPaid"] = json!(100);
    assert_ne!(payment(partial).unwrap().transaction_id, first.transaction_id);
    // Without a timestamp: the booking day, the bank and its batch number.
    let mut bare = payment_example();
    bare.as_object_mut().unwrap().remove("transactionTimestamp");
    bare["transactionBank"] = json!("0133");
    bare["transactionBatchId"] = json!("B001");
    let bare = payment(bare).unwrap();
    assert_eq!(bare.transaction_id, "0208715009000166123456+20220131@2022-01-31/0133/B001/Complete/12450");
    // Nothing to say which claim, or how much: unreadable.
    let mut keyless = payment_example();
    keyless.as_object_mut().unwrap().remove("claimKey");
    assert!(matches!(payment(keyless), Err(ClaimsError::Unreadable(_))));
    let mut amountless = payment_example();
    amountless.as_object_mut().unwrap().remove("amount");
    amountless.as_object_mut().unwrap().remove("totalAmountPaid");
    assert!(matches!(payment(amountless), Err(ClaimsError::Unreadable(_))));
}

fn body(value: Value) -> Vec<u8> {
    serde_json::to_vec(&value).unwrap()
}

#[test]
fn refusals_are_read_from_every_documented_error_body() {
    // Error400 (RFC 7807).
    let e = classify(
        400,
        &body(json!({"type": "about:blank", "code": "FORMAT_ERROR", "title": "Bad format", "detail": "amount"})),
        TOKEN,
    );
    assert!(
        matches!(&e, ClaimsError::Refused { status: 400, code, message } if code == "FORMAT_ERROR" && message == "Bad format: amount")
    );
    assert!(!e.retryable());
    // Error404_NG.
    let e = classify(
        404,
        &body(json!({"messages": [{"category": "ERROR", "code": "RESOURCE_UNKNOWN", "text": "No such claim"}]})),
        TOKEN,
    );
    assert!(
        matches!(&e, ClaimsError::Refused { code, message, .. } if code == "RESOURCE_UNKNOWN" && message == "No such claim")
    );
    assert!(e.is_not_found());
    // claimStatusSingleResponse's error, with a 4xx (and with 409).
    let exists = json!({"error": {"claimId": "x", "resultCode": "CLAIM_EXISTS", "resultMessage": "Claim exists"}});
    for status in [400, 409, 422] {
        let e = classify(status, &body(exists.clone()), TOKEN);
        assert!(e.is_claim_exists(), "{status}: {e:?}");
        assert!(!e.retryable());
    }
    // The batch example's spelling.
    let e = classify(400, &body(json!({"error": {"errorCode": "CLAIM_IS_PAID", "errorMessage": "Paid"}})), TOKEN);
    assert_eq!(e.code(), Some("CLAIM_IS_PAID"));
    // Unknown shapes still refuse, with the status as code.
    let e = classify(415, b"", TOKEN);
    assert!(matches!(&e, ClaimsError::Refused { code, .. } if code == "HTTP_415"));
}

#[test]
fn a_refusal_in_a_success_status_is_a_refusal() {
    let client = ClaimsClient::new("https://claims.example.com", TOKEN).unwrap();
    let answer = |value: Value| Answer { status: 201, body: body(value) };
    let e = client
        .status_answer(answer(json!({"error": {"resultCode": "CLAIM_EXISTS", "resultMessage": "exists"}})))
        .unwrap_err();
    assert!(e.is_claim_exists());
    let ok = client
        .status_answer(answer(
            json!({"success": {"claimId": "0208715009000166123456+20220131", "directPaymentClaim": true}}),
        ))
        .unwrap()
        .unwrap();
    assert_eq!(ok.direct_payment_claim, Some(true));
    assert!(client.status_answer(Answer { status: 204, body: Vec::new() }).unwrap().is_none());
    assert!(matches!(client.status_answer(answer(json!([1, 2]))), Err(ClaimsError::Unreadable(_))));
}

#[test]
fn failures_and_lost_access_are_told_apart() {
    for status in [408, 429, 500, 502, 503, 504] {
        let e = classify(status, b"<html>Service Unavailable</html>", TOKEN);
        assert!(matches!(e, ClaimsError::Unavailable { .. }) && e.retryable(), "{status}");
    }
    // 409 without a code: the same request id is still being worked on.
    assert!(classify(409, b"", TOKEN).retryable());
    let e = classify(
        401,
        &body(json!({"type": "about:blank", "code": "TOKEN_INVALID", "detail": format!("token {TOKEN} is invalid")})),
        TOKEN,
    );
    assert!(matches!(&e, ClaimsError::Unauthorised { status: 401, code: Some(c) } if c == "TOKEN_INVALID"));
    assert!(!e.retryable());
    let e = classify(403, &body(json!({"messages": [{"code": "SERVICE_BLOCKED"}]})), TOKEN);
    assert_eq!(e.code(), Some("SERVICE_BLOCKED"));
    assert!(matches!(classify(403, b"", TOKEN), ClaimsError::Unauthorised { status: 403, code: None }));
    assert!(ClaimsError::Timeout { seconds: 10 }.retryable());
    assert!(ClaimsError::Unreachable("connection refused".into()).retryable());
    assert!(!ClaimsError::Unreadable("x".into()).retryable());
}

#[test]
fn the_token_never_shows() {
    let client = ClaimsClient::new("https://claims.example.com/", TOKEN).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(TOKEN) && shown.contains("[redacted]"), "{shown}");
    assert_eq!(client.base_url(), "https://claims.example.com");
    // A bank that quotes the token in a refusal has it cut out; codes that are not
    // codes are dropped.
    let upper = "TOKEN_ABC";
    let errors = [
        (classify(400, &body(json!({"code": "FORMAT_ERROR", "detail": format!("Bearer {TOKEN}")})), TOKEN), TOKEN),
        (classify(400, &body(json!({"error": {"resultCode": TOKEN, "resultMessage": TOKEN}})), TOKEN), TOKEN),
        (classify(404, &body(json!({"messages": [{"code": "RESOURCE_UNKNOWN", "text": TOKEN}]})), TOKEN), TOKEN),
        (classify(401, &body(json!({"code": TOKEN, "detail": TOKEN})), TOKEN), TOKEN),
        (classify(400, &body(json!({"code": upper, "detail": upper})), upper), upper),
        (classify(409, &body(json!({"error": {"resultCode": "X", "resultSubCode": upper}})), upper), upper),
    ];
    for (e, token) in errors {
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(token), "{shown}");
    }
    let e = classify(400, &body(json!({"code": "FORMAT_ERROR", "detail": "line\nbreak\u{7}"})), TOKEN);
    assert!(!e.to_string().chars().any(char::is_control), "{e}");
}

#[test]
fn the_token_only_travels_over_https() {
    assert!(ClaimsClient::new("https://claims.example.com/iobws", TOKEN).is_ok());
    assert!(ClaimsClient::new("http://127.0.0.1:8080", TOKEN).is_ok());
    assert!(ClaimsClient::new("http://[::1]:8080", TOKEN).is_ok());
    assert!(ClaimsClient::new("http://localhost:8080", TOKEN).is_ok());
    for bad in ["http://claims.example.com", "ftp://x", "claims.example.com", "https://u:p@claims.example.com"] {
        let e = ClaimsClient::new(bad, TOKEN).unwrap_err();
        assert!(matches!(e, ClaimsError::Invalid(_)), "{bad}");
    }
    for token in ["", "a b", "line\nbreak", "þ"] {
        let e = ClaimsClient::new("https://claims.example.com", token).unwrap_err();
        assert!(matches!(e, ClaimsError::Invalid(_)), "{token:?}");
    }
}

#[test]
fn messages_read_as_sentences() {
    let e = ClaimsError::Refused { status: 201, code: "CLAIM_EXISTS".into(), message: "Claim exists".into() };
    assert_eq!(e.to_string(), "the bank refused the request (CLAIM_EXISTS): Claim exists");
    let e = ClaimsError::Unauthorised { status: 401, code: Some("TOKEN_EXPIRED".into()) };
    assert_eq!(
        e.to_string(),
        "the bank did not authorise the request (HTTP 401, TOKEN_EXPIRED): the access token is wrong, expired or not allowed to do this"
    );
    assert_eq!(
        ClaimsError::Unavailable { status: 503 }.to_string(),
        "the bank is unavailable (HTTP 503); try again later"
    );
}
