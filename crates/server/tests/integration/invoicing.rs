//! The invoicing core as a user meets it: business profile, customers, drafts with
//! totals, issuing with gap-free numbers, payments, credit notes, immutability,
//! conflicts, tenant isolation and bad input.

use std::sync::Arc;

use fastfaktura::{app::invoicing, db};
use fastfaktura_domain::{Currency, Decimal, InvoiceKind, PriceEntry};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::helpers::{TestApp, new_client};

/// Signs `client` in, fills the business profile and adds one customer; returns its id.
pub(crate) async fn set_up_business(app: &TestApp, client: &reqwest::Client, email: &str, currency: &str) -> String {
    app.log_in(client, email).await;
    let saved = app
        .post_form(
            client,
            "/settings/business",
            &[
                ("name", "Fjörður ehf."),
                ("address_line", "Laugavegur 1"),
                ("postal_code", "101"),
                ("city", "Reykjavík"),
                ("country", "IS"),
                ("vat_number", "12345"),
                ("registration_id", "590269-7199"),
                ("iban", "IS14 0159 2600 7654 5510 7303 39"),
                ("bic", "NBIIISRE"),
                ("default_currency", currency),
                ("payment_terms_days", "14"),
                ("invoice_language", "is"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let created = app
        .post_form(
            client,
            "/customers",
            &[
                ("kind", "business"),
                ("name", "Acme AB"),
                ("email", "billing@acme.example"),
                ("phone", "+46 8 123 456"),
                ("vat_number", "SE556012345601"),
                ("country", "SE"),
                ("language", "en"),
                ("currency", currency),
            ],
        )
        .await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    let list = app.get(client, "/customers").await.text().await.unwrap();
    let marker = "<td class=\"lead\"><a href=\"/customers/";
    let start = list.find(marker).expect("a customer link") + marker.len();
    list[start..start + 36].to_owned()
}

/// Creates a draft for `customer` and returns its id.
pub(crate) async fn new_draft(app: &TestApp, client: &reqwest::Client, customer: &str, price_entry: &str) -> String {
    let response = app.post_form(client, "/invoices", &[("customer_id", customer), ("price_entry", price_entry)]).await;
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().trim_start_matches("/invoices/").to_owned()
}

pub(crate) async fn save_draft(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    customer: &str,
    currency: &str,
    lines: &[[&str; 5]],
    action: &str,
) -> reqwest::Response {
    let page = app.get(client, &format!("/invoices/{id}")).await.text().await.unwrap();
    let version =
        page.split("name=\"version\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("1").to_owned();
    let mut form: Vec<(String, String)> = vec![
        ("version".into(), version),
        ("customer_id".into(), customer.into()),
        ("currency".into(), currency.into()),
        ("price_entry".into(), if page.contains("value=\"gross\" selected") { "gross" } else { "net" }.into()),
        ("discount_percent".into(), String::new()),
        ("note".into(), "Thank you!".into()),
        ("action".into(), action.into()),
    ];
    for (i, [description, quantity, unit_price, category, rate]) in lines.iter().enumerate() {
        for (name, value) in [
            ("description", *description),
            ("quantity", *quantity),
            ("unit", "pcs"),
            ("unit_price", *unit_price),
            ("vat_category", *category),
            ("vat_rate", *rate),
        ] {
            form.push((format!("lines[{i}][{name}]"), value.to_owned()));
        }
    }
    client.post(app.url(&format!("/invoices/{id}"))).form(&form).send().await.unwrap()
}

pub(crate) async fn pay(app: &TestApp, client: &reqwest::Client, id: &str, amount: &str) -> reqwest::Response {
    let today = app.clock_now().date().to_string();
    let form = [("paid_on", today.as_str()), ("amount", amount), ("method", "bank_transfer"), ("reference", "RF18")];
    app.post_form(client, &format!("/invoices/{id}/payments"), &form).await
}

#[tokio::test]
async fn a_user_invoices_gets_paid_and_corrects_with_a_credit_note() {
    let app = TestApp::spawn().await;
    let client = &app.client;
    let customer = set_up_business(&app, client, "owner@fjordur.example", "EUR").await;
    let settings = app.get(client, "/settings/business").await.text().await.unwrap();
    assert!(settings.contains("IS140159260076545510730339"));

    let id = new_draft(&app, client, &customer, "net").await;
    let saved = save_draft(
        &app,
        client,
        &id,
        &customer,
        "EUR",
        &[["Design work", "10", "85", "S", "24"], ["Hosting", "1", "20.50", "AE", "0"]],
        "save",
    )
    .await;
    assert_eq!(saved.status(), 303);
    let draft = app.get(client, &format!("/invoices/{id}")).await.text().await.unwrap();
    // 850.00 + 20.50; VAT 24 % of 850 = 204.00; total 1,074.50
    assert!(draft.contains("1,074.50 EUR"), "{draft}");
    assert!(draft.contains("Reverse charge"));

    let issued = save_draft(
        &app,
        client,
        &id,
        &customer,
        "EUR",
        &[["Design work", "10", "85", "S", "24"], ["Hosting", "1", "20.50", "AE", "0"]],
        "issue",
    )
    .await;
    assert_eq!(issued.status(), 303);
    let view = app.get(client, &format!("/invoices/{id}")).await.text().await.unwrap();
    let year = app.clock_now().year();
    assert!(view.contains(&format!("Invoice {year}-0001")), "{view}");
    assert!(view.contains(">Issued<"));

    // Editing an issued invoice is refused, in the app and in the database.
    let edit = save_draft(&app, client, &id, &customer, "EUR", &[["Other", "1", "1", "S", "24"]], "save").await;
    assert_eq!(edit.status(), 409);
    assert!(edit.text().await.unwrap().contains("Issued invoices cannot change; create a credit note"));
    let tampered = sqlx::query("UPDATE invoices SET payable = 1 WHERE id = $1")
        .bind(id.parse::<Uuid>().unwrap())
        .execute(&app.db)
        .await;
    assert!(tampered.unwrap_err().to_string().contains("issued invoices cannot change"));
    let tampered_line = sqlx::query("UPDATE invoice_lines SET unit_price = 1 WHERE invoice_id = $1")
        .bind(id.parse::<Uuid>().unwrap())
        .execute(&app.db)
        .await;
    assert!(tampered_line.is_err());

    // Partial payment, an overpayment refused, then the rest.
    assert_eq!(pay(&app, client, &id, "500").await.status(), 303);
    assert!(app.get(client, &format!("/invoices/{id}")).await.text().await.unwrap().contains("Partially paid"));
    let over = pay(&app, client, &id, "600").await;
    assert_eq!(over.status(), 422);
    assert!(over.text().await.unwrap().contains("Only 574.50 EUR is still open"));
    assert_eq!(pay(&app, client, &id, "574.50").await.status(), 303);
    assert!(app.get(client, &format!("/invoices/{id}")).await.text().await.unwrap().contains(">Paid<"));
    let dashboard = app.get(client, "/").await.text().await.unwrap();
    assert!(dashboard.contains("data-figure=\"paid-EUR\">1,074.50 EUR"), "{dashboard}");

    // A second invoice, fully credited: the credit note gets its own series and voids it.
    let second = new_draft(&app, client, &customer, "net").await;
    assert_eq!(
        save_draft(&app, client, &second, &customer, "EUR", &[["Consulting", "2", "100", "S", "24"]], "issue")
            .await
            .status(),
        303
    );
    let credit = app.post_form(client, &format!("/invoices/{second}/credit-note"), &[]).await;
    assert_eq!(credit.status(), 303);
    let credit_id = credit.headers()["location"].to_str().unwrap().trim_start_matches("/invoices/").to_owned();
    let credit_draft = app.get(client, &format!("/invoices/{credit_id}")).await.text().await.unwrap();
    assert!(credit_draft.contains("Draft credit note") && credit_draft.contains("Consulting"));
    let issued_credit =
        save_draft(&app, client, &credit_id, &customer, "EUR", &[["Consulting", "2", "100", "S", "24"]], "issue").await;
    assert_eq!(issued_credit.status(), 303);
    let credit_view = app.get(client, &format!("/invoices/{credit_id}")).await.text().await.unwrap();
    assert!(credit_view.contains(&format!("KR-{year}-0001")), "{credit_view}");
    assert!(app.get(client, &format!("/invoices/{second}")).await.text().await.unwrap().contains(">Credited<"));
    let list = app.get(client, "/invoices").await.text().await.unwrap();
    assert!(list.contains(&format!("{year}-0002")) && list.contains(r#"status-credit-note">Credit note<"#), "{list}");
    // An issued credit note's status says what it is; the kind's badge is only for its draft.
    assert!(!list.contains(">credit note<"), "{list}");
}

#[tokio::test]
async fn a_fixed_gross_price_is_invoiced_exactly() {
    let app = TestApp::spawn().await;
    let customer = set_up_business(&app, &app.client, "gross@fjordur.example", "EUR").await;
    let id = new_draft(&app, &app.client, &customer, "gross").await;
    let issued =
        save_draft(&app, &app.client, &id, &customer, "EUR", &[["Annual fee", "1", "500", "S", "24"]], "issue").await;
    assert_eq!(issued.status(), 303);
    let view = app.get(&app.client, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(view.contains("data-total>500.00 EUR"), "{view}");
    assert!(view.contains("Rounding"));
    let payable: Decimal = sqlx::query_scalar("SELECT payable FROM invoices").fetch_one(&app.db).await.unwrap();
    assert_eq!(payable, Decimal::from(500));
}

#[tokio::test]
async fn isk_invoices_show_no_decimals() {
    let app = TestApp::spawn().await;
    let customer = set_up_business(&app, &app.client, "isk@fjordur.example", "ISK").await;
    let id = new_draft(&app, &app.client, &customer, "net").await;
    save_draft(&app, &app.client, &id, &customer, "ISK", &[["Vinna", "3", "12500", "S", "24"]], "issue").await;
    let view = app.get(&app.client, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(view.contains("data-total>46,500 ISK"), "{view}");
}

#[tokio::test]
async fn two_hundred_concurrent_issues_get_exactly_the_numbers_one_to_two_hundred() {
    let app = TestApp::spawn().await;
    let customer = set_up_business(&app, &app.client, "many@fjordur.example", "EUR").await;
    let customer: Uuid = customer.parse().unwrap();
    let business_id: Uuid = sqlx::query_scalar("SELECT id FROM businesses").fetch_one(&app.db).await.unwrap();
    let mut drafts = Vec::new();
    for _ in 0..200 {
        let mut tx = app.db.begin().await.unwrap();
        let id = db::invoices::create_draft(
            &mut tx,
            business_id,
            db::invoices::NewDraft {
                kind: InvoiceKind::Invoice,
                customer_id: customer,
                currency: Currency::EUR,
                price_entry: PriceEntry::Net,
                credited_invoice_id: None,
            },
            app.clock_now(),
        )
        .await
        .unwrap();
        let line = db::invoices::Line {
            description: "Item".into(),
            quantity: Decimal::ONE,
            unit: String::new(),
            unit_price: Decimal::from(10),
            discount_percent: Decimal::ZERO,
            vat_category: "S".into(),
            vat_rate: Decimal::from(24),
            exemption_reason: String::new(),
        };
        db::invoices::insert_lines(&mut tx, business_id, id, &[line]).await.unwrap();
        tx.commit().await.unwrap();
        drafts.push(id);
    }
    // A number taken in a transaction that rolls back leaves no gap.
    let mut tx = app.db.begin().await.unwrap();
    db::invoices::take_number(&mut tx, business_id, InvoiceKind::Invoice, app.clock_now().year()).await.unwrap();
    tx.rollback().await.unwrap();

    let connections = Arc::new(Semaphore::new(8));
    let tasks: Vec<_> = drafts
        .into_iter()
        .map(|id| {
            let state = app.state.clone();
            let connections = connections.clone();
            tokio::spawn(async move {
                let _permit = connections.acquire().await.unwrap();
                invoicing::issue_at(&state.db, state.clock.now(), business_id, id).await.unwrap()
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let mut seqs: Vec<i64> =
        sqlx::query_scalar("SELECT number_seq FROM invoices WHERE status = 'issued'").fetch_all(&app.db).await.unwrap();
    seqs.sort();
    assert_eq!(seqs, (1..=200).collect::<Vec<i64>>());
}

#[tokio::test]
async fn a_stale_draft_save_is_refused_with_a_clear_conflict() {
    let app = TestApp::spawn().await;
    let customer = set_up_business(&app, &app.client, "conflict@fjordur.example", "EUR").await;
    let id = new_draft(&app, &app.client, &customer, "net").await;
    let page = app.get(&app.client, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("name=\"version\" value=\"1\""));
    assert_eq!(
        save_draft(&app, &app.client, &id, &customer, "EUR", &[["First", "1", "1", "S", "24"]], "save").await.status(),
        303
    );
    // A second tab still holding version 1.
    let stale = app
        .client
        .post(app.url(&format!("/invoices/{id}")))
        .form(&[
            ("version", "1"),
            ("customer_id", customer.as_str()),
            ("currency", "EUR"),
            ("price_entry", "net"),
            ("action", "save"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.unwrap().contains("Someone else saved this draft"));
    let kept = app.get(&app.client, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(kept.contains("value=\"First\""), "the newer save is not lost");
}

#[tokio::test]
async fn bad_input_gets_messages_naming_the_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let customer = set_up_business(&app, &app.client, "bad@fjordur.example", "EUR").await;
    let id = new_draft(&app, &app.client, &customer, "net").await;
    for (line, message) in [
        (["Returned", "-1", "10", "S", "24"], "Line 1: quantity must not be negative on an invoice"),
        (["Cheap", "1", "0.123456", "S", "24"], "Line 1: unit price can have at most 4 decimal places"),
        (["", "1", "10", "S", "24"], "Line 1: description is required"),
        (["Rate", "1", "10", "S", "0"], "Line 1: VAT rate must be above 0 % in the standard category (S)"),
        (["Exempt", "1", "10", "E", "0"], "Line 1: exemption reason must say why the line is exempt from VAT"),
        (["Huge", "1000000000000", "1000000000000", "S", "24"], "Line 1: amount is too large"),
    ] {
        let response = save_draft(&app, &app.client, &id, &customer, "EUR", &[line], "save").await;
        assert_eq!(response.status(), 422, "{message}");
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{message} not in {html}");
    }
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM invoice_lines").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, 0);
    // Issuing an empty draft.
    let empty = save_draft(&app, &app.client, &id, &customer, "EUR", &[], "issue").await;
    assert_eq!(empty.status(), 422);
    assert!(empty.text().await.unwrap().contains("Add at least one line"));

    for (field, value, message) in [
        ("currency", "XYZ", "is not a currency we support"),
        ("vat_number", "123", "a VAT id from SE starts with SE"),
        ("phone", "5551234", "international form"),
        ("email", "nope", "does not look like an email address"),
    ] {
        let mut form =
            vec![("kind", "business"), ("name", "Beta"), ("country", "SE"), ("language", "en"), ("currency", "EUR")];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let response = app.post_form(&app.client, "/customers", &form).await;
        assert_eq!(response.status(), 422, "{field}");
        assert!(response.text().await.unwrap().contains(message), "{field}");
    }
    let bad_iban = app
        .post_form(
            &app.client,
            "/settings/business",
            &[
                ("name", "X"),
                ("country", "IS"),
                ("iban", "IS14 0159 2600 7654 5510 7303 38"),
                ("default_currency", "EUR"),
                ("payment_terms_days", "14"),
                ("invoice_language", "en"),
            ],
        )
        .await;
    assert_eq!(bad_iban.status(), 422);
    assert!(bad_iban.text().await.unwrap().contains("IBAN has a wrong check digit"));

    // Issue, then pay on a date that does not exist.
    save_draft(&app, &app.client, &id, &customer, "EUR", &[["Fine", "1", "10", "S", "24"]], "issue").await;
    let bad_date = app
        .post_form(
            &app.client,
            &format!("/invoices/{id}/payments"),
            &[("paid_on", "2026-02-30"), ("amount", "1"), ("method", "cash")],
        )
        .await;
    assert_eq!(bad_date.status(), 422);
    assert!(bad_date.text().await.unwrap().contains("Date must be a real date"));
    let payments: i64 = sqlx::query_scalar("SELECT count(*) FROM payments").fetch_one(&app.db).await.unwrap();
    assert_eq!(payments, 0);
}

#[tokio::test]
async fn one_business_cannot_reach_anothers_objects() {
    let app = TestApp::spawn().await;
    let alice = new_client();
    let mallory = new_client();
    let customer = set_up_business(&app, &alice, "alice@a.example", "EUR").await;
    let invoice = new_draft(&app, &alice, &customer, "net").await;
    set_up_business(&app, &mallory, "mallory@m.example", "EUR").await;
    for path in [format!("/customers/{customer}"), format!("/invoices/{invoice}")] {
        assert_eq!(app.get(&mallory, &path).await.status(), 404, "{path}");
        assert_eq!(app.get(&alice, &path).await.status(), 200, "{path}");
    }
    for path in [
        format!("/customers/{customer}"),
        format!("/customers/{customer}/archive"),
        format!("/invoices/{invoice}"),
        format!("/invoices/{invoice}/payments"),
        format!("/invoices/{invoice}/credit-note"),
    ] {
        let response = app.post_form(&mallory, &path, &[("name", "Hijack"), ("action", "delete")]).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    // Mallory cannot invoice Alice's customer either.
    let response = app.post_form(&mallory, "/invoices", &[("customer_id", customer.as_str())]).await;
    assert_eq!(response.status(), 422);
    assert_eq!(app.get(&mallory, "/invoices/not-a-uuid").await.status(), 404);
    let still_there: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices").fetch_one(&app.db).await.unwrap();
    assert_eq!(still_there, 1);
}

#[tokio::test]
async fn catalogue_items_are_added_to_a_draft_with_their_defaults() {
    let app = TestApp::spawn().await;
    let client = &app.client;
    let customer = set_up_business(&app, client, "catalogue@fjordur.example", "EUR").await;
    let bad = app
        .post_form(
            client,
            "/products",
            &[("name", "Hosting"), ("unit_price", "-5"), ("vat_category", "S"), ("vat_rate", "24")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("Price must not be negative"));
    let created = app
        .post_form(
            client,
            "/products",
            &[
                ("name", "Hosting"),
                ("unit", "month"),
                ("unit_price", "29.90"),
                ("vat_category", "S"),
                ("vat_rate", "24"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let product_id: Uuid = sqlx::query_scalar("SELECT id FROM products").fetch_one(&app.db).await.unwrap();
    let listed = app.get(client, "/products?q=host").await.text().await.unwrap();
    assert!(listed.contains("Hosting") && listed.contains(">29.9<"), "{listed}");
    // Prices and rates as the reader writes numbers.
    let listed_is = app.page_in(client, "/products", "is").await;
    assert!(listed_is.contains(">29,9<") && listed_is.contains("S 24%"), "{listed_is}");
    let id = new_draft(&app, client, &customer, "net").await;
    let response = app
        .client
        .post(app.url(&format!("/invoices/{id}")))
        .form(&[
            ("version", "1"),
            ("customer_id", customer.as_str()),
            ("currency", "EUR"),
            ("price_entry", "net"),
            ("add_product", &product_id.to_string()),
            ("action", "save"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let draft = app.get(client, &format!("/invoices/{id}")).await.text().await.unwrap();
    // 29.90 + 24 % = 37.08 (7.176 rounds to 7.18)
    assert!(draft.contains("value=\"Hosting\"") && draft.contains("data-total>37.08 EUR"), "{draft}");
    // Archived products leave the catalogue; another business cannot see them.
    assert_eq!(app.post_form(client, &format!("/products/{product_id}/archive"), &[]).await.status(), 303);
    assert!(!app.get(client, "/products").await.text().await.unwrap().contains("Hosting"));
    let other = new_client();
    app.log_in(&other, "other@else.example").await;
    assert_eq!(app.get(&other, &format!("/products/{product_id}")).await.status(), 404);
}

#[tokio::test]
async fn a_quote_has_its_own_numbers_and_turns_into_an_invoice_once() {
    let app = TestApp::spawn().await;
    let client = &app.client;
    let customer = set_up_business(&app, client, "quotes@fjordur.example", "EUR").await;
    let response = app.post_form(client, "/invoices", &[("customer_id", customer.as_str()), ("kind", "quote")]).await;
    assert_eq!(response.status(), 303);
    let quote = response.headers()["location"].to_str().unwrap().trim_start_matches("/invoices/").to_owned();
    assert!(app.get(client, &format!("/invoices/{quote}")).await.text().await.unwrap().contains("Draft quote"));
    let issued =
        save_draft(&app, client, &quote, &customer, "EUR", &[["Website", "1", "2000", "S", "24"]], "issue").await;
    assert_eq!(issued.status(), 303);
    let view = app.get(client, &format!("/invoices/{quote}")).await.text().await.unwrap();
    let year = app.clock_now().year();
    assert!(view.contains(&format!("Quote TB-{year}-0001")), "{view}");
    assert!(!view.contains("Record a payment"), "quotes take no payments");
    let converted = app.post_form(client, &format!("/invoices/{quote}/convert"), &[]).await;
    assert_eq!(converted.status(), 303);
    let invoice = converted.headers()["location"].to_str().unwrap().trim_start_matches("/invoices/").to_owned();
    let draft = app.get(client, &format!("/invoices/{invoice}")).await.text().await.unwrap();
    assert!(draft.contains("Draft invoice") && draft.contains("value=\"Website\"") && draft.contains("2,480.00 EUR"));
    assert_eq!(
        save_draft(&app, client, &invoice, &customer, "EUR", &[["Website", "1", "2000", "S", "24"]], "issue")
            .await
            .status(),
        303
    );
    assert!(
        app.get(client, &format!("/invoices/{invoice}"))
            .await
            .text()
            .await
            .unwrap()
            .contains(&format!("Invoice {year}-0001"))
    );
    let again = app.post_form(client, &format!("/invoices/{quote}/convert"), &[]).await;
    assert_eq!(again.status(), 409);
    assert!(
        app.get(client, &format!("/invoices/{quote}"))
            .await
            .text()
            .await
            .unwrap()
            .contains("This quote became invoice")
    );
    // Quotes do not count as money owed.
    let dashboard = app.get(client, "/").await.text().await.unwrap();
    assert!(dashboard.contains("data-figure=\"outstanding-EUR\">2,480.00 EUR"), "{dashboard}");
}

#[tokio::test]
async fn a_recurring_invoice_creates_one_draft_per_period() {
    let app = TestApp::spawn().await;
    let client = &app.client;
    let customer = set_up_business(&app, client, "monthly@fjordur.example", "EUR").await;
    let id = new_draft(&app, client, &customer, "net").await;
    save_draft(&app, client, &id, &customer, "EUR", &[["Retainer", "1", "1000", "S", "24"]], "issue").await;
    let bad = app.post_form(client, &format!("/invoices/{id}/recurring"), &[("every_months", "0")]).await;
    assert_eq!(bad.status(), 400);
    assert_eq!(
        app.post_form(client, &format!("/invoices/{id}/recurring"), &[("every_months", "1")]).await.status(),
        303
    );
    let listed = app.get(client, "/invoices/recurring").await.text().await.unwrap();
    assert!(listed.contains("1 month") && listed.contains("Acme AB"), "{listed}");
    let drafts = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM invoices WHERE status = 'draft'")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(invoicing::create_due_recurring(&app.worker, app.clock_now()).await.unwrap(), 0, "not due yet");
    app.clock.advance(time::Duration::days(32));
    assert_eq!(invoicing::create_due_recurring(&app.worker, app.clock_now()).await.unwrap(), 1);
    assert_eq!(invoicing::create_due_recurring(&app.worker, app.clock_now()).await.unwrap(), 0, "once per period");
    assert_eq!(drafts().await, 1);
    let lines: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.status = 'draft'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(lines, 1);
    let template: Uuid = sqlx::query_scalar("SELECT id FROM recurring_invoices").fetch_one(&app.db).await.unwrap();
    app.log_in(client, "monthly@fjordur.example").await; // a month later the session has long expired
    let stopped = app.post_form(client, &format!("/invoices/recurring/{template}/stop"), &[]).await;
    assert_eq!(stopped.headers()["location"], "/invoices/recurring");
    app.clock.advance(time::Duration::days(40));
    assert_eq!(invoicing::create_due_recurring(&app.worker, app.clock_now()).await.unwrap(), 0, "stopped");
}

#[tokio::test]
async fn the_invoice_list_filters_by_what_needs_attention() {
    let app = TestApp::spawn().await;
    let client = &app.client;
    let customer = set_up_business(&app, client, "filters@fjordur.example", "EUR").await;
    let line = [["Work", "1", "100", "S", "24"]];
    let paid = new_draft(&app, client, &customer, "net").await;
    save_draft(&app, client, &paid, &customer, "EUR", &line, "issue").await;
    assert_eq!(pay(&app, client, &paid, "124").await.status(), 303);
    let open = new_draft(&app, client, &customer, "net").await;
    save_draft(&app, client, &open, &customer, "EUR", &line, "issue").await;
    let draft = new_draft(&app, client, &customer, "net").await;
    let shown = |html: &str, id: &str| html.contains(&format!("/invoices/{id}\""));
    for (status, expect_paid, expect_open, expect_draft) in [
        ("", true, true, true),
        ("paid", true, false, false),
        ("open", false, true, false),
        ("draft", false, false, true),
        ("overdue", false, false, false),
    ] {
        let html = app.get(client, &format!("/invoices?status={status}")).await.text().await.unwrap();
        assert_eq!(
            (shown(&html, &paid), shown(&html, &open), shown(&html, &draft)),
            (expect_paid, expect_open, expect_draft),
            "{status}"
        );
    }
    // After the due date (14 days), the open one is overdue.
    app.clock.advance(time::Duration::days(15));
    app.log_in(client, "filters@fjordur.example").await;
    let html = app.get(client, "/invoices?status=overdue").await.text().await.unwrap();
    assert!(shown(&html, &open) && !shown(&html, &paid));
    assert!(html.contains(">Overdue<"));
}

#[tokio::test]
async fn the_owner_sets_the_numbering_pattern_and_the_counter_carries_on() {
    let app = TestApp::spawn().await;
    let client = &app.client;
    let customer = set_up_business(&app, client, "numbers@fjordur.example", "EUR").await;
    let year = app.clock_now().year();
    let first = new_draft(&app, client, &customer, "net").await;
    save_draft(&app, client, &first, &customer, "EUR", &[["A", "1", "1", "S", "24"]], "issue").await;
    let page = app.get(client, "/settings/numbering").await.text().await.unwrap();
    assert!(page.contains(&format!("data-next=\"invoice\">{year}-0002")), "{page}");
    let bad = app
        .post_form(client, "/settings/numbering", &[("kind", "invoice"), ("prefix", "IN V"), ("padding", "4")])
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("Prefix: at most 20 letters"));
    let saved =
        app.post_form(client, "/settings/numbering", &[("kind", "invoice"), ("prefix", "FJ-"), ("padding", "6")]).await;
    assert_eq!(saved.status(), 303);
    let second = new_draft(&app, client, &customer, "net").await;
    save_draft(&app, client, &second, &customer, "EUR", &[["B", "1", "1", "S", "24"]], "issue").await;
    let view = app.get(client, &format!("/invoices/{second}")).await.text().await.unwrap();
    assert!(view.contains("Invoice FJ-000002"), "no yearly reset, prefix and six digits: {view}");
}
