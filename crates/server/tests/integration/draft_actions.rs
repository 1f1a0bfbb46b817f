//! The steps around a draft that need a second look, as the owner meets them: issuing
//! after a confirmation with the number and a preview marked DRAFT, deleting after a
//! confirmation, copying a document as a new draft, and removing a payment recorded by
//! mistake (the owner only, kept in the audit log).

use uuid::Uuid;

use crate::{
    helpers::{TestApp, new_client, pdf_text},
    invoicing::{new_draft, pay, save_draft, set_up_business},
};

#[tokio::test]
async fn issuing_asks_first_with_the_number_and_a_preview_marked_draft() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "confirm@drafts.example", "EUR").await;
    let id = new_draft(&app, &owner, &customer, "net").await;
    let reviewed =
        save_draft(&app, &owner, &id, &customer, "EUR", &[["Design", "2", "100", "S", "24"]], "review").await;
    assert_eq!(reviewed.status(), 303);
    assert_eq!(reviewed.headers()["location"], format!("/invoices/{id}/issue"), "saved, then asked");
    let year = app.clock_now().year();
    let confirm = app.get(&owner, &format!("/invoices/{id}/issue")).await.text().await.unwrap();
    assert!(confirm.contains(&format!("{year}-0001")), "the number it will get: {confirm}");
    assert!(confirm.contains("248.00 EUR") && confirm.contains("Acme AB"), "{confirm}");
    let status: String = sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "draft", "nothing is issued by looking");

    let preview = app.get(&owner, &format!("/invoices/{id}/preview.pdf")).await;
    assert_eq!(preview.status(), 200);
    assert!(preview.headers()["content-disposition"].to_str().unwrap().starts_with("inline"));
    let text = pdf_text(&preview.bytes().await.unwrap());
    // The business writes Icelandic documents; the customer reads English.
    assert!(text.contains("DRAFT") && text.contains(&format!("{year}-0001")), "{text}");
    let stranger = new_client();
    set_up_business(&app, &stranger, "stranger@drafts.example", "EUR").await;
    assert_eq!(app.get(&stranger, &format!("/invoices/{id}/preview.pdf")).await.status(), 404);

    let issued = app.post_form(&owner, &format!("/invoices/{id}/issue"), &[]).await;
    assert_eq!(issued.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains(&format!("Invoice {year}-0001")), "{page}");
    assert_eq!(app.get(&owner, &format!("/invoices/{id}/issue")).await.status(), 409, "issued once");
    assert_eq!(app.get(&owner, &format!("/invoices/{id}/preview.pdf")).await.status(), 409);
}

#[tokio::test]
async fn a_draft_is_deleted_only_after_confirming_and_any_document_can_be_copied() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "delete@drafts.example", "EUR").await;
    let id = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &id, &customer, "EUR", &[["Design", "2", "100", "S", "24"]], "save").await;
    let editor = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(editor.contains(&format!(r#"href="/invoices/{id}/delete""#)), "a link to a confirmation, not a button");
    let confirm = app.get(&owner, &format!("/invoices/{id}/delete")).await.text().await.unwrap();
    assert!(confirm.contains("cannot be undone"), "{confirm}");

    // Copy it before deleting: same customer and lines, a new draft.
    let copied = app.post_form(&owner, &format!("/invoices/{id}/duplicate"), &[]).await;
    assert_eq!(copied.status(), 303);
    let copy = copied.headers()["location"].to_str().unwrap().trim_start_matches("/invoices/").to_owned();
    assert_ne!(copy, id);
    let copy_page = app.get(&owner, &format!("/invoices/{copy}")).await.text().await.unwrap();
    assert!(copy_page.contains(r#"value="Design""#) && copy_page.contains("248.00 EUR"), "{copy_page}");

    assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/delete"), &[]).await.status(), 303);
    assert_eq!(app.get(&owner, &format!("/invoices/{id}")).await.status(), 404);
    assert_eq!(app.get(&owner, &format!("/invoices/{copy}")).await.status(), 200, "the copy stays");
}

#[tokio::test]
async fn a_payment_recorded_by_mistake_is_removed_by_the_owner_and_audited() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@payments.example", "EUR").await;
    let id = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &id, &customer, "EUR", &[["Design", "1", "100", "S", "24"]], "issue").await;
    // Too much: the mistake is at the amount, what was typed stays, and the page lands
    // on the form.
    let refused = pay(&app, &owner, &id, "999").await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains(r#"data-field-error="amount""#) && page.contains(r#"value="999""#), "{page}");
    assert!(page.contains(r##"action="/invoices/"##) && page.contains(r##"/payments#record-payment""##));
    assert_eq!(pay(&app, &owner, &id, "124").await.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains(">Paid<"), "{page}");
    let payment: Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE invoice_id = $1::uuid")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();

    // A member may not remove it.
    app.post_form(&owner, "/settings/members", &[("email", "bob@payments.example"), ("role", "member")]).await;
    let bob = new_client();
    app.sign_in_and_join(&bob, "bob@payments.example").await;
    let path = format!("/invoices/{id}/payments/{payment}/remove");
    assert_eq!(app.post_form(&bob, &path, &[]).await.status(), 403);
    assert!(!app.get(&bob, &format!("/invoices/{id}")).await.text().await.unwrap().contains("data-remove-payment"));

    assert_eq!(app.post_form(&owner, &path, &[]).await.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("124.00 EUR") && !page.contains(">Paid<"), "open again: {page}");
    assert_eq!(app.post_form(&owner, &path, &[]).await.status(), 404, "removed once");
    let (action, details): (String, serde_json::Value) =
        sqlx::query_as("SELECT action, details FROM audit_events WHERE category = 'payment' ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(action, "payment.removed");
    assert_eq!(details["amount"], "124.0000");
}

#[tokio::test]
async fn the_editor_totals_follow_what_is_typed_without_saving() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "live@drafts.example", "EUR").await;
    let id = new_draft(&app, &owner, &customer, "net").await;
    let editor = app.get(&owner, &format!("/invoices/{id}")).await;
    let csp = editor.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe"), "{csp}");
    let list = app.get(&owner, "/invoices").await;
    assert!(!list.headers()["content-security-policy"].to_str().unwrap().contains("script-src"), "no script elsewhere");
    let page = editor.text().await.unwrap();
    let script = page.split("<script src=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    let served = app.get(&owner, &script).await;
    assert_eq!(served.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(served.text().await.unwrap().contains("data-totals-url"));

    // Three rows, the middle one blank, the third with a quantity the calculation rounds.
    let form = [
        ("customer_id", customer.as_str()),
        ("currency", "EUR"),
        ("price_entry", "net"),
        ("lines[0][description]", "Design"),
        ("lines[0][quantity]", "2"),
        ("lines[0][unit_price]", "100"),
        ("lines[0][vat_category]", "S"),
        ("lines[0][vat_rate]", "24"),
        ("lines[1][vat_category]", "S"),
        ("lines[2][description]", "Hosting"),
        ("lines[2][quantity]", "0.333"),
        ("lines[2][unit_price]", "10"),
        ("lines[2][vat_category]", "S"),
        ("lines[2][vat_rate]", "24"),
    ];
    let live = app.post_form(&owner, &format!("/invoices/{id}/totals"), &form).await;
    assert_eq!(live.status(), 200);
    let live: serde_json::Value = live.json().await.unwrap();
    assert_eq!(live["nets"], serde_json::json!(["200.00 EUR", "", "3.33 EUR"]));
    let html = live["totals_html"].as_str().unwrap();
    // 203.33 net, 48.80 VAT: the server's rounding, to the cent.
    assert!(html.contains("data-total>252.13 EUR<"), "{html}");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM invoice_lines WHERE invoice_id = $1::uuid")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing was saved");
    let mut wrong = form.to_vec();
    wrong[4] = ("lines[0][quantity]", "two");
    let live: serde_json::Value =
        app.post_form(&owner, &format!("/invoices/{id}/totals"), &wrong).await.json().await.unwrap();
    assert_eq!(live["nets"][0], "", "no amount for a line with a mistake");
}
