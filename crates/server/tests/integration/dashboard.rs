//! The dashboard as the owner opens it: what needs attention (overdue, unsent, drafts),
//! money received per month and what is owed by age, drawn without script.

use time::Duration;

use crate::{
    helpers::{TestApp, new_client},
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
