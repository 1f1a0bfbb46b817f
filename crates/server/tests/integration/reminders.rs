//! Payment reminders on a business's schedule, stepped through with the manual clock:
//! nothing before the first rule day, one reminder per rule and channel (the unique
//! index refuses a second), one pass per day, and none once the invoice is paid; a
//! reminder queued before a payment is cancelled when its job runs.

use std::time::Duration;

use fastfaktura::invoicing::reminders::run_due;

use crate::{
    helpers::{TestApp, new_client},
    invoicing::pay,
    sms::{issued_invoice, use_platform_account},
    sms_fake::{FakeSms, Kind},
};

/// Runs queued jobs in-process until none is due (this app has no background worker,
/// so the test decides when reminders go out).
async fn run_jobs(app: &TestApp) {
    while fastfaktura::jobs::worker::run_next(&app.worker).await.unwrap() {}
}

async fn app() -> (TestApp, FakeSms) {
    let fake = FakeSms::start(Kind::Elks).await;
    let url = fake.url.clone();
    let app = TestApp::spawn_with(|s| {
        s.jobs.worker = false;
        s.sms.elks_base_url = url;
    })
    .await;
    use_platform_account(&app, &fake).await;
    (app, fake)
}

/// Runs `work` while jobs run in the background (signing in needs its code mail).
async fn with_jobs<T>(app: &TestApp, work: impl std::future::Future<Output = T>) -> T {
    let pump = {
        let worker = app.worker.clone();
        tokio::spawn(async move {
            loop {
                let _ = fastfaktura::jobs::worker::run_next(&worker).await;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let result = work.await;
    pump.abort();
    let _ = pump.await;
    result
}

/// Logs in and issues an invoice due in 14 days.
async fn invoice(app: &TestApp, owner: &reqwest::Client, email: &str) -> String {
    with_jobs(app, issued_invoice(app, owner, email)).await
}

/// Weeks pass on the manual clock; the owner signs in again (the session expired).
async fn sign_in_again(app: &TestApp, owner: &reqwest::Client, email: &str) {
    with_jobs(app, app.log_in(owner, email)).await;
}

fn reminder_mails(app: &TestApp) -> Vec<crate::smtp_sink::ReceivedMail> {
    app.smtp.mails().into_iter().filter(|m| m.header("subject").is_some_and(|s| s.starts_with("Reminder:"))).collect()
}

async fn days(app: &TestApp, n: i64) {
    app.clock.advance(time::Duration::days(n));
}

#[tokio::test]
async fn reminders_follow_the_schedule_once_per_rule_and_stop_when_paid() {
    let (app, fake) = app().await;
    let owner = new_client();
    let id = invoice(&app, &owner, "reminders@schedule.example").await;
    let page = app.get(&owner, "/settings/reminders").await.text().await.unwrap();
    assert!(page.contains("data-reminders-off"), "off until a schedule is saved");
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 0);

    let schedule = [("email_0", "1"), ("email_1", "1"), ("sms_1", "1"), ("email_2", "1"), ("email_3", "1")];
    assert_eq!(app.post_form(&owner, "/settings/reminders", &schedule).await.status(), 303);
    let page = app.get(&owner, "/settings/reminders").await.text().await.unwrap();
    assert!(
        !page.contains("data-reminders-off")
            && page.contains(r#"name="sms_1" value="1" aria-label="On the due date: SMS" checked"#)
    );

    days(&app, 1).await;
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 0, "no rule day yet");
    days(&app, 10).await; // 3 days before the due date
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 1);
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 0, "one pass per day");
    run_jobs(&app).await;
    let mails = reminder_mails(&app);
    assert_eq!(mails.len(), 1);
    assert!(mails[0].body().contains("is due on") && mails[0].body().contains("1,240.00 EUR"), "{}", mails[0].body());

    days(&app, 3).await; // the due date: email and SMS
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 2);
    run_jobs(&app).await;
    assert_eq!(reminder_mails(&app).len(), 2);
    let sms = fake.accepted();
    assert_eq!(sms.len(), 1);
    assert!(sms[0].text.contains("reminder") && sms[0].text.contains("/i/"), "{}", sms[0].text);
    sign_in_again(&app, &owner, "reminders@schedule.example").await;
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(
        page.contains("SMS (reminder)") && page.contains("Email (reminder)"),
        "the invoice lists its reminders: {page}"
    );

    // A second reminder for the same rule is impossible, whatever asks for it.
    sqlx::query("DELETE FROM reminder_runs").execute(&app.db).await.unwrap();
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 0, "the day's reminders exist already");
    let duplicate = sqlx::query(
        "INSERT INTO invoice_deliveries (business_id, id, invoice_id, channel, kind, recipient, created_at, reminder_offset)
         SELECT business_id, gen_random_uuid(), invoice_id, channel, kind, recipient, now(), reminder_offset
         FROM invoice_deliveries WHERE reminder_offset = 0 AND channel = 'email'",
    )
    .execute(&app.db)
    .await
    .unwrap_err();
    assert!(duplicate.to_string().contains("invoice_deliveries_one_reminder_per_rule"), "{duplicate}");

    // Paid in full: no more reminders.
    assert_eq!(pay(&app, &owner, &id, "1240").await.status(), 303);
    days(&app, 7).await;
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 0);
    days(&app, 7).await;
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 0);
    run_jobs(&app).await;
    assert_eq!(reminder_mails(&app).len(), 2);
}

#[tokio::test]
async fn a_reminder_for_an_invoice_paid_meanwhile_is_cancelled_and_late_schedules_skip_to_the_latest_rule() {
    let (app, fake) = app().await;
    let owner = new_client();
    let id = invoice(&app, &owner, "late@schedule.example").await;
    // The first pass comes when the invoice is already 20 days overdue: only the
    // 14-day rule is sent, not the four missed ones.
    let schedule = [("email_0", "1"), ("email_1", "1"), ("email_2", "1"), ("email_3", "1"), ("sms_3", "1")];
    assert_eq!(app.post_form(&owner, "/settings/reminders", &schedule).await.status(), 303);
    days(&app, 34).await;
    sign_in_again(&app, &owner, "late@schedule.example").await;
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 2, "email and SMS of the 14-day rule only");
    let offsets: Vec<i32> =
        sqlx::query_scalar("SELECT DISTINCT reminder_offset FROM invoice_deliveries").fetch_all(&app.db).await.unwrap();
    assert_eq!(offsets, vec![14]);

    // Paid before the jobs ran: both are cancelled, nothing goes out.
    assert_eq!(pay(&app, &owner, &id, "1240").await.status(), 303);
    run_jobs(&app).await;
    assert!(reminder_mails(&app).is_empty());
    assert!(fake.accepted().is_empty());
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM invoice_deliveries").fetch_all(&app.db).await.unwrap();
    assert_eq!(statuses, vec!["cancelled", "cancelled"]);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("Cancelled: not sent: the invoice was paid or credited"));
}

#[tokio::test]
async fn a_credited_invoice_gets_no_reminders() {
    let (app, _fake) = app().await;
    let owner = new_client();
    let id = invoice(&app, &owner, "credited@schedule.example").await;
    let schedule = [("email_0", "1"), ("email_1", "1"), ("email_2", "1"), ("email_3", "1")];
    assert_eq!(app.post_form(&owner, "/settings/reminders", &schedule).await.status(), 303);
    let customer: uuid::Uuid = sqlx::query_scalar("SELECT customer_id FROM invoices").fetch_one(&app.db).await.unwrap();
    let credit = app.post_form(&owner, &format!("/invoices/{id}/credit-note"), &[]).await;
    let credit_id = credit.headers()["location"].to_str().unwrap().trim_start_matches("/invoices/").to_owned();
    let lines = [["Vefhönnun", "4", "250", "S", "24"]];
    let issued =
        crate::invoicing::save_draft(&app, &owner, &credit_id, &customer.to_string(), "EUR", &lines, "issue").await;
    assert_eq!(issued.status(), 303);
    for _ in 0..3 {
        days(&app, 7).await;
        assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 0, "credited in full: nothing to remind");
    }
}

/// Issue 19: automatic sends count against the sending quota too, or "send
/// automatically" schedules would be a mail cannon of their own.
#[tokio::test]
async fn an_automatic_reminder_past_the_sending_quota_is_not_sent_and_says_why() {
    let (app, fake) = app().await;
    let owner = new_client();
    let id = invoice(&app, &owner, "quota@schedule.example").await;
    let schedule = [("email_3", "1"), ("sms_3", "1")];
    assert_eq!(app.post_form(&owner, "/settings/reminders", &schedule).await.status(), 303);
    // An operator allows this business no more email today.
    sqlx::query(
        "INSERT INTO business_quotas (business_id, kind, per_day, set_by, set_at)
         SELECT id, 'email', 0, 'test', now() FROM businesses",
    )
    .execute(&app.db)
    .await
    .unwrap();
    days(&app, 34).await;
    sign_in_again(&app, &owner, "quota@schedule.example").await;
    let before = reminder_mails(&app).len();
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 2);
    run_jobs(&app).await;
    assert_eq!(reminder_mails(&app).len(), before, "the email reminder is held back");
    assert_eq!(fake.accepted().len(), 1, "the SMS (within its own quota) goes out");
    let email: (String, Option<String>) = sqlx::query_as(
        "SELECT status, last_error FROM invoice_deliveries WHERE channel = 'email' AND kind = 'reminder'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(email.0, "failed");
    assert!(email.1.as_deref().unwrap().contains("sending limit"), "{email:?}");
    let refused: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'quota.refused' AND actor_kind = 'system' AND details->>'kind' = 'email'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(refused, 1);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("sending limit for today is reached"), "{page}");
}

#[tokio::test]
async fn a_payment_matched_from_the_bank_statement_stops_the_reminders() {
    let (app, _fake) = app().await;
    let owner = new_client();
    let id = invoice(&app, &owner, "reminders@bank.example").await;
    assert_eq!(app.post_form(&owner, "/settings/reminders", &[("email_0", "1"), ("email_3", "1")]).await.status(), 303);
    // An Icelandic business's reference is its invoice number; the bank reports it paid.
    let number: String = sqlx::query_scalar("SELECT payment_reference FROM invoices WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let statement = crate::bank_payments::camt053(
        "IS140159260076545510730339",
        "2026-12-04",
        &[crate::bank_payments::Credit {
            amount: "1240.00",
            currency: "EUR",
            reference: Some(&number),
            message: "",
            payer: "ACME AB",
            bank_ref: "R1",
        }],
    );
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(statement.into_bytes()).file_name("landsbankinn.xml"));
    let imported = owner.post(app.url("/bank/import")).multipart(form).send().await.unwrap();
    assert_eq!(imported.status(), 303);
    assert!(app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap().contains(">Paid<"));
    days(&app, 14).await;
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 0, "no reminder on the due date");
    days(&app, 3).await;
    assert_eq!(run_due(&app.worker, app.clock_now()).await.unwrap(), 0, "nor three days after");
    run_jobs(&app).await;
    assert!(reminder_mails(&app).is_empty());
}
