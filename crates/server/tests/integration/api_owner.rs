//! What the owner does on the web, through the API (issue 23): sending an issued
//! invoice and its deliveries, the customer link, deleting and copying drafts,
//! recurring invoices, archiving, a customer's statement, and the business profile,
//! numbering and reminder settings; with the read-only scope refused and bad bodies
//! answered by problem+json.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    api::{call, customer_body, token},
    helpers::{TestApp, new_client},
    sms_fake::{Failure, Kind},
};

/// A customer and an issued invoice of 1156.60 EUR; returns their ids.
pub(crate) async fn issued_invoice(app: &TestApp, token: &str) -> (String, String) {
    let (status, customer, _) =
        call(app, token, Method::POST, "/api/v1/customers", Some(customer_body("Käufer GmbH"))).await;
    assert_eq!(status, 201, "{customer}");
    let customer_id = customer["id"].as_str().unwrap().to_owned();
    let draft = json!({"customer_id": customer_id, "lines": [
        {"description": "Beratung", "quantity": "7.5", "unit": "h", "unit_price": "120", "vat_category": "S", "vat_rate": "19"},
        {"description": "Reisekosten", "quantity": "1", "unit_price": "80.00", "vat_category": "S", "vat_rate": "7"}
    ]});
    let (status, invoice, _) = call(app, token, Method::POST, "/api/v1/invoices", Some(draft)).await;
    assert_eq!(status, 201, "{invoice}");
    let id = invoice["id"].as_str().unwrap().to_owned();
    let (status, issued, _) = call(app, token, Method::POST, &format!("/api/v1/invoices/{id}/issue"), None).await;
    assert_eq!(status, 200, "{issued}");
    (customer_id, id)
}

/// The invoice's deliveries once the first one has left `queued`/`sending`.
async fn settled_deliveries(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    for _ in 0..100 {
        let (status, list, _) = call(app, token, Method::GET, &format!("/api/v1/invoices/{id}/deliveries"), None).await;
        assert_eq!(status, 200, "{list}");
        let data = list["data"].as_array().unwrap().clone();
        if data.first().is_some_and(|d| !matches!(d["status"].as_str(), Some("queued" | "sending"))) {
            return data;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the delivery never left the queue");
}

#[tokio::test]
async fn an_issued_invoice_is_sent_by_email_and_its_link_managed_through_the_api() {
    let app = TestApp::spawn().await;
    let (_, write) = token(&app, "sender@api-owner.example", "write").await;
    let (_, id) = issued_invoice(&app, &write).await;

    let send = json!({"channels": ["email"], "recipient": "billing@buyer.example", "attach_xml": true});
    let (status, queued, _) =
        call(&app, &write, Method::POST, &format!("/api/v1/invoices/{id}/send"), Some(send)).await;
    assert_eq!(status, 202, "{queued}");
    let queued = queued["data"].as_array().unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (queued[0]["channel"].as_str(), queued[0]["recipient"].as_str()),
        (Some("email"), Some("billing@buyer.example"))
    );

    let to_buyer = |m: &crate::smtp_sink::ReceivedMail| m.to.iter().any(|t| t == "billing@buyer.example");
    let mail = app.smtp.wait_for_matching(1, to_buyer).await.pop().unwrap();
    assert_eq!(mail.header("reply-to").unwrap(), "sender@api-owner.example", "the token sends for its creator");
    assert!(mail.data.contains("application/pdf") && mail.data.contains(".ubl.xml"));
    let deliveries = settled_deliveries(&app, &write, &id).await;
    assert_eq!(deliveries[0]["status"], "sent", "{deliveries:?}");
    assert_eq!(deliveries[0]["error"], Value::Null);
    let delivery_id = deliveries[0]["id"].as_str().unwrap();
    let (status, problem, _) =
        call(&app, &write, Method::POST, &format!("/api/v1/deliveries/{delivery_id}/retry"), None).await;
    assert_eq!(status, 409, "a sent delivery is not retried: {problem}");

    // Sending made the customer link; it is read, replaced and turned off.
    let (status, link, _) = call(&app, &write, Method::GET, &format!("/api/v1/invoices/{id}/link"), None).await;
    assert_eq!(status, 200, "{link}");
    let first = link["url"].as_str().unwrap().to_owned();
    assert!(mail.body().contains(&first), "the mail carries the link the API shows");
    let path_of = |url: &str| url[url.find("/i/").unwrap()..].to_owned();
    assert_eq!(app.get(&new_client(), &path_of(&first)).await.status(), 200);
    let (status, rotated, _) =
        call(&app, &write, Method::POST, &format!("/api/v1/invoices/{id}/link/rotate"), None).await;
    assert_eq!(status, 200, "{rotated}");
    let second = rotated["url"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(app.get(&new_client(), &path_of(&first)).await.status(), 404, "the old link stops working");
    assert_eq!(app.get(&new_client(), &path_of(&second)).await.status(), 200);
    let (status, _, _) = call(&app, &write, Method::POST, &format!("/api/v1/invoices/{id}/link/revoke"), None).await;
    assert_eq!(status, 204);
    assert_eq!(app.get(&new_client(), &path_of(&second)).await.status(), 404);
    let (status, _, _) = call(&app, &write, Method::GET, &format!("/api/v1/invoices/{id}/link"), None).await;
    assert_eq!(status, 404);
    let (status, created, _) = call(&app, &write, Method::POST, &format!("/api/v1/invoices/{id}/link"), None).await;
    assert_eq!(status, 200, "{created}");
    assert!(created["url"].as_str().unwrap().contains("/i/"));

    // Mistakes are the Send form's, as problem+json.
    let cases = [
        (json!({"channels": []}), 422, "send"),
        (json!({"channels": ["email"], "recipient": "not-an-address"}), 422, "send"),
        (json!({"channels": ["fax"]}), 400, "unknown variant `fax`"),
        (json!({"channels": ["email"], "recipient": "a@b.example", "cc": "x"}), 400, "unknown field `cc`"),
        (json!({"channels": "email"}), 400, "invalid type"),
    ];
    for (body, expected, says) in cases {
        let (status, problem, headers) =
            call(&app, &write, Method::POST, &format!("/api/v1/invoices/{id}/send"), Some(body.clone())).await;
        assert_eq!(status.as_u16(), expected, "{body}: {problem}");
        assert_eq!(headers["content-type"], "application/problem+json");
        assert!(problem.to_string().contains(says), "{body}: {problem}");
    }
    let (_, list, _) = call(&app, &write, Method::GET, &format!("/api/v1/invoices/{id}/deliveries"), None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "nothing more was queued");

    // A read-only token reads but changes nothing.
    let (_, read) = token(&app, "sender@api-owner.example", "read").await;
    let (status, _, _) = call(&app, &read, Method::GET, &format!("/api/v1/invoices/{id}/deliveries"), None).await;
    assert_eq!(status, 200);
    for path in ["send", "link/rotate", "link/revoke"] {
        let body = json!({"channels": ["email"], "recipient": "billing@buyer.example"});
        let (status, problem, _) =
            call(&app, &read, Method::POST, &format!("/api/v1/invoices/{id}/{path}"), Some(body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {problem}");
    }
    let (status, _, _) = call(&app, &read, Method::DELETE, &format!("/api/v1/invoices/{id}"), None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn drafts_are_deleted_and_copied_and_records_archived_through_the_api() {
    let app = TestApp::spawn().await;
    let (_, write) = token(&app, "drafts@api-owner.example", "write").await;
    let (customer_id, issued) = issued_invoice(&app, &write).await;

    let (status, problem, _) = call(&app, &write, Method::DELETE, &format!("/api/v1/invoices/{issued}"), None).await;
    assert_eq!(status, 409, "an issued invoice is never deleted: {problem}");
    let (status, copy, _) =
        call(&app, &write, Method::POST, &format!("/api/v1/invoices/{issued}/duplicate"), None).await;
    assert_eq!(status, 201, "{copy}");
    assert_eq!((copy["status"].as_str(), copy["customer_id"].as_str()), (Some("draft"), Some(customer_id.as_str())));
    assert_eq!(copy["lines"].as_array().unwrap().len(), 2);
    let copy_id = copy["id"].as_str().unwrap();
    let (status, _, _) = call(&app, &write, Method::DELETE, &format!("/api/v1/invoices/{copy_id}"), None).await;
    assert_eq!(status, 204);
    let (status, _, _) = call(&app, &write, Method::GET, &format!("/api/v1/invoices/{copy_id}"), None).await;
    assert_eq!(status, 404, "the draft is gone");

    let (status, _, _) =
        call(&app, &write, Method::POST, &format!("/api/v1/customers/{customer_id}/archive"), None).await;
    assert_eq!(status, 204);
    let (_, customer, _) = call(&app, &write, Method::GET, &format!("/api/v1/customers/{customer_id}"), None).await;
    assert_eq!(customer["archived"], true);
    let product = json!({"name": "Support", "unit_price": "50", "vat_category": "S", "vat_rate": "19"});
    let (status, product, _) = call(&app, &write, Method::POST, "/api/v1/products", Some(product)).await;
    assert_eq!(status, 201, "{product}");
    let product_id = product["id"].as_str().unwrap();
    let (status, _, _) =
        call(&app, &write, Method::POST, &format!("/api/v1/products/{product_id}/archive"), None).await;
    assert_eq!(status, 204);
    let (_, products, _) = call(&app, &write, Method::GET, "/api/v1/products", None).await;
    assert!(products["data"].as_array().unwrap().iter().all(|p| p["id"] != product_id), "{products}");
}

#[tokio::test]
async fn the_business_settings_are_read_and_changed_through_the_api() {
    let app = TestApp::spawn().await;
    let (_, write) = token(&app, "settings@api-owner.example", "write").await;

    let (status, profile, _) = call(&app, &write, Method::GET, "/api/v1/business", None).await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!((profile["name"].as_str(), profile["payment_terms_days"].as_i64()), (Some("Seller GmbH"), Some(14)));
    let mut input = profile.clone();
    let input = input.as_object_mut().unwrap();
    input.remove("peppol_id");
    input.insert("name".into(), json!("Seller & Söhne GmbH"));
    input.insert("payment_terms_days".into(), json!("30"));
    let (status, saved, _) = call(&app, &write, Method::PUT, "/api/v1/business", Some(json!(input))).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!((saved["name"].as_str(), saved["payment_terms_days"].as_i64()), (Some("Seller & Söhne GmbH"), Some(30)));

    // Where customers pay is the owner's; a token is never the owner.
    input.insert("iban".into(), json!("GB82 WEST 1234 5698 7654 32"));
    let (status, problem, _) = call(&app, &write, Method::PUT, "/api/v1/business", Some(json!(input))).await;
    assert_eq!(status, 403, "{problem}");
    input.insert("iban".into(), profile["iban"].clone());
    input.insert("vat_number".into(), json!("DE000"));
    let (status, problem, _) = call(&app, &write, Method::PUT, "/api/v1/business", Some(json!(input))).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "vat_number", "{problem}");
    input.insert("payment_terms_days".into(), json!(30));
    let (status, problem, _) = call(&app, &write, Method::PUT, "/api/v1/business", Some(json!(input))).await;
    assert_eq!(status, 400, "a number where the form's text is expected: {problem}");
    let (_, unchanged, _) = call(&app, &write, Method::GET, "/api/v1/business", None).await;
    assert_eq!(unchanged, saved, "refused changes store nothing");

    let (status, numbering, _) = call(&app, &write, Method::GET, "/api/v1/numbering", None).await;
    assert_eq!(status, 200, "{numbering}");
    let kinds: Vec<&str> = numbering["data"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 3, "{numbering}");
    assert!(numbering["data"][0]["next"].as_str().unwrap().ends_with("0001"), "{numbering}");

    let (status, schedule, _) = call(&app, &write, Method::GET, "/api/v1/reminder-schedule", None).await;
    assert_eq!(status, 200, "{schedule}");
    assert_eq!(schedule["rules"], json!([]), "off until someone saves a schedule");
    let rules = json!({"rules": [{"offset_days": -3, "by_email": true}, {"offset_days": 7, "by_email": true, "by_sms": false}]});
    let (status, schedule, _) = call(&app, &write, Method::PUT, "/api/v1/reminder-schedule", Some(rules)).await;
    assert_eq!(status, 200, "{schedule}");
    assert_eq!(schedule["rules"].as_array().unwrap().len(), 2, "{schedule}");
    for (body, expected, says) in [
        (json!({"rules": [{"offset_days": 5, "by_email": true}]}), 422, "offset_days must be one of"),
        (json!({"rules": [{"offset_days": 0}]}), 422, "by_email or by_sms"),
        (json!({"rules": [{"offset_days": 0, "by_email": "yes"}]}), 400, "invalid type"),
        (json!({"rules": [], "enabled": true}), 400, "unknown field"),
    ] {
        let (status, problem, _) =
            call(&app, &write, Method::PUT, "/api/v1/reminder-schedule", Some(body.clone())).await;
        assert_eq!(status.as_u16(), expected, "{body}: {problem}");
        assert!(problem.to_string().contains(says), "{body}: {problem}");
    }
    let (_, schedule, _) = call(&app, &write, Method::GET, "/api/v1/reminder-schedule", None).await;
    assert_eq!(schedule["rules"].as_array().unwrap().len(), 2, "refused schedules store nothing");

    let (_, read) = token(&app, "settings@api-owner.example", "read").await;
    let (status, _, _) = call(&app, &read, Method::PUT, "/api/v1/reminder-schedule", Some(json!({"rules": []}))).await;
    assert_eq!(status, 403);
    let (status, _, _) = call(&app, &read, Method::PUT, "/api/v1/business", Some(json!(input))).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_sms_the_provider_refuses_shows_its_error_and_is_retried_through_the_api() {
    let (app, fake) = crate::sms::app_with(Kind::Twilio).await;
    let (_, write) = token(&app, "sms@api-owner.example", "write").await;
    let (_, id) = issued_invoice(&app, &write).await;
    let send = |channels: Value| json!({"channels": channels, "phone": "+354 555 1234"});
    let path = format!("/api/v1/invoices/{id}/send");
    let (status, problem, _) = call(&app, &write, Method::POST, &path, Some(send(json!(["sms"])))).await;
    assert_eq!(status, 422, "no SMS account yet: {problem}");
    assert_eq!(problem["errors"][0]["field"], "send");
    let (status, problem, _) = call(&app, &write, Method::POST, &path, Some(send(json!(["peppol"])))).await;
    assert_eq!(status, 422, "not connected to Peppol: {problem}");
    assert_eq!(problem["errors"][0]["field"], "send");

    crate::sms::use_platform_account(&app, &fake).await;
    fake.fail_next(1, Failure::Reject);
    let (status, queued, _) = call(&app, &write, Method::POST, &path, Some(send(json!(["sms"])))).await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(
        (queued["data"][0]["channel"].as_str(), queued["data"][0]["recipient"].as_str()),
        (Some("sms"), Some("+3545551234"))
    );
    let failed = settled_deliveries(&app, &write, &id).await;
    assert_eq!(failed[0]["status"], "failed", "{failed:?}");
    let error = failed[0]["error"].as_str().unwrap();
    assert!(error.contains("Twilio refused the message") && !error.contains(&fake.secret), "{error}");

    let retry = format!("/api/v1/deliveries/{}/retry", failed[0]["id"].as_str().unwrap());
    let (_, read) = token(&app, "sms@api-owner.example", "read").await;
    let (status, _, _) = call(&app, &read, Method::POST, &retry, None).await;
    assert_eq!(status, 403, "a read-only token cannot retry");
    let (status, _, _) = call(&app, &write, Method::POST, &retry, None).await;
    assert_eq!(status, 204);
    let sms = fake.wait_for(1).await.pop().unwrap();
    assert_eq!(sms.to, "+3545551234");
    assert!(sms.text.contains("/i/"), "with the customer link: {}", sms.text);
    let sent = settled_deliveries(&app, &write, &id).await;
    assert_eq!((sent.len(), sent[0]["status"].as_str()), (1, Some("sent")), "{sent:?}");
}

#[tokio::test]
async fn a_waiting_bank_payment_is_set_aside_through_the_api() {
    let app = TestApp::spawn().await;
    let (_, write) = token(&app, "bank@api-owner.example", "write").await;
    let interest = crate::bank_payments::Credit {
        amount: "1.25",
        currency: "EUR",
        reference: None,
        message: "Zinsen",
        payer: "Bank AG",
        bank_ref: "Z1",
    };
    let today = app.clock_now().date().to_string();
    let statement = crate::bank_payments::camt053("DE89370400440532013000", &today, &[interest]);
    let imported = reqwest::Client::new()
        .post(app.url("/api/v1/bank-statements"))
        .bearer_auth(&write)
        .header("content-type", "application/octet-stream")
        .body(statement)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 201, "{}", imported.text().await.unwrap());
    let (_, waiting, _) = call(&app, &write, Method::GET, "/api/v1/bank-entries", None).await;
    let entry = waiting["items"][0]["id"].as_str().expect("the payment waits").to_owned();
    let dismiss = format!("/api/v1/bank-entries/{entry}/dismiss");

    let (_, read) = token(&app, "bank@api-owner.example", "read").await;
    let (status, _, _) = call(&app, &read, Method::POST, &dismiss, None).await;
    assert_eq!(status, 403);
    let (status, _, _) = call(&app, &write, Method::POST, &dismiss, None).await;
    assert_eq!(status, 204);
    let (_, waiting, _) = call(&app, &write, Method::GET, "/api/v1/bank-entries", None).await;
    assert_eq!(waiting["items"], json!([]), "no longer waiting");
    let (status, problem, _) = call(&app, &write, Method::POST, &dismiss, None).await;
    assert_eq!(status, 409, "only a waiting payment is set aside: {problem}");
}

#[tokio::test]
async fn a_customers_account_statement_is_downloaded_through_the_api() {
    let app = TestApp::spawn().await;
    let (_, read) = token(&app, "statement@api-owner.example", "read").await;
    let (_, write) = token(&app, "statement@api-owner.example", "write").await;
    let (customer_id, id) = issued_invoice(&app, &write).await;
    let (_, invoice, _) = call(&app, &write, Method::GET, &format!("/api/v1/invoices/{id}"), None).await;
    let payment = json!({"paid_on": "2026-03-01", "amount": "156.60"});
    let (status, _, _) =
        call(&app, &write, Method::POST, &format!("/api/v1/invoices/{id}/payments"), Some(payment)).await;
    assert_eq!(status, 201);

    let response = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/customers/{customer_id}/statement")))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let text = crate::helpers::pdf_text(&response.bytes().await.unwrap());
    let number = invoice["number"].as_str().unwrap();
    assert!(text.contains("Käufer GmbH") && text.contains(number), "{text}");
    assert!(text.contains("1,000.00"), "the balance after the payment: {text}");

    let (_, stranger) = token(&app, "stranger@api-owner.example", "read").await;
    let (status, _, _) =
        call(&app, &stranger, Method::GET, &format!("/api/v1/customers/{customer_id}/statement"), None).await;
    assert_eq!(status, 404, "another business's customer");
}

#[tokio::test]
async fn a_token_with_the_owner_scope_does_the_owners_work_but_never_moves_money() {
    let app = TestApp::spawn().await;
    let email = "owner-scope@api-owner.example";
    let (owner_client, owner) = token(&app, email, "owner").await;
    let (_, write) = token(&app, email, "write").await;
    let page = app.get(&owner_client, "/settings/api-tokens").await.text().await.unwrap();
    let scopes: Vec<&str> = page.match_indices("read, write and the owner").map(|(i, _)| &page[i..i + 40]).collect();
    assert_eq!(scopes.len(), 1, "the owner token's row says what it may do: {page}");
    let (_, id) = issued_invoice(&app, &owner).await;

    // Numbering: the owner's.
    let series = json!({"kind": "invoice", "prefix": "INV-", "padding": 5, "yearly_reset": false});
    let (status, _, _) = call(&app, &write, Method::PUT, "/api/v1/numbering", Some(series.clone())).await;
    assert_eq!(status, 403, "a write token is not the owner");
    let (status, numbering, _) = call(&app, &owner, Method::PUT, "/api/v1/numbering", Some(series)).await;
    assert_eq!(status, 200, "{numbering}");
    let invoice_series = numbering["data"].as_array().unwrap().iter().find(|s| s["kind"] == "invoice").unwrap();
    assert_eq!(invoice_series["next"], "INV-00002", "{numbering}");
    for (body, expected) in [
        (json!({"kind": "invoice", "prefix": "no spaces!", "padding": 5}), 422),
        (json!({"kind": "receipt", "prefix": "R-", "padding": 5}), 422),
        (json!({"kind": "invoice", "prefix": "INV-", "padding": "5"}), 400),
        (json!({"kind": "invoice", "prefix": "INV-", "padding": 5, "start": 100}), 400),
    ] {
        let (status, problem, _) = call(&app, &owner, Method::PUT, "/api/v1/numbering", Some(body.clone())).await;
        assert_eq!(status.as_u16(), expected, "{body}: {problem}");
    }

    // A bank payment matched automatically is unmatched again by the owner only.
    let (_, invoice, _) = call(&app, &owner, Method::GET, &format!("/api/v1/invoices/{id}"), None).await;
    let reference = invoice["payment_reference"].as_str().unwrap().to_owned();
    let credit = crate::bank_payments::Credit {
        amount: "1156.60",
        currency: "EUR",
        reference: Some(&reference),
        message: "",
        payer: "Käufer GmbH",
        bank_ref: "M1",
    };
    let today = app.clock_now().date().to_string();
    let statement = crate::bank_payments::camt053("DE89370400440532013000", &today, &[credit]);
    let imported = reqwest::Client::new()
        .post(app.url("/api/v1/bank-statements"))
        .bearer_auth(&owner)
        .body(statement)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 201);
    let (_, matched, _) = call(&app, &owner, Method::GET, "/api/v1/bank-entries?state=matched", None).await;
    let entry = matched["items"][0]["id"].as_str().expect("matched automatically").to_owned();
    let undo = format!("/api/v1/bank-entries/{entry}/undo");
    assert_eq!(call(&app, &write, Method::POST, &undo, None).await.0, 403);
    assert_eq!(call(&app, &owner, Method::POST, &undo, None).await.0, 204);
    let (_, waiting, _) = call(&app, &owner, Method::GET, "/api/v1/bank-entries", None).await;
    assert_eq!(waiting["items"][0]["id"], entry.as_str(), "waiting again");
    let (_, invoice, _) = call(&app, &owner, Method::GET, &format!("/api/v1/invoices/{id}"), None).await;
    assert_eq!((invoice["paid"].as_str(), invoice["payments"].as_array().unwrap().len()), (Some("0.00"), 0));

    // A payment recorded by mistake is removed by the owner only.
    let payment = json!({"paid_on": today, "amount": "100"});
    let (status, invoice, _) =
        call(&app, &write, Method::POST, &format!("/api/v1/invoices/{id}/payments"), Some(payment)).await;
    assert_eq!(status, 201, "{invoice}");
    let payment_id = invoice["payments"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(invoice["payments"][0]["amount"], "100.00");
    let remove = format!("/api/v1/invoices/{id}/payments/{payment_id}");
    assert_eq!(call(&app, &write, Method::DELETE, &remove, None).await.0, 403);
    assert_eq!(call(&app, &owner, Method::DELETE, &remove, None).await.0, 204);
    assert_eq!(call(&app, &owner, Method::DELETE, &remove, None).await.0, 404, "gone");
    let (_, invoice, _) = call(&app, &owner, Method::GET, &format!("/api/v1/invoices/{id}"), None).await;
    assert_eq!(invoice["paid"], "0.00");

    // The activity log, the owner's to read; the token's own creation is in it.
    assert_eq!(call(&app, &write, Method::GET, "/api/v1/audit-events", None).await.0, 403);
    let (status, log, _) = call(&app, &owner, Method::GET, "/api/v1/audit-events?category=security", None).await;
    assert_eq!(status, 200, "{log}");
    let events = log["data"].as_array().unwrap();
    assert!(events.iter().all(|e| e["category"] == "security"), "{log}");
    assert!(events.iter().any(|e| e["action"] == "crypto.key.created" && e["details"]["scope"] == "owner"), "{log}");
    let numbering = events.iter().find(|e| e["action"] == "config.numbering.updated").expect("the series saved");
    assert_eq!(numbering["details"]["prefix"], "INV-", "{numbering}");
    assert_eq!(numbering["actor_kind"], "api_token", "{numbering}");
    assert!(!log.to_string().contains("fft_"), "no token value in the log");
    let (status, _, _) = call(&app, &owner, Method::GET, "/api/v1/audit-events?category=gossip", None).await;
    assert_eq!(status, 400);

    // Where customers pay stays with the owner signed in.
    let (_, profile, _) = call(&app, &owner, Method::GET, "/api/v1/business", None).await;
    let mut input = profile.as_object().unwrap().clone();
    input.remove("peppol_id");
    input.insert("payment_terms_days".into(), json!("14"));
    input.insert("iban".into(), json!("GB82 WEST 1234 5698 7654 32"));
    let (status, problem, _) = call(&app, &owner, Method::PUT, "/api/v1/business", Some(json!(input))).await;
    assert_eq!(status, 403, "{problem}");
}

#[tokio::test]
async fn only_the_owner_gives_a_token_the_owners_actions() {
    let app = TestApp::spawn().await;
    let (owner, _) = token(&app, "boss@api-owner.example", "write").await;
    let invited =
        app.post_form(&owner, "/settings/members", &[("email", "mia@api-owner.example"), ("role", "member")]).await;
    assert_eq!(invited.status(), 200);
    let mia = crate::helpers::new_client();
    app.sign_in_and_join(&mia, "mia@api-owner.example").await;
    let page = app.get(&mia, "/settings/api-tokens").await.text().await.unwrap();
    assert!(!page.contains(r#"value="owner""#), "not offered to a member");
    let refused = app.post_form(&mia, "/settings/api-tokens", &[("name", "Mine"), ("scope", "owner")]).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Only the owner can give a token the owner"), "{page}");
    assert!(!page.contains("data-new-token>"), "no token was made");
    let page = app.get(&owner, "/settings/api-tokens").await.text().await.unwrap();
    assert!(page.contains(r#"value="owner""#), "offered to the owner");
}
