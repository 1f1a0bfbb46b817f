//! "Issue and send automatically" on a recurring invoice: on its date the new invoice
//! is issued and emailed to the customer without a click; when it cannot be (here:
//! the customer has no usable address) it stays a draft and uses no number.

use fastfaktura::app::invoicing::create_due_recurring;

use crate::{
    helpers::{TestApp, new_client},
    sms::issued_invoice,
};

async fn invoices(app: &TestApp) -> Vec<(String, Option<String>)> {
    sqlx::query_as("SELECT status, number FROM invoices ORDER BY created_at, number").fetch_all(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_recurring_invoice_set_to_send_is_issued_and_emailed_on_its_date() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "monthly@recurring.example").await;
    let started =
        app.post_form(&owner, &format!("/invoices/{id}/recurring"), &[("every_months", "1"), ("auto_send", "1")]).await;
    assert_eq!(started.status(), 303);
    let list = app.get(&owner, "/invoices/recurring").await.text().await.unwrap();
    assert!(list.contains("data-auto-send"), "the list says it sends itself");

    app.clock.advance(time::Duration::days(32));
    assert_eq!(create_due_recurring(&app.worker, app.clock_now()).await.unwrap(), 1);
    let all = invoices(&app).await;
    assert_eq!(all.len(), 2);
    let (status, number) = &all[1];
    assert_eq!(status, "issued", "issued without a click");
    let number = number.clone().unwrap();
    let mail = app
        .smtp
        .wait_for_matching(1, |m| m.header("subject").is_some_and(|s| s.contains(&number)))
        .await
        .pop()
        .unwrap();
    assert_eq!(mail.to, vec!["billing@acme.example"]);
    assert!(mail.body().contains("/i/"), "with the customer link");
    let kind: String = sqlx::query_scalar("SELECT kind FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();
    assert_eq!(kind, "recurring", "recorded as an automatic dispatch");
    let who: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT requested_by FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();
    assert_eq!(who, None, "nobody clicked");
}

#[tokio::test]
async fn a_recurring_invoice_that_cannot_be_sent_stays_a_draft_and_uses_no_number() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "nomail@recurring.example").await;
    app.post_form(&owner, &format!("/invoices/{id}/recurring"), &[("every_months", "1"), ("auto_send", "1")]).await;
    sqlx::query("UPDATE customers SET email = ''").execute(&app.db).await.unwrap();
    app.clock.advance(time::Duration::days(32));
    assert_eq!(create_due_recurring(&app.worker, app.clock_now()).await.unwrap(), 1);
    let all = invoices(&app).await;
    assert_eq!(all[1], ("draft".to_owned(), None), "left as a draft for a person to look at");
    let deliveries: i64 =
        sqlx::query_scalar("SELECT count(*) FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();
    assert_eq!(deliveries, 0);
    let last: i64 = sqlx::query_scalar("SELECT last_number FROM numbering_series WHERE kind = 'invoice'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(last, 1, "the rolled-back issue took no number");
}
