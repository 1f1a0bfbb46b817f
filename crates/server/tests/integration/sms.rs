//! Sending by SMS as the owner and the customer meet it: the text arrives once at
//! 46elks or Twilio (local fakes speaking their wire formats) with the amount due and
//! the customer link; a provider that is down shows "delayed, retrying" then "failed"
//! with a retry button; a provider's refusal shows its reason at once; a number that
//! is not E.164, or no provider at all, is refused before anything is queued; and a
//! send left in doubt by a crash is settled from the provider's log, not sent twice.

use std::time::Duration;

use fastfaktura::integrations::{
    sms::{Credentials, Provider},
    sms_accounts,
};

use crate::{
    helpers::{TestApp, captured_logs, new_client},
    invoicing::{new_draft, save_draft, set_up_business},
    sms_fake::{Failure, FakeSms, Kind},
};

pub(crate) async fn app_with(kind: Kind) -> (TestApp, FakeSms) {
    let fake = FakeSms::start(kind).await;
    let url = fake.url.clone();
    let app = TestApp::spawn_with(|s| {
        s.sms.elks_base_url = url.clone();
        s.sms.twilio_base_url = url;
    })
    .await;
    (app, fake)
}

/// Sets the platform's SMS account to the fake's, as the operator would.
pub(crate) async fn use_platform_account(app: &TestApp, fake: &FakeSms) {
    let credentials = Credentials {
        provider: if fake.kind == Kind::Elks { Provider::Elks } else { Provider::Twilio },
        account: fake.account.clone(),
        secret: fake.secret.clone(),
        sender: "Faktura".into(),
    };
    let mut tx = app.db.begin().await.unwrap();
    sms_accounts::save(&mut tx, &app.state.keys.kek, None, &credentials, app.clock_now()).await.unwrap();
    tx.commit().await.unwrap();
}

pub(crate) async fn issued_invoice(app: &TestApp, owner: &reqwest::Client, email: &str) -> String {
    let customer = set_up_business(app, owner, email, "EUR").await;
    let id = new_draft(app, owner, &customer, "net").await;
    let lines = [["Vefhönnun", "4", "250", "S", "24"]];
    assert_eq!(save_draft(app, owner, &id, &customer, "EUR", &lines, "issue").await.status(), 303);
    id
}

/// The invoice page's delivery rows as (channel, status), newest first.
async fn rows(app: &TestApp, owner: &reqwest::Client, id: &str) -> Vec<(String, String)> {
    let page = app.get(owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    let cell = |s: &str, marker: &str| s.split(marker).nth(1).map(|r| r.split('<').next().unwrap().to_owned());
    page.split("<tr data-delivery>")
        .skip(1)
        .map(|row| (cell(row, "data-delivery-channel>").unwrap(), cell(row, "data-delivery-status>").unwrap()))
        .collect()
}

async fn wait_for_sms_status(app: &TestApp, owner: &reqwest::Client, id: &str, prefix: &str) -> String {
    for _ in 0..150 {
        if let Some((_, status)) = rows(app, owner, id).await.into_iter().find(|(c, _)| c == "SMS")
            && status.starts_with(prefix)
        {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no SMS delivery reached {prefix}: {:?}", rows(app, owner, id).await);
}

async fn wait_for_jobs(app: &TestApp) {
    for _ in 0..100 {
        let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status NOT IN ('done', 'failed')")
            .fetch_one(&app.db)
            .await
            .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("jobs did not finish");
}

async fn requeue_job(app: &TestApp, delivery_id: uuid::Uuid) {
    let business_id: uuid::Uuid = sqlx::query_scalar("SELECT business_id FROM invoice_deliveries WHERE id = $1")
        .bind(delivery_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    fastfaktura::jobs::enqueue(&mut tx, &fastfaktura::jobs::Job::DeliverInvoice { business_id, delivery_id })
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn send_by_email_and_sms_delivers_each_once_with_link_and_amount_due() {
    let (app, fake) = app_with(Kind::Elks).await;
    use_platform_account(&app, &fake).await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "both@sms.example").await;
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains(r#"value="+468123456""#), "the customer's mobile number is proposed");
    let sent = app
        .post_form(
            &owner,
            &format!("/invoices/{id}/send"),
            &[
                ("send_email", "1"),
                ("recipient", "billing@acme.example"),
                ("send_sms", "1"),
                ("phone", "+354 555 1234"),
            ],
        )
        .await;
    assert_eq!(sent.status(), 303);
    let sms = fake.wait_for(1).await.pop().unwrap();
    assert_eq!(sms.to, "+3545551234");
    assert_eq!(sms.from, "Faktura");
    assert!(sms.text.contains("/i/"), "the customer link: {}", sms.text);
    assert!(sms.text.contains("1,240.00 EUR"), "the amount due: {}", sms.text);
    assert!(sms.text.starts_with("Fjörður ehf.: invoice "), "in the customer's language (en): {}", sms.text);
    app.smtp.wait_for_matching(1, |m| m.to.iter().any(|t| t == "billing@acme.example")).await;
    wait_for_sms_status(&app, &owner, &id, "Sent").await;
    let (provider, message_id): (String, String) =
        sqlx::query_as("SELECT provider, provider_message_id FROM invoice_deliveries WHERE channel = 'sms'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((provider.as_str(), message_id.as_str()), ("46elks", sms.id.as_str()), "the dispatch is recorded");

    // The job run again for the sent delivery sends nothing more.
    let delivery: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM invoice_deliveries WHERE channel = 'sms'").fetch_one(&app.db).await.unwrap();
    requeue_job(&app, delivery).await;
    wait_for_jobs(&app).await;
    assert_eq!(fake.accepted().len(), 1, "exactly once");
    assert!(!captured_logs().contains(&fake.secret), "the provider secret is never logged");
}

#[tokio::test]
async fn a_provider_refusal_shows_its_reason_at_once_with_a_retry_button() {
    let (app, fake) = app_with(Kind::Twilio).await;
    use_platform_account(&app, &fake).await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "refused@sms.example").await;
    fake.fail_next(1, Failure::Reject);
    app.post_form(&owner, &format!("/invoices/{id}/send"), &[("send_sms", "1"), ("phone", "+3545551234")]).await;
    let status = wait_for_sms_status(&app, &owner, &id, "Failed").await;
    assert!(status.starts_with("Failed: Twilio refused the message (HTTP 400: The "), "{status}");
    assert!(status.ends_with("number +3545551234 is not a valid phone number. (error 21211))"), "{status}");
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(!page.contains(&fake.secret));
    let marker = "/deliveries/";
    let start = page.find(marker).expect("a retry button") + marker.len();
    let retried =
        app.post_form(&owner, &format!("/invoices/{id}/deliveries/{}/retry", &page[start..start + 36]), &[]).await;
    assert_eq!(retried.status(), 303);
    wait_for_sms_status(&app, &owner, &id, "Sent").await;
    assert_eq!(fake.accepted().len(), 1);
}

#[tokio::test]
async fn a_provider_that_is_down_shows_retrying_then_failed_and_retry_delivers() {
    let (app, fake) = app_with(Kind::Elks).await;
    use_platform_account(&app, &fake).await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "down@sms.example").await;
    fake.fail_next(1, Failure::Unavailable);
    app.post_form(&owner, &format!("/invoices/{id}/send"), &[("send_sms", "1"), ("phone", "+3545551234")]).await;
    let status = wait_for_sms_status(&app, &owner, &id, "Delayed, retrying").await;
    assert_eq!(status, "Delayed, retrying: 46elks is unavailable (HTTP 503)");

    fake.fail_next(1, Failure::Unavailable);
    sqlx::query("UPDATE jobs SET attempts = max_attempts - 1, run_at = now() WHERE status = 'pending'")
        .execute(&app.db)
        .await
        .unwrap();
    let status = wait_for_sms_status(&app, &owner, &id, "Failed").await;
    assert_eq!(status, "Failed: 46elks is unavailable (HTTP 503)");
    assert!(fake.accepted().is_empty());
    let delivery: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();
    let retried = app.post_form(&owner, &format!("/invoices/{id}/deliveries/{delivery}/retry"), &[]).await;
    assert_eq!(retried.status(), 303);
    wait_for_sms_status(&app, &owner, &id, "Sent").await;
    assert_eq!(fake.accepted().len(), 1);
}

#[tokio::test]
async fn numbers_that_are_not_e164_and_missing_providers_are_refused_before_queueing() {
    let (app, fake) = app_with(Kind::Elks).await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "careful@sms.example").await;
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("data-sms-unavailable"), "no provider: SMS is not offered");
    let no_provider =
        app.post_form(&owner, &format!("/invoices/{id}/send"), &[("send_sms", "1"), ("phone", "+3545551234")]).await;
    assert_eq!(no_provider.status(), 422);
    assert!(no_provider.text().await.unwrap().contains("SMS is not set up"));

    use_platform_account(&app, &fake).await;
    for bad in ["555 1234", "+354 555 CALL", "+0354 5551234", ""] {
        let refused = app
            .post_form(
                &owner,
                &format!("/invoices/{id}/send"),
                &[("send_email", "1"), ("recipient", "billing@acme.example"), ("send_sms", "1"), ("phone", bad)],
            )
            .await;
        assert_eq!(refused.status(), 422, "{bad}");
        let page = refused.text().await.unwrap();
        assert!(page.contains("data-send-error") && page.contains("international form"), "{bad}");
    }
    let nothing =
        app.post_form(&owner, &format!("/invoices/{id}/send"), &[("recipient", "billing@acme.example")]).await;
    assert_eq!(nothing.status(), 422);
    assert!(nothing.text().await.unwrap().contains("Choose email, SMS or both"));
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();
    assert_eq!(queued, 0, "nothing half-queued: not even the email");
}

#[tokio::test]
async fn a_send_left_in_doubt_is_settled_from_the_provider_log() {
    for kind in [Kind::Elks, Kind::Twilio] {
        let (app, fake) = app_with(kind).await;
        use_platform_account(&app, &fake).await;
        let owner = new_client();
        let id = issued_invoice(&app, &owner, "doubt@sms.example").await;
        app.post_form(&owner, &format!("/invoices/{id}/send"), &[("send_sms", "1"), ("phone", "+3545551234")]).await;
        wait_for_sms_status(&app, &owner, &id, "Sent").await;
        let delivery: uuid::Uuid =
            sqlx::query_scalar("SELECT id FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();

        // As if the process died after the provider took the message but before we
        // recorded it: the next attempt finds it in the provider's log.
        sqlx::query("UPDATE invoice_deliveries SET status = 'sending', sent_at = NULL").execute(&app.db).await.unwrap();
        requeue_job(&app, delivery).await;
        wait_for_jobs(&app).await;
        wait_for_sms_status(&app, &owner, &id, "Sent").await;
        assert_eq!(fake.accepted().len(), 1, "{kind:?}: not sent twice");

        // As if it died before the provider got it (the log has no such text): sent now.
        sqlx::query("UPDATE invoice_deliveries SET status = 'sending', body_digest = '\\x00'")
            .execute(&app.db)
            .await
            .unwrap();
        requeue_job(&app, delivery).await;
        wait_for_jobs(&app).await;
        assert_eq!(fake.accepted().len(), 2, "{kind:?}: a message the provider never took is sent");
        let interrupted: i32 =
            sqlx::query_scalar("SELECT interrupted FROM invoice_deliveries").fetch_one(&app.db).await.unwrap();
        assert_eq!(interrupted, 2, "each settling is counted");
    }
}

#[tokio::test]
async fn credentials_the_provider_refuses_fail_the_delivery_with_a_reason_and_no_secret() {
    let (app, fake) = app_with(Kind::Elks).await;
    let mut wrong = fake.clone();
    wrong.secret = "wrong-password-0000".into();
    use_platform_account(&app, &wrong).await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "wrongkey@sms.example").await;
    app.post_form(&owner, &format!("/invoices/{id}/send"), &[("send_sms", "1"), ("phone", "+3545551234")]).await;
    let status = wait_for_sms_status(&app, &owner, &id, "Failed").await;
    assert_eq!(status, "Failed: 46elks refused the API credentials (HTTP 401: Unauthorized)");
    assert!(fake.accepted().is_empty());
    assert!(!captured_logs().contains("wrong-password-0000"), "the secret is not logged");
}
