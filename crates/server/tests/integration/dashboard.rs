//! The dashboard as the owner opens it: what needs attention (overdue, unsent, drafts),
//! money received per month and what is owed by age, drawn without script; and the
//! customer's page with their balance, documents, payments and account statement.

use time::Duration;

use crate::{
    helpers::{TestApp, new_client, pdf_text},
    invoicing::{new_draft, pay, save_draft, set_up_business},
};

#[tokio::test]
async fn the_dashboard_says_what_needs_attention_and_charts_the_money() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@dashboard.example", "EUR").await;
    let empty = app.get(&owner, "/").await.text().await.unwrap();
    assert!(empty.contains("Nothing needs your attention"), "{empty}");

    // Two invoices issued 40 days ago (due after 14): one paid then, one still open.
    let start = app.clock_now();
    app.clock.set(start - Duration::days(40));
    let paid = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &paid, &customer, "EUR", &[["Design", "1", "100", "S", "24"]], "issue").await;
    assert_eq!(pay(&app, &owner, &paid, "124").await.status(), 303);
    let late = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &late, &customer, "EUR", &[["Design", "2", "100", "S", "24"]], "issue").await;
    app.clock.set(start);
    new_draft(&app, &owner, &customer, "net").await;

    let page = app.get(&owner, "/").await.text().await.unwrap();
    assert!(page.contains("1 overdue invoice"), "{page}");
    assert!(page.contains("2 issued documents not sent or shared yet"), "{page}");
    assert!(page.contains("1 draft waiting"), "{page}");
    assert!(page.contains(r#"data-chart="paid-EUR""#) && page.contains("124.00 EUR"), "{page}");
    let aging = page.split(r#"data-chart="aging-EUR""#).nth(1).unwrap();
    // 248.00 EUR is 26 days late (due 14 days after issue, 40 days ago).
    let late_row = aging.split("<tr>").find(|row| row.contains("1–30 days late")).unwrap();
    assert!(late_row.contains("248.00 EUR"), "{late_row}");
    assert!(page.contains("Latest documents"));
    assert!(!page.contains("<script"), "the charts need no script");

    // The customer's page: what they owe, their documents and their payments.
    let customer_page = app.get(&owner, &format!("/customers/{customer}")).await.text().await.unwrap();
    let overview = customer_page.split("data-customer-overview").nth(1).unwrap();
    assert!(overview.contains("<strong>248.00 EUR</strong>"), "the balance: {overview}");
    assert_eq!(overview.matches("data-customer-document").count(), 3, "two invoices and a draft");
    assert!(overview.contains("124.00 EUR") && overview.contains("Bank transfer"), "the payment: {overview}");
    assert!(customer_page.contains(r#"name="name""#), "the form is still there");
}

#[tokio::test]
async fn a_customer_statement_lists_every_entry_with_the_running_balance() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@statement.example", "EUR").await;
    let year = app.clock_now().year();
    let first = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &first, &customer, "EUR", &[["Design", "1", "100", "S", "24"]], "issue").await;
    assert_eq!(pay(&app, &owner, &first, "124").await.status(), 303);
    let second = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &second, &customer, "EUR", &[["Design", "2", "100", "S", "24"]], "issue").await;
    assert_eq!(pay(&app, &owner, &second, "48").await.status(), 303);
    new_draft(&app, &owner, &customer, "net").await;

    let page = app.get(&owner, &format!("/customers/{customer}")).await.text().await.unwrap();
    assert!(page.contains(&format!(r#"href="/customers/{customer}/statement""#)), "{page}");
    let response = app.get(&owner, &format!("/customers/{customer}/statement")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("inline; filename=\"statement-"));
    let text = pdf_text(&response.bytes().await.unwrap());
    for expected in [
        "STATEMENT".to_owned(),
        format!("Invoice {year}-0001"),
        format!("Invoice {year}-0002"),
        format!("Payment for {year}-0002"),
        "372.00".to_owned(),
        "Balance due".to_owned(),
        "200.00 EUR".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected} missing from the statement: {text}");
    }
    assert_eq!(text.matches("Invoice ").count(), 2, "the draft is not on it: {text}");

    // Another business cannot read it.
    let stranger = new_client();
    set_up_business(&app, &stranger, "other@statement.example", "EUR").await;
    assert_eq!(app.get(&stranger, &format!("/customers/{customer}/statement")).await.status(), 404);
}

/// The dashboard reads in a read-only transaction of its own. Requests the client gives
/// up on at any point (here: timeouts from 1 to 40 ms) must not leave a connection in the
/// pool inside that transaction: writes on it would fail from then on.
#[tokio::test]
async fn dashboards_abandoned_mid_way_leave_no_connection_inside_their_transaction() {
    let app = TestApp::spawn().await;
    let client = new_client();
    app.log_in(&client, "impatient@dashboard.example").await;
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 200);
    for round in 0..4u64 {
        let abandoned = (1..=40u64).map(|ms| {
            let request = client.get(app.url("/")).timeout(std::time::Duration::from_millis(ms + round)).send();
            async move {
                let _ = request.await;
            }
        });
        futures::future::join_all(abandoned).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let stuck: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND state LIKE 'idle in transaction%' AND state_change < now() - interval '300 milliseconds'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stuck, 0, "no connection was left inside a transaction");
    // And the pool still serves writes: every connection is used by a burst of changes.
    let forms: Vec<[(&str, String); 2]> =
        (0..24).map(|n| [("name", format!("after {n}")), ("scope", "read".to_owned())]).collect();
    let changes = forms.iter().map(|form| client.post(app.url("/settings/api-tokens")).form(form).send());
    for response in futures::future::join_all(changes).await {
        assert_eq!(response.unwrap().status(), 200, "a write after the abandoned reads succeeds");
    }
}
