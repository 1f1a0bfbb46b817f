//! Documents of record: an issued invoice carries its dates and references, and
//! stays exactly as issued (PDF, UBL and CII byte for byte, the owner's page, the
//! customer's page and the API) when the business, the customer or the logo change
//! afterwards; the database itself refuses to change the record. Numbers stay in date
//! order within a series.

use std::process::Command;

use fastfaktura::invoicing::documents::issued_document;
use fastfaktura_documents::pdf::qr::epc_payload;
use reqwest::multipart::{Form, Part};
use serde_json::json;
use uuid::Uuid;

use crate::{
    helpers::{TestApp, new_client},
    invoicing::{new_draft, set_up_business},
};

const PNG: &[u8] = include_bytes!("../fixtures/logo.png");
const JPEG: &[u8] = include_bytes!("../fixtures/logo.jpg");

async fn upload_logo(app: &TestApp, client: &reqwest::Client, name: &str, bytes: &[u8]) {
    let form = Form::new().part("logo", Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    let response = client.post(app.url("/settings/logo")).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 303);
}

/// Saves the draft with one line and the given date and reference fields, then `action`.
async fn save_with(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    customer: &str,
    fields: &[(&str, &str)],
    action: &str,
) -> reqwest::Response {
    let page = app.get(client, &format!("/invoices/{id}")).await.text().await.unwrap();
    let version =
        page.split("name=\"version\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("1").to_owned();
    let mut form: Vec<(String, String)> = vec![
        ("version".into(), version),
        ("customer_id".into(), customer.into()),
        ("currency".into(), "EUR".into()),
        ("price_entry".into(), "net".into()),
        ("note".into(), "Takk fyrir!".into()),
        ("action".into(), action.into()),
        ("lines[0][description]".into(), "Ráðgjöf".into()),
        ("lines[0][quantity]".into(), "10".into()),
        ("lines[0][unit]".into(), "h".into()),
        ("lines[0][unit_price]".into(), "120".into()),
        ("lines[0][vat_category]".into(), "S".into()),
        ("lines[0][vat_rate]".into(), "24".into()),
    ];
    form.extend(fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    client.post(app.url(&format!("/invoices/{id}"))).form(&form).send().await.unwrap()
}

async fn files(app: &TestApp, client: &reqwest::Client, id: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for format in ["pdf", "ubl", "cii"] {
        let response = app.get(client, &format!("/invoices/{id}/{format}")).await;
        assert_eq!(response.status(), 200, "{format}");
        out.push(response.bytes().await.unwrap().to_vec());
    }
    out
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("{start} in {text}")) + start.len();
    &text[from..from + text[from..].find(end).unwrap()]
}

#[tokio::test]
async fn an_issued_invoice_keeps_its_parties_logo_and_files_when_everything_else_changes() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@records.example", "EUR").await;
    upload_logo(&app, &owner, "logo.png", PNG).await;
    let today = app.clock_now().date();
    let id = new_draft(&app, &owner, &customer, "net").await;
    let start = (today - time::Duration::days(30)).to_string();
    let end = (today - time::Duration::days(1)).to_string();
    let fields = [
        ("issue_date", today.to_string()),
        ("due_date", (today + time::Duration::days(10)).to_string()),
        ("period_start", start.clone()),
        ("period_end", end.clone()),
        ("buyer_reference", "991-12345-67".to_owned()),
        ("order_reference", "PO-4711".to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let issued = save_with(&app, &owner, &id, &customer, &fields, "issue").await;
    assert_eq!(issued.status(), 303, "{}", issued.text().await.unwrap());

    // The dates and references are on the page and in both e-invoices.
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("PO-4711") && page.contains("991-12345-67"), "{page}");
    let before = files(&app, &owner, &id).await;
    // Kept for years per document: fonts are subset, so the record stays small.
    eprintln!("issued record: PDF {} bytes, UBL {}, CII {}", before[0].len(), before[1].len(), before[2].len());
    assert!(before[0].len() < 120_000, "an issued PDF of {} bytes", before[0].len());
    let ubl = String::from_utf8(before[1].clone()).unwrap();
    let cii = String::from_utf8(before[2].clone()).unwrap();
    assert_eq!(between(&ubl, "<cbc:BuyerReference>", "<"), "991-12345-67");
    assert!(between(&ubl, "<cac:OrderReference>", "</cac:OrderReference>").contains("<cbc:ID>PO-4711</cbc:ID>"));
    let period = between(&ubl, "<cac:InvoicePeriod>", "</cac:InvoicePeriod>");
    assert!(period.contains(&format!("<cbc:StartDate>{start}</cbc:StartDate>")), "{period}");
    assert!(period.contains(&format!("<cbc:EndDate>{end}</cbc:EndDate>")), "{period}");
    let order = between(&cii, "<ram:BuyerOrderReferencedDocument>", "</ram:BuyerOrderReferencedDocument>");
    assert!(order.contains("PO-4711"), "{order}");
    assert!(cii.contains("<ram:BillingSpecifiedPeriod>"));
    assert!(ubl.contains("Fjörður ehf.") && ubl.contains("Acme AB"));

    // The customer's link and the API, before anything changes.
    assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/link"), &[]).await.status(), 303);
    let owner_page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    let link = between(&owner_page, r#"readonly value=""#, "\"").to_owned();
    let path = link.strip_prefix(&app.address).unwrap().to_owned();
    let visitor = new_client();
    let customer_page = app.get(&visitor, &path).await.text().await.unwrap();
    assert!(customer_page.contains("Fjörður ehf.") && customer_page.contains("Laugavegur 1"));
    let logo_before = app.get(&visitor, &format!("{path}/logo")).await.bytes().await.unwrap();
    assert_eq!(&logo_before[..], PNG);

    // Everything the document was made from changes.
    let saved = app
        .post_form(
            &owner,
            "/settings/business",
            &[
                ("name", "Nýtt nafn hf."),
                ("address_line", "Borgartún 99"),
                ("postal_code", "105"),
                ("city", "Reykjavík"),
                ("country", "IS"),
                ("vat_number", "54321"),
                ("registration_id", "650376-0649"),
                ("iban", "DE89 3704 0044 0532 0130 00"),
                ("bic", ""),
                ("default_currency", "EUR"),
                ("payment_terms_days", "30"),
                ("invoice_language", "en"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let edited = app
        .post_form(
            &owner,
            &format!("/customers/{customer}"),
            &[
                ("kind", "business"),
                ("name", "Renamed Customer AB"),
                ("email", "new@acme.example"),
                ("address_line", "Drottninggatan 2"),
                ("country", "SE"),
                ("language", "en"),
                ("currency", "EUR"),
            ],
        )
        .await;
    assert_eq!(edited.status(), 303, "{}", edited.text().await.unwrap());
    upload_logo(&app, &owner, "logo.jpg", JPEG).await;

    // Byte for byte the same files, for the owner, the customer and the API.
    assert_eq!(files(&app, &owner, &id).await, before, "the issued files are the record");
    let customer_pdf = app.get(&visitor, &format!("{path}/pdf")).await.bytes().await.unwrap();
    assert_eq!(customer_pdf.to_vec(), before[0]);
    let page = app.post_form(&owner, "/settings/api-tokens", &[("name", "Records"), ("scope", "read")]).await;
    let page = page.text().await.unwrap();
    let token = between(&page, "data-new-token>", "<").to_owned();
    let api = reqwest::Client::new();
    let cii_by_api = api.get(app.url(&format!("/api/v1/invoices/{id}/cii"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(cii_by_api.bytes().await.unwrap().to_vec(), before[2]);
    let json: serde_json::Value = api
        .get(app.url(&format!("/api/v1/invoices/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["seller"]["name"], "Fjörður ehf.");
    assert_eq!(json["buyer"]["name"], "Acme AB");
    assert_eq!(json["order_reference"], "PO-4711");
    assert_eq!(json["period_start"], start);

    // The pages show the parties as issued, and the logo it was issued with.
    let customer_page = app.get(&visitor, &path).await.text().await.unwrap();
    assert!(customer_page.contains("Fjörður ehf.") && customer_page.contains("Laugavegur 1"), "{customer_page}");
    assert!(customer_page.contains("IS140159260076545510730339"), "the IBAN it was issued with");
    assert!(!customer_page.contains("Nýtt nafn") && !customer_page.contains("Renamed Customer"));
    assert_eq!(app.get(&visitor, &format!("{path}/logo")).await.bytes().await.unwrap(), logo_before);
    let owner_page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(owner_page.contains("Acme AB") && !owner_page.contains("Renamed Customer"));

    // A new document takes the new details.
    let second = new_draft(&app, &owner, &customer, "net").await;
    assert_eq!(save_with(&app, &owner, &second, &customer, &[], "issue").await.status(), 303);
    let ubl2 = app.get(&owner, &format!("/invoices/{second}/ubl")).await.text().await.unwrap();
    assert!(ubl2.contains("Nýtt nafn hf.") && ubl2.contains("Renamed Customer AB"));

    // Not even SQL changes the record.
    let invoice_id: Uuid = id.parse().unwrap();
    for statement in [
        "UPDATE issued_documents SET pdf = '\\x00' WHERE invoice_id = $1",
        "DELETE FROM issued_documents WHERE invoice_id = $1",
        "UPDATE invoices SET order_reference = 'PO-9999' WHERE id = $1",
    ] {
        let refused = sqlx::query(statement).bind(invoice_id).execute(&app.db).await;
        assert!(refused.is_err(), "{statement} must be refused");
    }

    // The official rules accept the served files with every new date and reference.
    let business_id: Uuid = sqlx::query_scalar("SELECT business_id FROM invoices WHERE id = $1")
        .bind(invoice_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let record = issued_document(&app.db, business_id, invoice_id).await.unwrap();

    // Stored as chosen (migration 20261209000100): the PDF kept as it is, without
    // PostgreSQL trying to compress what is compressed, and the XML compressed with lz4;
    // both read back byte for byte.
    let pdf_storage: String = sqlx::query_scalar(
        "SELECT attstorage::text FROM pg_attribute WHERE attrelid = 'issued_documents'::regclass AND attname = 'pdf'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(pdf_storage, "e", "the PDF column is EXTERNAL (out of line, never compressed)");
    let (ubl_method, ubl_stored, ubl_len): (Option<String>, i32, i32) = sqlx::query_as(
        "SELECT pg_column_compression(ubl), pg_column_size(ubl), octet_length(ubl) \
         FROM issued_documents WHERE business_id = $1 AND invoice_id = $2",
    )
    .bind(business_id)
    .bind(invoice_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(ubl_method.as_deref(), Some("lz4"), "the UBL is compressed with lz4");
    assert!(ubl_stored < ubl_len / 2, "the UBL is stored compressed: {ubl_stored} of {ubl_len} bytes");
    assert_eq!(record.pdf, before[0], "the PDF reads back byte for byte");
    assert_eq!(record.ubl.as_deref().map(str::as_bytes), Some(before[1].as_slice()));
    let dir = std::env::temp_dir().join(format!("ff-records-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("served.ubl.xml"), &before[1]).unwrap();
    std::fs::write(dir.join("served.cii.xml"), &before[2]).unwrap();
    std::fs::write(dir.join("served.pdf"), &before[0]).unwrap();
    let manifest = json!([{
        "name": "served-with-references",
        "ubl": "served.ubl.xml",
        "cii": "served.cii.xml",
        "pdf": "served.pdf",
        "credit": false,
        "expect_texts": ["PO-4711", "991-12345-67", "Fjörður ehf."],
        "epc_payload": epc_payload(&record.document),
        // The Swedish buyer is known by its VAT number, which holds its organisation
        // number: its Peppol endpoint (0007) is derived, so R010 no longer fires.
        "peppol_expected": [],
    }]);
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let validator = concat!(env!("CARGO_MANIFEST_DIR"), "/../documents/tests/einvoice/validate.py");
    let output = Command::new("python3").arg(validator).arg(&dir).output().expect("python3 runs");
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the served documents fail the official checks:\n{report}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn issue_dates_keep_the_series_in_order_and_are_refused_at_their_field() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "dates@records.example", "EUR").await;
    let today = app.clock_now().date();
    let first = new_draft(&app, &owner, &customer, "net").await;
    let yesterday = (today - time::Duration::days(1)).to_string();
    let issued = save_with(&app, &owner, &first, &customer, &[("issue_date", &yesterday)], "issue").await;
    assert_eq!(issued.status(), 303);
    let second = new_draft(&app, &owner, &customer, "net").await;
    let last_week = (today - time::Duration::days(7)).to_string();
    let refused = save_with(&app, &owner, &second, &customer, &[("issue_date", &last_week)], "issue").await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains(r#"data-field-error="issue_date""#), "{page}");
    let yesterday_written =
        fastfaktura_domain::locale::date(today - time::Duration::days(1), fastfaktura_domain::locale::Language::En);
    assert!(page.contains(&yesterday_written), "names the date it may not precede, as people write it: {page}");
    let tomorrow = (today + time::Duration::days(1)).to_string();
    let future = save_with(&app, &owner, &second, &customer, &[("issue_date", &tomorrow)], "issue").await;
    assert_eq!(future.status(), 422);
    assert!(future.text().await.unwrap().contains("cannot be in the future"));
    let wrong = save_with(&app, &owner, &second, &customer, &[("period_start", &tomorrow)], "save").await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains(r#"data-field-error="period_end""#));
    assert_eq!(save_with(&app, &owner, &second, &customer, &[], "issue").await.status(), 303);
}
