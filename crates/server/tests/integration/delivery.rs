//! Sending a document to the customer by email, as the owner and the customer meet it:
//! the mail arrives once with the PDF (and the e-invoices when asked), in the
//! customer's language, Reply-To the sender, with the customer link; a failing SMTP
//! server shows "delayed, retrying", then "failed" with the reason and a retry button.

use std::time::Duration;

use crate::{
    helpers::{TestApp, new_client},
    invoicing::{new_draft, save_draft, set_up_business},
};

async fn issued_invoice(app: &TestApp, owner: &reqwest::Client, email: &str) -> String {
    let customer = set_up_business(app, owner, email, "EUR").await;
    let id = new_draft(app, owner, &customer, "net").await;
    let lines = [["Vefhönnun", "4", "250", "S", "24"]];
    assert_eq!(save_draft(app, owner, &id, &customer, "EUR", &lines, "issue").await.status(), 303);
    id
}

/// The invoice page's delivery statuses, newest first.
async fn statuses(app: &TestApp, owner: &reqwest::Client, id: &str) -> Vec<String> {
    let page = app.get(owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    page.split("data-delivery-status>").skip(1).map(|s| s.split('<').next().unwrap().to_owned()).collect()
}

async fn wait_for_status(app: &TestApp, owner: &reqwest::Client, id: &str, prefix: &str) -> Vec<String> {
    for _ in 0..100 {
        let now = statuses(app, owner, id).await;
        if now.first().is_some_and(|s| s.starts_with(prefix)) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no delivery reached {prefix}: {:?}", statuses(app, owner, id).await);
}

#[tokio::test]
async fn send_emails_the_pdf_and_e_invoices_once_with_the_customer_link() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "sender@delivery.example").await;
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains(r#"value="billing@acme.example""#), "the customer's address is proposed");
    assert!(page.contains("Not sent yet."));

    let sent = app
        .post_form(
            &owner,
            &format!("/invoices/{id}/send"),
            &[("send_email", "1"), ("recipient", "billing@acme.example"), ("attach_xml", "1")],
        )
        .await;
    assert_eq!(sent.status(), 303);
    let is_invoice = |m: &crate::smtp_sink::ReceivedMail| m.to.iter().any(|t| t == "billing@acme.example");
    let mail = app.smtp.wait_for_matching(1, is_invoice).await.pop().unwrap();
    let subject = mail.header("subject").unwrap();
    assert!(subject.contains("2026-0001") || subject.contains("-0001"), "{subject}");
    assert_eq!(mail.header("reply-to").unwrap(), "sender@delivery.example");
    for part in ["application/pdf", "filename=\"invoice-", ".ubl.xml", ".cii.xml", "text/html", "text/plain"] {
        assert!(mail.data.contains(part), "{part} in the mail");
    }
    let body = mail.body();
    assert!(body.contains("/i/"), "the customer link is in the mail");
    assert!(body.contains("1,240.00 EUR"), "the amount due, as on the screen: {body}");
    wait_for_status(&app, &owner, &id, "Sent").await;
    // When, as the reader writes dates: `6 Dec 2026 18:48 UTC`, `6.12.2026 18:48 UTC`.
    let sent_at: time::OffsetDateTime =
        sqlx::query_scalar("SELECT sent_at FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();
    let at = |language| {
        use fastfaktura_domain::locale::date;
        format!("{} {:02}:{:02} UTC", date(sent_at.date(), language), sent_at.hour(), sent_at.minute())
    };
    let english = statuses(&app, &owner, &id).await;
    assert_eq!(english[0], format!("Sent {}", at(fastfaktura_domain::locale::Language::En)));
    let page_is = app.page_in(&owner, &format!("/invoices/{id}"), "is").await;
    assert!(page_is.contains(&at(fastfaktura_domain::locale::Language::Is)), "{page_is}");

    // The same delivery's job run again (a retry after a crash) sends nothing more.
    let (business_id, delivery_id): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT business_id, id FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    fastfaktura::jobs::enqueue(&mut tx, &fastfaktura::jobs::Job::DeliverInvoice { business_id, delivery_id })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for _ in 0..50 {
        let pending: i64 =
            sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status <> 'done'").fetch_one(&app.db).await.unwrap();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.smtp.mails().iter().filter(|m| is_invoice(m)).count(), 1, "exactly once");
}

#[tokio::test]
async fn bad_addresses_and_drafts_are_refused_and_nothing_is_queued() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "careful@delivery.example", "EUR").await;
    let draft = new_draft(&app, &owner, &customer, "net").await;
    let refused = app
        .post_form(&owner, &format!("/invoices/{draft}/send"), &[("send_email", "1"), ("recipient", "a@b.example")])
        .await;
    assert_eq!(refused.status(), 409);
    let id = issued_invoice(&app, &owner, "careful2@delivery.example").await;
    let bad = app
        .post_form(&owner, &format!("/invoices/{id}/send"), &[("send_email", "1"), ("recipient", "not an address")])
        .await;
    assert_eq!(bad.status(), 422, "a form error, shown in the form");
    let page = bad.text().await.unwrap();
    assert!(page.contains("data-send-error") && page.contains("Email address: that does not look like"));
    assert!(page.contains(r#"value="not an address""#), "what was typed is kept");
    let mallory = new_client();
    set_up_business(&app, &mallory, "mallory@delivery.example", "EUR").await;
    let foreign = app
        .post_form(&mallory, &format!("/invoices/{id}/send"), &[("send_email", "1"), ("recipient", "x@y.example")])
        .await;
    assert_eq!(foreign.status(), 404);
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();
    assert_eq!(queued, 0);
}

#[tokio::test]
async fn a_failing_mail_server_shows_retrying_then_failed_with_a_retry_that_delivers() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "unlucky@delivery.example").await;
    app.smtp.fail_next(1);
    app.post_form(
        &owner,
        &format!("/invoices/{id}/send"),
        &[("send_email", "1"), ("recipient", "billing@acme.example")],
    )
    .await;
    let shown = wait_for_status(&app, &owner, &id, "Delayed, retrying").await;
    assert!(shown[0].contains("451"), "the reason is shown: {shown:?}");

    // The last attempt fails too: the delivery is failed for good, with the reason.
    app.smtp.fail_next(1);
    sqlx::query("UPDATE jobs SET attempts = max_attempts - 1, run_at = now() WHERE status = 'pending'")
        .execute(&app.db)
        .await
        .unwrap();
    let shown = wait_for_status(&app, &owner, &id, "Failed").await;
    assert!(shown[0].contains("451"), "{shown:?}");
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    let marker = "/deliveries/";
    let start = page.find(marker).expect("a retry button") + marker.len();
    let delivery = &page[start..start + 36];
    let retried = app.post_form(&owner, &format!("/invoices/{id}/deliveries/{delivery}/retry"), &[]).await;
    assert_eq!(retried.status(), 303);
    wait_for_status(&app, &owner, &id, "Sent").await;
    let again = app.post_form(&owner, &format!("/invoices/{id}/deliveries/{delivery}/retry"), &[]).await;
    assert_eq!(again.status(), 409, "a sent delivery is not sent again");
    let garbage = app.post_form(&owner, &format!("/invoices/{id}/deliveries/not-an-id/retry"), &[]).await;
    assert_eq!(garbage.status(), 404, "a malformed id is not found, not a bare 400");
}
