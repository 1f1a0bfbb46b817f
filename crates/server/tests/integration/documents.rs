//! An issued invoice's files as the owner, the customer and an integrator download
//! them: the same amounts as the screen, and valid by the official EN 16931 and Peppol
//! rules, XSDs and PDF checks (the documents crate's validator, run on what the server
//! produced from its own database rows).

use std::process::Command;

use fastfaktura::invoicing::documents::issued_document;
use fastfaktura_documents::pdf::qr::epc_payload;
use serde_json::json;
use uuid::Uuid;

use crate::{
    helpers::{TestApp, new_client},
    invoicing::{new_draft, save_draft, set_up_business},
};

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("{start} in {text}")) + start.len();
    &text[from..from + text[from..].find(end).unwrap()]
}

#[tokio::test]
async fn issued_documents_download_with_the_screens_amounts_and_pass_the_official_checks() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@documents.example", "EUR").await;
    let id = new_draft(&app, &owner, &customer, "net").await;
    assert_eq!(app.get(&owner, &format!("/invoices/{id}/pdf")).await.status(), 409, "a draft has no files yet");
    let lines = [["Ráðgjöf – Þórður", "7.5", "120", "S", "24"], ["Bækur", "3", "19.90", "S", "11"]];
    assert_eq!(save_draft(&app, &owner, &id, &customer, "EUR", &lines, "issue").await.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains(&format!(r#"href="/invoices/{id}/pdf""#)));
    let screen_total = between(&page, "data-total>", "<").to_owned();

    let pdf = app.get(&owner, &format!("/invoices/{id}/pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let disposition = pdf.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\"invoice-") && disposition.ends_with(".pdf\""));
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let ubl = app.get(&owner, &format!("/invoices/{id}/ubl")).await.text().await.unwrap();
    let cii = app.get(&owner, &format!("/invoices/{id}/cii")).await.text().await.unwrap();
    // 900.00 + 59.70 net; VAT 216.00 + 6.57; 1182.27 to pay, on the screen and in both syntaxes.
    let payable = between(&ubl, r#"<cbc:PayableAmount currencyID="EUR">"#, "<");
    assert_eq!(payable, "1182.27");
    assert!(screen_total.contains("1,182.27") || screen_total.contains("1182.27"), "{screen_total}");
    assert_eq!(between(&cii, "<ram:DuePayableAmount>", "<"), payable);

    // Another business gets nothing; an integrator of this one gets the same files.
    let mallory = new_client();
    set_up_business(&app, &mallory, "mallory@documents.example", "EUR").await;
    assert_eq!(app.get(&mallory, &format!("/invoices/{id}/ubl")).await.status(), 404);
    let business_id: Uuid = sqlx::query_scalar("SELECT business_id FROM invoices WHERE id = $1")
        .bind(Uuid::parse_str(&id).unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap();

    // The official validators, on the files exactly as served.
    let doc = issued_document(&app.db, business_id, id.parse().unwrap()).await.unwrap().document;
    let dir = std::env::temp_dir().join(format!("ff-server-documents-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("served.ubl.xml"), &ubl).unwrap();
    std::fs::write(dir.join("served.cii.xml"), &cii).unwrap();
    std::fs::write(dir.join("served.pdf"), &pdf).unwrap();
    let manifest = json!([{
        "name": "served",
        "ubl": "served.ubl.xml",
        "cii": "served.cii.xml",
        "pdf": "served.pdf",
        "credit": false,
        "expect_texts": [doc.number.clone(), "Þórður", "1,182.27"],
        "epc_payload": epc_payload(&doc),
        "peppol_expected": doc.peppol_warnings().iter().map(|w| w.split(':').next().unwrap().to_owned()).collect::<Vec<_>>(),
    }]);
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let validator = concat!(env!("CARGO_MANIFEST_DIR"), "/../documents/tests/einvoice/validate.py");
    let output =
        Command::new("python3").arg(validator).arg(&dir).output().expect("python3 runs (scripts/install-deps)");
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the served documents fail the official checks:\n{report}");
    assert!(report.contains("SUMMARY"), "{report}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_api_serves_the_same_files_and_the_openapi_document_names_them() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "api-docs@documents.example", "EUR").await;
    let id = new_draft(&app, &owner, &customer, "net").await;
    let lines = [["Hosting", "12", "10", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &id, &customer, "EUR", &lines, "issue").await.status(), 303);
    let page = app.post_form(&owner, "/settings/api-tokens", &[("name", "Docs"), ("scope", "read")]).await;
    let page = page.text().await.unwrap();
    let token = between(&page, "data-new-token>", "<").to_owned();
    let api = reqwest::Client::new();
    let ubl = api.get(app.url(&format!("/api/v1/invoices/{id}/ubl"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ubl.status(), 200);
    assert_eq!(ubl.headers()["content-type"], "application/xml");
    let served = ubl.text().await.unwrap();
    let web = app.get(&owner, &format!("/invoices/{id}/ubl")).await.text().await.unwrap();
    assert_eq!(served, web);
    let pdf = api.get(app.url(&format!("/api/v1/invoices/{id}/pdf"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let unknown = api.get(app.url(&format!("/api/v1/invoices/{}/cii", Uuid::new_v4()))).bearer_auth(&token);
    let unknown = unknown.send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(unknown.headers()["content-type"], "application/problem+json");
    let openapi: serde_json::Value = app.get(&owner, "/api/v1/openapi.json").await.json().await.unwrap();
    let pdf_op = &openapi["paths"]["/api/v1/invoices/{id}/pdf"]["get"]["responses"]["200"]["content"];
    assert_eq!(pdf_op["application/pdf"]["schema"]["format"], "binary");
}
