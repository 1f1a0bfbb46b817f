//! The JSON API: tokens, scopes, the invoice flow, idempotency, problem+json errors,
//! cursor pagination, tenant isolation and the OpenAPI document.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, new_client};

/// Signs in as `email`, fills the business profile an issued invoice needs and creates
/// an API token with `scope`; returns the signed-in client and the token.
pub(crate) async fn token(app: &TestApp, email: &str, scope: &str) -> (reqwest::Client, String) {
    let (client, token) = token_without_profile(app, email, scope).await;
    let saved = app
        .post_form(
            &client,
            "/settings/business",
            &[
                ("name", "Seller GmbH"),
                ("address_line", "Hauptstraße 1"),
                ("postal_code", "10115"),
                ("city", "Berlin"),
                ("country", "DE"),
                ("vat_number", "DE123456788"),
                ("iban", "DE89 3704 0044 0532 0130 00"),
                ("bic", "COBADEFFXXX"),
                ("default_currency", "EUR"),
                ("payment_terms_days", "14"),
                ("invoice_language", "en"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    (client, token)
}

/// A token for a business whose profile is still empty.
pub(crate) async fn token_without_profile(app: &TestApp, email: &str, scope: &str) -> (reqwest::Client, String) {
    let client = new_client();
    app.log_in(&client, email).await;
    let page = app
        .post_form(&client, "/settings/api-tokens", &[("name", "Sync"), ("scope", scope)])
        .await
        .text()
        .await
        .unwrap();
    let start = page.find("data-new-token>").expect("the new token is shown") + "data-new-token>".len();
    let token = page[start..].split('<').next().unwrap().to_owned();
    assert!(token.starts_with("fft_"));
    (client, token)
}

pub(crate) async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let mut request = reqwest::Client::new().request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body, headers)
}

pub(crate) fn customer_body(name: &str) -> Value {
    json!({"kind": "business", "name": name, "email": "ap@buyer.example", "country": "DE", "vat_number": "DE811569869", "language": "en", "currency": "EUR"})
}

#[tokio::test]
async fn an_integrator_invoices_end_to_end_through_the_api() {
    let app = TestApp::spawn().await;
    let (_, token) = token(&app, "integrator@seller.example", "write").await;

    let (status, customer, _) =
        call(&app, &token, Method::POST, "/api/v1/customers", Some(customer_body("Käufer GmbH"))).await;
    assert_eq!(status, 201, "{customer}");
    let customer_id = customer["id"].as_str().unwrap().to_owned();

    let draft = json!({
        "customer_id": customer_id,
        "lines": [
            {"description": "Beratung", "quantity": "7.5", "unit": "h", "unit_price": "120", "vat_category": "S", "vat_rate": "19"},
            {"description": "Reisekosten", "quantity": "1", "unit_price": "80.00", "vat_category": "S", "vat_rate": "7"}
        ]
    });
    let (status, invoice, _) = call(&app, &token, Method::POST, "/api/v1/invoices", Some(draft)).await;
    assert_eq!(status, 201, "{invoice}");
    assert_eq!(invoice["status"], "draft");
    // 900.00 + 80.00; VAT 171.00 + 5.60; payable 1156.60
    assert_eq!(invoice["totals"]["payable"], "1156.60");
    assert_eq!(invoice["totals"]["vat_breakdown"].as_array().unwrap().len(), 2);
    let id = invoice["id"].as_str().unwrap().to_owned();
    let version = invoice["version"].as_i64().unwrap();

    let update = json!({"version": version, "discount_percent": "10", "lines": invoice["lines"]});
    let (status, updated, _) =
        call(&app, &token, Method::PUT, &format!("/api/v1/invoices/{id}"), Some(update.clone())).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["totals"]["allowance_total"], "98.00");
    let (status, stale, _) = call(&app, &token, Method::PUT, &format!("/api/v1/invoices/{id}"), Some(update)).await;
    assert_eq!(status, 409, "a stale version is refused: {stale}");

    let (status, issued, _) = call(&app, &token, Method::POST, &format!("/api/v1/invoices/{id}/issue"), None).await;
    assert_eq!(status, 200, "{issued}");
    assert!(issued["number"].as_str().unwrap().ends_with("-0001"));
    let payable = issued["totals"]["payable"].as_str().unwrap().to_owned();
    let (status, problem, headers) =
        call(&app, &token, Method::PUT, &format!("/api/v1/invoices/{id}"), Some(json!({"version": 99, "lines": []})))
            .await;
    assert_eq!(status, 409);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert!(problem["detail"].as_str().unwrap().contains("create a credit note"));

    let payment = json!({"paid_on": app.clock_now().date().to_string(), "amount": payable, "method": "bank_transfer", "reference": "RF18 1234"});
    let (status, paid, _) =
        call(&app, &token, Method::POST, &format!("/api/v1/invoices/{id}/payments"), Some(payment)).await;
    assert_eq!(status, 201, "{paid}");
    assert_eq!(paid["open"], "0.00");

    let (status, credit, _) =
        call(&app, &token, Method::POST, &format!("/api/v1/invoices/{id}/credit-notes"), None).await;
    assert_eq!(status, 201, "{credit}");
    assert_eq!((credit["kind"].as_str(), credit["status"].as_str()), (Some("credit_note"), Some("draft")));
    assert_eq!(credit["credited_invoice_id"].as_str(), Some(id.as_str()));
}

#[tokio::test]
async fn tokens_are_required_shown_once_stored_hashed_scoped_and_revocable() {
    let app = TestApp::spawn().await;
    let (client, write_token) = token(&app, "owner@seller.example", "write").await;
    let listing = app.get(&client, "/settings/api-tokens").await.text().await.unwrap();
    assert!(!listing.contains(&write_token), "the token is shown only once");
    let hashes: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_all(&app.db).await.unwrap();
    assert!(hashes.iter().all(|h| h.len() == 32 && !String::from_utf8_lossy(h).contains("fft_")));

    let anonymous = reqwest::get(app.url("/api/v1/customers")).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["content-type"], "application/problem+json");
    let (status, _, _) = call(&app, "fft_0000", Method::GET, "/api/v1/customers", None).await;
    assert_eq!(status, 401);

    let read_page = app
        .post_form(&client, "/settings/api-tokens", &[("name", "Reporting"), ("scope", "read")])
        .await
        .text()
        .await
        .unwrap();
    let start = read_page.find("data-new-token>").unwrap() + "data-new-token>".len();
    let read_token = read_page[start..].split('<').next().unwrap().to_owned();
    assert_eq!(call(&app, &read_token, Method::GET, "/api/v1/customers", None).await.0, 200);
    let (status, problem, _) =
        call(&app, &read_token, Method::POST, "/api/v1/customers", Some(customer_body("X"))).await;
    assert_eq!(status, 403);
    assert!(problem["detail"].as_str().unwrap().contains("read-only"));

    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM api_tokens WHERE can_write").fetch_one(&app.db).await.unwrap();
    assert_eq!(app.post_form(&client, &format!("/settings/api-tokens/{id}/revoke"), &[]).await.status(), 303);
    assert_eq!(call(&app, &write_token, Method::GET, "/api/v1/customers", None).await.0, 401);
    assert!(!crate::helpers::captured_logs().contains(&write_token), "tokens never reach the logs");
}

/// "Last used" is kept to the minute: written at the first use and again once a minute
/// has passed, not by every call (a plain read, the update only when due).
#[tokio::test]
async fn a_token_is_marked_used_to_the_minute() {
    let app = TestApp::spawn().await;
    let (_, token) = token_without_profile(&app, "owner@seller.example", "read").await;
    let last_used = || async {
        sqlx::query_scalar::<_, Option<time::OffsetDateTime>>("SELECT last_used_at FROM api_tokens")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(last_used().await, None, "not used yet");
    assert_eq!(call(&app, &token, Method::GET, "/api/v1/customers", None).await.0, 200);
    let first = last_used().await.expect("marked used at its first call");
    assert!((first - app.clock_now()).abs() < time::Duration::SECOND);
    app.clock.advance(time::Duration::seconds(30));
    assert_eq!(call(&app, &token, Method::GET, "/api/v1/customers", None).await.0, 200);
    assert_eq!(last_used().await, Some(first), "within the minute nothing is written");
    app.clock.advance(time::Duration::seconds(31));
    assert_eq!(call(&app, &token, Method::GET, "/api/v1/customers", None).await.0, 200);
    let later = last_used().await.unwrap();
    assert!(later - first > time::Duration::MINUTE, "a minute on, the use is recorded again: {first} then {later}");
}

#[tokio::test]
async fn an_idempotency_key_makes_a_retried_post_safe() {
    let app = TestApp::spawn().await;
    let (_, token) = token(&app, "retry@seller.example", "write").await;
    let post = |body: Value| {
        reqwest::Client::new()
            .post(app.url("/api/v1/customers"))
            .bearer_auth(&token)
            .header("idempotency-key", "create-acme-1")
            .json(&body)
            .send()
    };
    let first = post(customer_body("Acme")).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = post(customer_body("Acme")).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM customers").fetch_one(&app.db).await.unwrap();
    assert_eq!(count, 1);
    let different = post(customer_body("Other")).await.unwrap();
    assert_eq!(different.status(), 422);
    assert!(different.text().await.unwrap().contains("already used for a different request"));

    // A key whose first request died with its instance (claimed, never answered): "still
    // in progress" while it could be running, then the same request may run again.
    sqlx::query("UPDATE idempotency_keys SET response_status = NULL, response_body = NULL WHERE key = 'create-acme-1'")
        .execute(&app.db)
        .await
        .unwrap();
    let waiting = post(customer_body("Acme")).await.unwrap();
    assert_eq!(waiting.status(), 409);
    sqlx::query(
        "UPDATE idempotency_keys SET created_at = created_at - interval '3 minutes' WHERE key = 'create-acme-1'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let taken_over = post(customer_body("Acme")).await.unwrap();
    assert_eq!(taken_over.status(), 201, "not 409 for ever");
    assert!(!taken_over.headers().contains_key("idempotent-replayed"));
}

#[tokio::test]
async fn invalid_input_is_a_problem_naming_each_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (_, token) = token(&app, "strict@seller.example", "write").await;
    let (_, customer, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(customer_body("Buyer"))).await;
    let bad = json!({
        "customer_id": customer["id"],
        "lines": [{"description": "Refund", "quantity": "-1", "unit_price": "10.123456", "vat_category": "S", "vat_rate": "19"}]
    });
    let (status, problem, headers) = call(&app, &token, Method::POST, "/api/v1/invoices", Some(bad)).await;
    assert_eq!(status, 422);
    assert_eq!(headers["content-type"], "application/problem+json");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"lines[0].quantity") && fields.contains(&"lines[0].unit_price"), "{problem}");
    let (status, problem, _) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/customers",
        Some(json!({"kind": "business", "name": "X", "country": "DE", "language": "en", "currency": "DOGE"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "currency");
    let (status, problem, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(json!({"name": 5}))).await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("JSON"));
    let many: Vec<Value> = (0..501)
        .map(|_| json!({"description": "x", "quantity": "1", "unit_price": "1", "vat_category": "S", "vat_rate": "19"}))
        .collect();
    let (status, problem, _) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/invoices",
        Some(json!({"customer_id": customer["id"], "lines": many})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(problem.to_string().contains("at most 500 lines"));
    let invoices: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices").fetch_one(&app.db).await.unwrap();
    assert_eq!(invoices, 0);
}

#[tokio::test]
async fn invoice_lists_page_with_a_cursor_and_filter() {
    let app = TestApp::spawn().await;
    let (_, token) = token(&app, "pages@seller.example", "write").await;
    let (_, customer, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(customer_body("Buyer"))).await;
    let line =
        json!([{"description": "Item", "quantity": "1", "unit_price": "10", "vat_category": "S", "vat_rate": "19"}]);
    let mut created = Vec::new();
    for _ in 0..5 {
        let (_, inv, _) = call(
            &app,
            &token,
            Method::POST,
            "/api/v1/invoices",
            Some(json!({"customer_id": customer["id"], "lines": line})),
        )
        .await;
        created.push(inv["id"].as_str().unwrap().to_owned());
    }
    call(&app, &token, Method::POST, &format!("/api/v1/invoices/{}/issue", created[0]), None).await;
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page, _) =
            call(&app, &token, Method::GET, &format!("/api/v1/invoices?limit=2&cursor={cursor}"), None).await;
        assert_eq!(status, 200);
        seen.extend(page["data"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let mut expected = created.clone();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);
    let (_, drafts, _) = call(&app, &token, Method::GET, "/api/v1/invoices?status=draft", None).await;
    assert_eq!(drafts["data"].as_array().unwrap().len(), 4);
    let (status, _, _) = call(&app, &token, Method::GET, "/api/v1/invoices?cursor=nonsense", None).await;
    assert_eq!(status, 400);
    let (status, problem, headers) = call(&app, &token, Method::GET, "/api/v1/invoices?customer_id=nope", None).await;
    assert_eq!(status, 400);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert!(problem["detail"].as_str().unwrap().contains("query string"));
}

#[tokio::test]
async fn a_token_only_reaches_its_own_business() {
    let app = TestApp::spawn().await;
    let (_, alice) = token(&app, "alice@a.example", "write").await;
    let (_, mallory) = token(&app, "mallory@m.example", "write").await;
    let (_, customer, _) =
        call(&app, &alice, Method::POST, "/api/v1/customers", Some(customer_body("Alice's buyer"))).await;
    let line =
        json!([{"description": "Item", "quantity": "1", "unit_price": "10", "vat_category": "S", "vat_rate": "19"}]);
    let (_, invoice, _) = call(
        &app,
        &alice,
        Method::POST,
        "/api/v1/invoices",
        Some(json!({"customer_id": customer["id"], "lines": line})),
    )
    .await;
    let (cid, iid) = (customer["id"].as_str().unwrap(), invoice["id"].as_str().unwrap());
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/customers/{cid}"), None),
        (Method::PUT, format!("/api/v1/customers/{cid}"), Some(customer_body("Hijack"))),
        (Method::GET, format!("/api/v1/invoices/{iid}"), None),
        (Method::PUT, format!("/api/v1/invoices/{iid}"), Some(json!({"version": 1, "lines": []}))),
        (Method::POST, format!("/api/v1/invoices/{iid}/issue"), None),
        (
            Method::POST,
            format!("/api/v1/invoices/{iid}/payments"),
            Some(json!({"paid_on": "2026-01-01", "amount": "1"})),
        ),
        (Method::POST, format!("/api/v1/invoices/{iid}/credit-notes"), None),
    ] {
        let (status, _, _) = call(&app, &mallory, method.clone(), &path, body).await;
        assert_eq!(status, 404, "{method} {path}");
    }
    let (status, _, _) =
        call(&app, &mallory, Method::POST, "/api/v1/invoices", Some(json!({"customer_id": cid, "lines": line}))).await;
    assert_eq!(status, 422, "cannot invoice another business's customer");
    let (_, list, _) = call(&app, &mallory, Method::GET, "/api/v1/invoices", None).await;
    assert!(list["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_openapi_document_lists_every_operation_and_each_one_exists() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let (_, token) = token(&app, "docs@seller.example", "read").await;
    let missing = uuid::Uuid::new_v4();
    for fastfaktura::http::api::openapi::Operation { method, path, .. } in fastfaktura::http::api::openapi::operations()
    {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} documented");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = reqwest::Client::new()
            .request(method.clone(), app.url(&path.replace("{id}", &missing.to_string())))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        // A real route answers with a problem (404 for the unknown id, 403 for writes with
        // a read-only token) or data, never the router's "no such route" (HTML 404 / 405).
        assert_ne!(response.status(), 405, "{method} {path}");
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        // (The bills' CSV is the one answer that is text: an empty export.)
        assert!(
            content_type.starts_with("application/") || content_type.starts_with("text/csv"),
            "{method} {path}: {content_type}"
        );
    }
}

#[tokio::test]
async fn a_quote_is_created_issued_and_converted_through_the_api() {
    let app = TestApp::spawn().await;
    let (_, token) = token(&app, "quoter@seller.example", "write").await;
    let (_, customer, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(customer_body("Buyer"))).await;
    let line =
        json!([{"description": "Offer", "quantity": "1", "unit_price": "100", "vat_category": "S", "vat_rate": "19"}]);
    let (status, quote, _) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/invoices",
        Some(json!({"kind": "quote", "customer_id": customer["id"], "lines": line})),
    )
    .await;
    assert_eq!(status, 201, "{quote}");
    assert_eq!(quote["kind"], "quote");
    let id = quote["id"].as_str().unwrap();
    let (_, issued, _) = call(&app, &token, Method::POST, &format!("/api/v1/invoices/{id}/issue"), None).await;
    assert!(issued["number"].as_str().unwrap().starts_with("Q-"));
    let (status, invoice, _) = call(&app, &token, Method::POST, &format!("/api/v1/invoices/{id}/convert"), None).await;
    assert_eq!(status, 201, "{invoice}");
    assert_eq!((invoice["kind"].as_str(), invoice["status"].as_str()), (Some("invoice"), Some("draft")));
    assert_eq!(invoice["totals"]["payable"], "119.00");
    let (status, _, _) = call(&app, &token, Method::POST, &format!("/api/v1/invoices/{id}/convert"), None).await;
    assert_eq!(status, 409);
    let (status, problem, _) = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/invoices",
        Some(json!({"kind": "receipt", "customer_id": customer["id"], "lines": line})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "kind");
}

#[tokio::test]
async fn the_catalogue_is_managed_through_the_api() {
    let app = TestApp::spawn().await;
    let (_, mine) = token(&app, "catalogue@seller.example", "write").await;
    let (status, product, _) = call(
        &app,
        &mine,
        Method::POST,
        "/api/v1/products",
        Some(json!({"name": "Support hour", "unit": "h", "unit_price": "95.5", "vat_category": "S", "vat_rate": "24"})),
    )
    .await;
    assert_eq!(status, 201, "{product}");
    assert_eq!(product["unit_price"], "95.5");
    let id = product["id"].as_str().unwrap();
    let (status, problem, _) = call(
        &app,
        &mine,
        Method::PUT,
        &format!("/api/v1/products/{id}"),
        Some(json!({"name": "", "unit_price": "x", "vat_category": "S", "vat_rate": "24"})),
    )
    .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "unit_price"]);
    let (_, list, _) = call(&app, &mine, Method::GET, "/api/v1/products?q=support", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    let (_, other) = token(&app, "other@seller.example", "write").await;
    assert_eq!(call(&app, &other, Method::GET, &format!("/api/v1/products/{id}"), None).await.0, 404);
}

#[tokio::test]
async fn issuing_without_what_a_legal_invoice_needs_lists_every_gap_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (_, token) = token_without_profile(&app, "new-seller@example.com", "write").await;
    let mut buyer = customer_body("Reverse Charge AB");
    buyer["vat_number"] = json!("");
    let (_, customer, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(buyer)).await;
    let draft = json!({
        "customer_id": customer["id"],
        "lines": [{"description": "Consulting", "quantity": "1", "unit_price": "100", "vat_category": "AE", "vat_rate": "0"}]
    });
    let (_, invoice, _) = call(&app, &token, Method::POST, "/api/v1/invoices", Some(draft)).await;
    let id = invoice["id"].as_str().unwrap().to_owned();

    let (status, problem, _) = call(&app, &token, Method::POST, &format!("/api/v1/invoices/{id}/issue"), None).await;
    assert_eq!(status, 422, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    for gap in [
        "Seller: street address and city are required",
        "Seller: VAT number is required",
        "Seller: an IBAN is required",
        "Buyer: VAT or registration number is required for reverse charge",
    ] {
        assert!(detail.contains(gap), "{gap} is named: {detail}");
    }
    let (_, still, _) = call(&app, &token, Method::GET, &format!("/api/v1/invoices/{id}"), None).await;
    assert_eq!(still["status"], "draft");
    assert_eq!(still["number"], Value::Null);
}

/// Found by schemathesis: the customer body is documented with
/// `additionalProperties: false`, yet an unknown field was silently dropped.
#[tokio::test]
async fn a_customer_body_with_an_unknown_field_is_refused_not_half_applied() {
    let app = TestApp::spawn().await;
    let (_, token) = token(&app, "unknown@seller.example", "write").await;
    let mut body = customer_body("Buyer");
    body["nickname"] = json!("B");
    let (status, problem, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(body.clone())).await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("nickname"), "{problem}");
    let (status, created, _) =
        call(&app, &token, Method::POST, "/api/v1/customers", Some(customer_body("Buyer"))).await;
    assert_eq!(status, 201);
    let path = format!("/api/v1/customers/{}", created["id"].as_str().unwrap());
    let (status, _, _) = call(&app, &token, Method::PUT, &path, Some(body)).await;
    assert_eq!(status, 400);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM customers").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, 1, "the refused POST stored nothing");
}

#[tokio::test]
async fn customer_identifiers_are_checked_and_defaults_follow_the_country() {
    let app = TestApp::spawn().await;
    let (_, token) = token(&app, "identifiers@seller.example", "write").await;
    let icelandic = |registration_id: &str, vat_number: &str| {
        json!({"kind": "business", "name": "Hagstofa", "country": "IS", "registration_id": registration_id,
               "vat_number": vat_number})
    };
    // A one-digit typo in a kennitala, a VAT number with no digits, a country that is not one.
    let (status, problem, _) =
        call(&app, &token, Method::POST, "/api/v1/customers", Some(icelandic("590269-7189", ""))).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "registration_id", "{problem}");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("check digit"), "{problem}");
    let (status, problem, _) =
        call(&app, &token, Method::POST, "/api/v1/customers", Some(icelandic("", "hello"))).await;
    assert_eq!((status.as_u16(), problem["errors"][0]["field"].as_str()), (422, Some("vat_number")), "{problem}");
    let mut nowhere = icelandic("", "");
    nowhere["country"] = json!("XX");
    let (status, problem, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(nowhere)).await;
    assert_eq!((status.as_u16(), problem["errors"][0]["field"].as_str()), (422, Some("country")), "{problem}");

    // Written as the registry writes it; Icelandic and krónur unless chosen.
    let (status, created, _) =
        call(&app, &token, Method::POST, "/api/v1/customers", Some(icelandic("5902697199", ""))).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["registration_id"], "590269-7199");
    assert_eq!((created["language"].as_str(), created["currency"].as_str()), (Some("is"), Some("ISK")));
    let swedish = json!({"kind": "business", "name": "Volvo", "country": "SE", "registration_id": "556012-5790",
                         "vat_number": "SE556012579001"});
    let (status, created, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(swedish)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!((created["language"].as_str(), created["currency"].as_str()), (Some("en"), Some("SEK")));
}
