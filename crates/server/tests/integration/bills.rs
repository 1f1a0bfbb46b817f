//! Receiving e-invoices as bills to pay, as a business meets it: a UBL, a CII and a
//! Factur-X PDF uploaded on the Bills page each become a bill with the supplier, number,
//! amounts, payment reference and IBAN; the same file twice is recorded once; a new file
//! with a known supplier and number is flagged; an invalid document is kept and marked
//! with its reasons; hostile and wrong files are refused with a reason and leave nothing
//! behind; states are audited; the bookkeeper's CSV and ZIP; another business sees
//! nothing; the API path.

use fastfaktura_documents::{
    Endpoint, InvoiceData, InvoiceDocument, cii_xml, fixtures, pdf::render_draft_pdf, pdf::render_pdf, ubl_xml,
};
use reqwest::{
    Method,
    multipart::{Form, Part},
};
use serde_json::json;
use uuid::Uuid;

use crate::api::{call, token};
use crate::helpers::{TestApp, new_client};

/// The API helper's business: Seller GmbH, DE123456788.
const OUR_VAT: &str = "DE123456788";

/// An invoice from Nordlicht Software GmbH to our business, numbered `number`.
pub(crate) fn to_us(number: &str) -> InvoiceData {
    let mut data = fixtures::sample_eur_data();
    data.number = number.into();
    data.buyer.name = "Seller GmbH".into();
    data.buyer.vat_id = Some(OUR_VAT.into());
    data.buyer.endpoint = Some(Endpoint { scheme: "9930".into(), id: OUR_VAT.into() });
    data.logo = None;
    data
}

pub(crate) fn ubl(data: InvoiceData) -> Vec<u8> {
    ubl_xml(&InvoiceDocument::new(data).unwrap()).into_bytes()
}

async fn upload(app: &TestApp, client: &reqwest::Client, name: &str, body: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part("file", Part::bytes(body).file_name(name.to_owned()));
    client.post(app.url("/bills/upload")).multipart(form).send().await.unwrap()
}

/// Uploads and follows the redirect to the bill: its id and the page.
async fn receive(app: &TestApp, client: &reqwest::Client, name: &str, body: Vec<u8>) -> (Uuid, String) {
    let response = upload(app, client, name, body).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let id = location.strip_prefix("/bills/").unwrap()[..36].parse().unwrap();
    let page = app.get(client, &location).await;
    assert_eq!(page.status(), 200);
    (id, page.text().await.unwrap())
}

/// How many received documents and bills are stored.
async fn stored(app: &TestApp) -> (i64, i64) {
    sqlx::query_as("SELECT (SELECT count(*) FROM received_documents), (SELECT count(*) FROM bills)")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A stored bill: supplier, number, supplier VAT id, payable, reference, IBAN, state, format.
type StoredBill =
    (String, String, Option<String>, rust_decimal::Decimal, Option<String>, Option<String>, String, String);

#[tokio::test]
async fn a_ubl_a_cii_and_a_factur_x_pdf_each_become_a_bill() {
    let app = TestApp::spawn().await;
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let (ubl_id, page) = receive(&app, &client, "nordlicht.xml", ubl(to_us("UBL-1"))).await;
    assert!(page.contains("data-received"), "{page}");
    assert!(page.contains("Nordlicht Software GmbH") && page.contains("UBL-1"), "{page}");
    assert!(page.contains("RF18539007547034"), "the payment reference is shown: {page}");
    assert!(page.contains("DE89 3704 0044 0532 0130 00"), "the IBAN in groups: {page}");
    assert!(page.contains("data-copy=\"DE89370400440532013000\""), "a copy button for the IBAN: {page}");
    assert!(page.contains("data-pdf"), "our renderer can draw it: {page}");

    let doc = InvoiceDocument::new(to_us("CII-1")).unwrap();
    let (cii_id, page) = receive(&app, &client, "nordlicht-cii.xml", cii_xml(&doc).into_bytes()).await;
    assert!(page.contains("CII-1"), "{page}");
    let pdf = render_pdf(&InvoiceDocument::new(to_us("PDF-1")).unwrap()).unwrap().bytes;
    let (pdf_id, _) = receive(&app, &client, "nordlicht.pdf", pdf.clone()).await;

    let payable = doc.totals().payable;
    for (id, number, format) in [(ubl_id, "UBL-1", "ubl"), (cii_id, "CII-1", "cii"), (pdf_id, "PDF-1", "facturx_pdf")] {
        let row: StoredBill = sqlx::query_as(
            "SELECT b.supplier_name, b.number, b.supplier_vat_id, b.payable, b.payment_reference, b.iban, b.state,
                        d.format
                 FROM bills b JOIN received_documents d ON d.id = b.received_document_id WHERE b.id = $1",
        )
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(row.0, "Nordlicht Software GmbH");
        assert_eq!(row.1, number);
        assert_eq!(row.2.as_deref(), Some("DE123456789"));
        assert_eq!(row.3, payable, "{number}");
        assert_eq!(row.4.as_deref(), Some("RF18539007547034"));
        assert_eq!(row.5.as_deref(), Some("DE89370400440532013000"));
        assert_eq!((row.6.as_str(), row.7.as_str()), ("to_pay", format));
    }
    // The original is kept byte for byte, with its hash.
    let original = app.get(&client, &format!("/bills/{pdf_id}/original")).await;
    assert_eq!(original.headers()["content-type"], "application/pdf");
    assert_eq!(original.bytes().await.unwrap().to_vec(), pdf);
    // Opening a supplier's document is recorded like opening one of ours: who, which.
    let (outcome, actor_kind): (String, String) = sqlx::query_as(
        "SELECT outcome, actor_kind FROM audit_events WHERE category = 'access' AND action = 'bill.download' AND target = $1",
    )
    .bind(format!("/bills/{pdf_id}/original"))
    .fetch_one(&app.db)
    .await
    .expect("opening the original is in the access log");
    assert_eq!((outcome.as_str(), actor_kind.as_str()), ("success", "user"));
    let rendered = app.get(&client, &format!("/bills/{ubl_id}/pdf")).await;
    assert_eq!(rendered.status(), 200);
    let text = crate::helpers::pdf_text(&rendered.bytes().await.unwrap());
    assert!(text.contains("UBL-1") && text.contains("Nordlicht Software GmbH"), "{text}");
    let list = app.get(&client, "/bills").await.text().await.unwrap();
    assert!(list.contains("UBL-1") && list.contains("CII-1") && list.contains("PDF-1"), "{list}");
}

#[tokio::test]
async fn an_official_cii_example_becomes_a_bill_with_its_payment_details() {
    let app = TestApp::spawn().await;
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../documents/tests/fixtures/received/cii/CII_example4.xml"),
    )
    .unwrap();
    let (_, page) = receive(&app, &client, "CII_example4.xml", bytes).await;
    assert!(page.contains("SellerCompany") && page.contains("TOSL110"), "{page}");
    assert!(page.contains("Payref1") && page.contains("DK12 1234 1234 1234 12"), "{page}");
    assert!(page.contains("more than one payment means"), "what the copy cannot show is listed: {page}");
}

#[tokio::test]
async fn the_same_file_twice_is_recorded_once_and_the_same_number_again_is_flagged() {
    let app = TestApp::spawn().await;
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let first = ubl(to_us("DUP-1"));
    let (id, _) = receive(&app, &client, "a.xml", first.clone()).await;
    let again = upload(&app, &client, "a-again.xml", first).await;
    assert_eq!(again.headers()["location"], format!("/bills/{id}?received=again").as_str());
    assert_eq!(stored(&app).await, (1, 1));

    let mut changed = to_us("DUP-1");
    changed.notes = vec!["Sent again, by post too".into()];
    let (second, page) = receive(&app, &client, "b.xml", ubl(changed)).await;
    assert_ne!(second, id);
    assert!(page.contains("data-duplicate") && page.contains(&format!("/bills/{id}")), "{page}");
    let duplicate_of: Option<Uuid> = sqlx::query_scalar("SELECT duplicate_of FROM bills WHERE id = $1")
        .bind(second)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(duplicate_of, Some(id));
    let list = app.get(&client, "/bills").await.text().await.unwrap();
    assert_eq!(list.matches("data-duplicate").count(), 1, "{list}");
}

#[tokio::test]
async fn an_invalid_document_is_kept_and_marked_with_its_reasons() {
    let app = TestApp::spawn().await;
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let xml = String::from_utf8(ubl(to_us("BAD-1"))).unwrap();
    let without_number = xml.replacen("<cbc:ID>BAD-1</cbc:ID>", "", 1);
    assert_ne!(xml, without_number);
    let response = upload(&app, &client, "no-number.xml", without_number.clone().into_bytes()).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/bills");
    let (status, original): (String, Vec<u8>) =
        sqlx::query_as("SELECT status, original FROM received_documents").fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "invalid");
    assert_eq!(original, without_number.as_bytes(), "kept byte for byte");
    assert_eq!(stored(&app).await, (1, 0));
    let list = app.get(&client, "/bills").await.text().await.unwrap();
    assert!(list.contains("data-unread") && list.contains("invoice number (BT-1)"), "{list}");
}

/// A CII (also what a Factur-X PDF carries) is checked with the EN 16931 rules for CII: one
/// whose grand total is not the net total plus VAT (BR-CO-15) is still filed as a bill, but
/// marked invalid with the rule listed; a correct one is not marked.
#[tokio::test]
async fn a_cii_failing_an_en16931_rule_is_filed_and_marked_with_the_rule() {
    let app = TestApp::spawn().await;
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let good = cii_xml(&InvoiceDocument::new(to_us("CII-OK")).unwrap());
    let (good_id, _) = receive(&app, &client, "good-cii.xml", good.clone().into_bytes()).await;

    let bad = cii_xml(&InvoiceDocument::new(to_us("CII-BAD")).unwrap());
    let start = bad.find("<ram:GrandTotalAmount>").unwrap() + "<ram:GrandTotalAmount>".len();
    let end = start + bad[start..].find('<').unwrap();
    let bad = format!("{}1.00{}", &bad[..start], &bad[end..]);
    let (bad_id, page) = receive(&app, &client, "bad-cii.xml", bad.into_bytes()).await;
    assert!(page.contains("BR-CO-15"), "the rule is listed on the bill: {page}");

    let status = |id: Uuid| {
        sqlx::query_as::<_, (String, serde_json::Value)>(
            "SELECT d.status, d.validation FROM bills b JOIN received_documents d ON d.id = b.received_document_id
             WHERE b.id = $1",
        )
        .bind(id)
        .fetch_one(&app.db)
    };
    let (good_status, good_findings) = status(good_id).await.unwrap();
    assert_eq!(good_status, "valid", "{good_findings}");
    assert!(!good_findings.to_string().contains("\"fatal\""), "{good_findings}");
    let (bad_status, bad_findings) = status(bad_id).await.unwrap();
    assert_eq!(bad_status, "invalid");
    let fatal: Vec<&str> = bad_findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "fatal")
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(fatal.contains(&"BR-CO-15"), "{bad_findings}");
    assert!(!fatal.iter().any(|r| r.starts_with("UBL-") || r.starts_with("PEPPOL-")), "only CII's rules: {fatal:?}");
}

#[tokio::test]
async fn hostile_and_wrong_files_are_refused_with_a_reason_and_leave_nothing() {
    let app = TestApp::spawn().await;
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>\
                <Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">&lol2;</Invoice>";
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\
               <Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">&xxe;</Invoice>";
    let deep = format!("{}{}", "<a>".repeat(50_000), "</a>".repeat(50_000));
    let mut elsewhere = to_us("ELSE-1");
    elsewhere.buyer.vat_id = Some("DE987654321".into());
    elsewhere.buyer.endpoint = None;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bomb.xml", bomb.as_bytes().to_vec(), "document type declaration"),
        ("xxe.xml", xxe.as_bytes().to_vec(), "document type declaration"),
        ("deep.xml", deep.into_bytes(), "far deeper"),
        ("letter.pdf", render_draft_pdf(&fixtures::sample_eur()).unwrap().bytes, "no e-invoice"),
        ("two.pdf", fixtures::facturx_pdf_with_two_invoices(), "2 embedded XML invoices"),
        ("photo.jpg", b"\xFF\xD8\xFF\xE0 a photo".to_vec(), "neither an e-invoice"),
        ("order.xml", b"<Order xmlns=\"urn:x\"/>".to_vec(), "not an invoice"),
        ("other.xml", ubl(elsewhere), "addressed to Seller GmbH (DE987654321), not to this business"),
    ];
    for (name, body, reason) in cases {
        let response = upload(&app, &client, name, body).await;
        assert_eq!(response.status(), 422, "{name}");
        let page = response.text().await.unwrap();
        assert!(page.contains("data-file-error") && page.contains(reason), "{name}: {page}");
    }
    let mut huge = ubl(to_us("HUGE-1"));
    huge.resize(50 * 1024 * 1024 + 1, b' ');
    let response = upload(&app, &client, "huge.xml", huge).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("larger than 50 MB"));
    assert_eq!(stored(&app).await, (0, 0));
}

#[tokio::test]
async fn states_change_with_audit_events_and_another_business_sees_nothing() {
    let app = TestApp::spawn().await;
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let (id, _) = receive(&app, &client, "a.xml", ubl(to_us("ST-1"))).await;
    let yesterday = (app.clock_now().date() - time::Duration::days(1)).to_string();
    let refused = app.post_form(&client, &format!("/bills/{id}/schedule"), &[("date", &yesterday)]).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("data-date-error"));
    let later = (app.clock_now().date() + time::Duration::days(5)).to_string();
    assert_eq!(app.post_form(&client, &format!("/bills/{id}/schedule"), &[("date", &later)]).await.status(), 303);
    let page = app.get(&client, &format!("/bills/{id}")).await.text().await.unwrap();
    assert!(page.contains("data-state=\"scheduled\""), "{page}");
    assert_eq!(app.post_form(&client, &format!("/bills/{id}/paid"), &[]).await.status(), 303);
    assert_eq!(app.post_form(&client, &format!("/bills/{id}/paid"), &[]).await.status(), 409);
    assert_eq!(app.post_form(&client, &format!("/bills/{id}/reopen"), &[]).await.status(), 303);
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE target = $1 AND action LIKE 'bill.%' ORDER BY id")
            .bind(id.to_string())
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(actions, ["bill.received", "bill.scheduled", "bill.paid", "bill.reopened"]);

    let other = new_client();
    app.log_in(&other, "someone@else.example").await;
    for path in [format!("/bills/{id}"), format!("/bills/{id}/original"), format!("/bills/{id}/pdf")] {
        assert_eq!(app.get(&other, &path).await.status(), 404, "{path}");
    }
    assert_eq!(app.post_form(&other, &format!("/bills/{id}/paid"), &[]).await.status(), 404);
    assert!(!app.get(&other, "/bills").await.text().await.unwrap().contains("ST-1"));
    let state: String =
        sqlx::query_scalar("SELECT state FROM bills WHERE id = $1").bind(id).fetch_one(&app.db).await.unwrap();
    assert_eq!(state, "to_pay");
}

#[tokio::test]
async fn the_bookkeeper_gets_a_csv_and_the_originals() {
    let app = TestApp::spawn().await;
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let first = ubl(to_us("EXP-1"));
    receive(&app, &client, "a.xml", first.clone()).await;
    receive(&app, &client, "b.xml", ubl(to_us("=EXP-2"))).await;
    let csv = app.get(&client, "/bills/export.csv?from=2025-11-01&to=2025-11-30").await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("id,supplier,supplier_vat_id"), "{csv}");
    let payable = InvoiceDocument::new(to_us("EXP-1")).unwrap().totals().payable.normalize().to_string();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"EXP-1\"") && l.contains(&format!(",{payable},")) && l.contains("RF18539007547034")),
        "{csv}"
    );
    assert!(csv.contains("\"'=EXP-2\""), "a formula is defused: {csv}");
    let none = app.get(&client, "/bills/export.csv?from=2026-01-01&to=2026-01-31").await.text().await.unwrap();
    assert_eq!(none.lines().count(), 1);
    let reversed = app.get(&client, "/bills/export.csv?from=2026-02-01&to=2026-01-01").await;
    assert_eq!(reversed.status(), 422);

    let zip = app.get(&client, "/bills/export.zip").await;
    assert_eq!(zip.headers()["content-type"], "application/zip");
    let zip = zip.bytes().await.unwrap().to_vec();
    assert!(zip.starts_with(b"PK\x03\x04"));
    assert!(zip.windows(first.len()).any(|w| w == first.as_slice()), "the original, stored as received");
    assert!(zip.windows(9).any(|w| w == b"bills.csv"));
}

#[tokio::test]
async fn an_accountant_receives_and_pays_bills() {
    let app = TestApp::spawn().await;
    let (owner, _) = token(&app, "ap@seller.example", "write").await;
    let invited =
        app.post_form(&owner, "/settings/members", &[("email", "carol@books.example"), ("role", "accountant")]).await;
    assert_eq!(invited.status(), 200);
    let carol = new_client();
    app.sign_in_and_join(&carol, "carol@books.example").await;
    let (id, _) = receive(&app, &carol, "a.xml", ubl(to_us("ACC-1"))).await;
    assert_eq!(app.post_form(&carol, &format!("/bills/{id}/paid"), &[]).await.status(), 303);
    assert_eq!(app.get(&carol, "/bills/export.csv").await.status(), 200);
}

#[tokio::test]
async fn an_integrator_receives_lists_and_pays_through_the_api() {
    let app = TestApp::spawn().await;
    let (_, token) = token(&app, "ap@seller.example", "write").await;
    let body = ubl(to_us("API-1"));
    let post = |body: Vec<u8>| {
        reqwest::Client::new()
            .post(app.url("/api/v1/received-documents"))
            .bearer_auth(&token)
            .header("content-type", "application/xml")
            .header("x-file-name", "api-1.xml")
            .body(body)
            .send()
    };
    let created = post(body.clone()).await.unwrap();
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = created.json().await.unwrap();
    assert_eq!(created["status"], "valid");
    let bill_id = created["bill_id"].as_str().unwrap().to_owned();
    let again = post(body).await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<serde_json::Value>().await.unwrap()["already_received"], true);
    let refused = post(b"<!DOCTYPE x []><x/>".to_vec()).await.unwrap();
    assert_eq!(refused.status(), 422);
    assert_eq!(refused.headers()["content-type"], "application/problem+json");

    let (status, list, _) = call(&app, &token, Method::GET, "/api/v1/bills?state=to_pay", None).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"][0]["number"], "API-1");
    assert_eq!(list["items"][0]["supplier"]["vat_id"], "DE123456789");
    assert_eq!(list["items"][0]["iban"], "DE89370400440532013000");
    let (status, bill, _) = call(&app, &token, Method::GET, &format!("/api/v1/bills/{bill_id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(bill["payment_reference"], "RF18539007547034");
    assert!(bill["findings"].is_array());
    let (status, _, _) = call(&app, &token, Method::POST, &format!("/api/v1/bills/{bill_id}/paid"), None).await;
    assert_eq!(status, 204);
    let (_, paid, _) = call(&app, &token, Method::GET, "/api/v1/bills?state=paid", None).await;
    assert_eq!(paid["items"][0]["state"], "paid");
    let (status, _, _) = call(
        &app,
        &token,
        Method::POST,
        &format!("/api/v1/bills/{bill_id}/schedule"),
        Some(json!({"date": "2020-01-01"})),
    )
    .await;
    assert_eq!(status, 422);

    // The files: the original byte for byte, the readable PDF, the bookkeeper's exports.
    let get = |path: String, token: String| {
        let request = reqwest::Client::new().get(app.url(&path)).bearer_auth(token);
        async move { request.send().await.unwrap() }
    };
    let original = get(format!("/api/v1/bills/{bill_id}/original"), token.clone()).await;
    assert_eq!(original.status(), 200);
    assert_eq!(original.bytes().await.unwrap().to_vec(), ubl(to_us("API-1")), "kept as received");
    for lang in ["", "?lang=is"] {
        let pdf = get(format!("/api/v1/bills/{bill_id}/pdf{lang}"), token.clone()).await;
        assert_eq!((pdf.status().as_u16(), pdf.headers()["content-type"].to_str().unwrap()), (200, "application/pdf"));
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    }
    let refused = get(format!("/api/v1/bills/{bill_id}/pdf?lang=de"), token.clone()).await;
    assert_eq!(refused.status(), 400);
    let csv = get("/api/v1/bills/export.csv?from=2000-01-01".into(), token.clone()).await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert!(csv.lines().count() == 2 && csv.contains("API-1") && csv.contains("DE89370400440532013000"), "{csv}");
    let none = get("/api/v1/bills/export.csv?to=2000-01-01".into(), token.clone()).await.text().await.unwrap();
    assert_eq!(none.lines().count(), 1, "only the header before any bill: {none}");
    let zip = get("/api/v1/bills/export.zip".into(), token.clone()).await;
    assert_eq!(zip.status(), 200);
    assert!(zip.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    for (query, field) in [("from=yesterday", "from"), ("from=2026-02-01&to=2026-01-01", "to")] {
        let refused = get(format!("/api/v1/bills/export.csv?{query}"), token.clone()).await;
        assert_eq!(refused.status(), 422, "{query}");
        let problem: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
    }
    let refused = get("/api/v1/bills/export.csv?since=2026-01-01".into(), token.clone()).await;
    assert_eq!(refused.status(), 400, "an unknown parameter is named, not ignored");
    let huge = reqwest::Client::new()
        .post(app.url("/api/v1/received-documents"))
        .bearer_auth(&token)
        .body(vec![b' '; fastfaktura_documents::import::MAX_RECEIVED_BYTES + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    assert_eq!(huge.headers()["content-type"], "application/problem+json");
    assert!(huge.text().await.unwrap().contains("at most 50 MB"));

    let (_, stranger) = crate::api::token(&app, "stranger@else.example", "write").await;
    let (status, _, _) = call(&app, &stranger, Method::GET, &format!("/api/v1/bills/{bill_id}"), None).await;
    assert_eq!(status, 404);
    let (status, _, _) = call(&app, &stranger, Method::POST, &format!("/api/v1/bills/{bill_id}/paid"), None).await;
    assert_eq!(status, 404);
    for file in ["original", "pdf"] {
        let response = get(format!("/api/v1/bills/{bill_id}/{file}"), stranger.clone()).await;
        assert_eq!(response.status(), 404, "{file}");
    }
    let theirs = get("/api/v1/bills/export.csv".into(), stranger.clone()).await.text().await.unwrap();
    assert!(!theirs.contains("API-1"), "another business's export holds none of ours");
}
