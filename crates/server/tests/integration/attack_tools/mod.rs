//! Attack tools against a running instance on loopback (issue 10): schemathesis over
//! the OpenAPI document, sqlmap on the main query parameters and forms, hydra against
//! the admin login and the one-time code form. Each test starts a real `TestApp`, fills
//! it with data through the app itself, runs the external tool (installed by
//! `scripts/install-deps`) and judges the tool's own output, which it prints on failure.

mod hydra;
mod schemathesis;
mod sqlmap;

use std::path::PathBuf;

use reqwest::Method;
use serde_json::json;

use crate::{
    api::{call, customer_body, token},
    helpers::TestApp,
};

/// A fresh private directory for a tool's HOME and working directory: sqlmap,
/// schemathesis (`.hypothesis/`) and hydra (`hydra.restore`) all write there.
pub fn scratch_dir(tool: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ff-attack-{tool}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What a business's owner has after a little work: the signed-in web client, a write
/// API token, and the ids of its customer and issued invoice. It also has a product, a
/// draft and a part payment, all created through the API so the scanners meet real rows.
pub struct SeededBusiness {
    pub client: reqwest::Client,
    pub token: String,
    pub customer_id: String,
    pub issued_id: String,
}

pub async fn seeded_business(app: &TestApp, email: &str) -> SeededBusiness {
    let (client, token) = token(app, email, "write").await;
    let (status, customer, _) =
        call(app, &token, Method::POST, "/api/v1/customers", Some(customer_body("Käufer GmbH"))).await;
    assert_eq!(status, 201, "{customer}");
    let product = json!({"name": "Consulting hour", "unit": "HUR", "unit_price": "120.00", "vat_category": "S", "vat_rate": "19"});
    let (status, body, _) = call(app, &token, Method::POST, "/api/v1/products", Some(product)).await;
    assert_eq!(status, 201, "{body}");
    let customer_id = customer["id"].as_str().unwrap().to_owned();
    let draft = |description: &str| {
        json!({"customer_id": customer_id, "note": "Thanks", "lines": [
            {"description": description, "quantity": "2", "unit_price": "120.00", "vat_category": "S", "vat_rate": "19"}]})
    };
    let mut ids = Vec::new();
    for description in ["Consulting", "Workshop"] {
        let (status, invoice, _) = call(app, &token, Method::POST, "/api/v1/invoices", Some(draft(description))).await;
        assert_eq!(status, 201, "{invoice}");
        ids.push(invoice["id"].as_str().unwrap().to_owned());
    }
    let (status, issued, _) =
        call(app, &token, Method::POST, &format!("/api/v1/invoices/{}/issue", ids[1]), None).await;
    assert_eq!(status, 200, "{issued}");
    let payment = json!({"paid_on": issued["issue_date"], "amount": "100.00", "method": "bank_transfer"});
    let (status, body, _) =
        call(app, &token, Method::POST, &format!("/api/v1/invoices/{}/payments", ids[1]), Some(payment)).await;
    assert_eq!(status, 201, "{body}");
    SeededBusiness { client, token, customer_id, issued_id: ids[1].clone() }
}

/// Runs `command` to completion off the async runtime and returns (success, stdout+stderr).
pub async fn run_tool(mut command: std::process::Command, what: &str) -> (bool, String) {
    let what = what.to_owned();
    tokio::task::spawn_blocking(move || {
        let output = command.output().unwrap_or_else(|e| panic!("{what} is missing ({e}): run scripts/install-deps"));
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        (output.status.success(), text)
    })
    .await
    .unwrap()
}
