//! Peppol participant ids on customers (issue 21, first part): typed and checked
//! against the Peppol code list and the scheme's check digits, or derived from the
//! registration or VAT id; the document names the buyer by it (BT-49).

use reqwest::Method;
use serde_json::json;

use crate::api::{call, token};
use crate::helpers::TestApp;

#[tokio::test]
async fn a_customers_participant_id_is_checked_derived_and_on_the_e_invoice() {
    let app = TestApp::spawn().await;
    let (client, token) = token(&app, "peppol@seller.example", "write").await;
    let customer = |peppol_id: &str| {
        json!({"kind": "business", "name": "Kauppa Oy", "country": "FI", "currency": "EUR",
               "vat_number": "FI02012566", "address_line": "Mannerheimintie 1", "postal_code": "00100",
               "city": "Helsinki", "peppol_id": peppol_id})
    };
    // Refused with the reason: a scheme Peppol removed, a wrong check digit, no scheme.
    for (typed, says) in [
        ("0213:FI02012566", "stopped using"),
        ("0192:987654324", "wrong check digit"),
        ("987654325", "scheme code, a colon"),
        ("9999:1", "does not know"),
    ] {
        let (status, body, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(customer(typed))).await;
        assert_eq!(status, 422, "{typed}: {body}");
        assert!(body.to_string().contains(says), "{typed}: {body}");
    }
    // Left empty: derived from the VAT number (Finland's OVT scheme, 0216).
    let (status, derived, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(customer(""))).await;
    assert_eq!(status, 201, "{derived}");
    assert_eq!(derived["peppol_participant"], "0216:003702012566");
    // Typed: kept as the scheme writes it, and used.
    let (status, typed, _) =
        call(&app, &token, Method::POST, "/api/v1/customers", Some(customer("0088:7300010000001"))).await;
    assert_eq!(status, 201, "{typed}");
    assert_eq!(
        (typed["peppol_id"].as_str(), typed["peppol_participant"].as_str()),
        (Some("0088:7300010000001"), Some("0088:7300010000001"))
    );

    let line = json!([{"description": "Audit", "quantity": "1", "unit_price": "100", "vat_category": "S", "vat_rate": "25.5"}]);
    for (customer, scheme, id) in [(&derived, "0216", "003702012566"), (&typed, "0088", "7300010000001")] {
        let (_, invoice, _) = call(
            &app,
            &token,
            Method::POST,
            "/api/v1/invoices",
            Some(json!({"customer_id": customer["id"], "lines": line})),
        )
        .await;
        let path = format!("/api/v1/invoices/{}", invoice["id"].as_str().unwrap());
        let (status, issued, _) = call(&app, &token, Method::POST, &format!("{path}/issue"), None).await;
        assert!(status.is_success(), "{issued}");
        let ubl =
            client.get(app.url(&format!("/invoices/{}/ubl", invoice["id"].as_str().unwrap()))).send().await.unwrap();
        let ubl = ubl.text().await.unwrap();
        let buyer = ubl.split("<cac:AccountingCustomerParty>").nth(1).unwrap();
        assert!(buyer.contains(&format!(r#"<cbc:EndpointID schemeID="{scheme}">{id}</cbc:EndpointID>"#)), "{buyer}");
    }
}
