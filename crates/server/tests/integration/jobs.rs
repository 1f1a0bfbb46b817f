//! The job queue and mail delivery: outbox pattern, retries, permanent failure,
//! recovery of a job whose worker died, and SMTP authentication.

use fastfaktura::{
    config::SmtpSettings,
    integrations::email,
    jobs::{self, Job, worker},
};

use crate::{helpers::TestApp, smtp_sink::SmtpSink};

#[tokio::test]
async fn a_rolled_back_transaction_sends_nothing() {
    let app = TestApp::spawn_with(|s| s.jobs.worker = false).await;
    let mut tx = app.db.begin().await.unwrap();
    email::enqueue(&mut tx, &app.state.keys.outbox, "x@example.com", "Hello", "body", app.clock_now()).await.unwrap();
    tx.rollback().await.unwrap();
    assert!(!worker::run_next(&app.worker).await.unwrap(), "no job exists");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM outgoing_emails").fetch_one(&app.db).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_temporary_smtp_failure_is_retried_with_backoff_and_delivered_once() {
    let app = TestApp::spawn_with(|s| s.jobs.worker = false).await;
    app.smtp.fail_next(1);
    let mut tx = app.db.begin().await.unwrap();
    let id =
        email::enqueue(&mut tx, &app.state.keys.outbox, "retry@example.com", "Hello", "body text", app.clock_now())
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert!(worker::run_next(&app.worker).await.unwrap());
    let (status, attempts, delay, error): (String, i32, f64, Option<String>) =
        sqlx::query_as("SELECT status, attempts, extract(epoch FROM run_at - now())::float8, last_error FROM jobs")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert!(delay > 5.0, "backed off: {delay}");
    assert!(error.unwrap().contains("451"));
    assert!(!worker::run_next(&app.worker).await.unwrap(), "not due yet");
    sqlx::query("UPDATE jobs SET run_at = now()").execute(&app.db).await.unwrap();
    assert!(worker::run_next(&app.worker).await.unwrap());
    let mails = app.smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].body().contains("body text"));
    assert_eq!(mails[0].header("message-id").unwrap(), format!("<{id}@fastfaktura>"));
    let (status, body_gone): (String, bool) =
        sqlx::query_as("SELECT status, body_sealed IS NULL FROM outgoing_emails").fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "sent");
    assert!(body_gone, "the body is erased after sending");
    // Running the same job again (say a worker died before recording success) does not resend.
    jobs_reset_to_pending(&app).await;
    assert!(worker::run_next(&app.worker).await.unwrap());
    assert_eq!(app.smtp.mails().len(), 1);
}

async fn jobs_reset_to_pending(app: &TestApp) {
    sqlx::query("UPDATE jobs SET status = 'pending', run_at = now()").execute(&app.db).await.unwrap();
}

#[tokio::test]
async fn a_message_that_keeps_failing_is_marked_failed_with_its_reason() {
    let app = TestApp::spawn_with(|s| s.jobs.worker = false).await;
    app.smtp.fail_next(usize::MAX);
    let mut tx = app.db.begin().await.unwrap();
    email::enqueue(&mut tx, &app.state.keys.outbox, "never@example.com", "Hello", "body", app.clock_now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for _ in 0..8 {
        sqlx::query("UPDATE jobs SET run_at = now()").execute(&app.db).await.unwrap();
        assert!(worker::run_next(&app.worker).await.unwrap());
    }
    let (job_status, attempts): (String, i32) =
        sqlx::query_as("SELECT status, attempts FROM jobs").fetch_one(&app.db).await.unwrap();
    assert_eq!((job_status.as_str(), attempts), ("failed", 8));
    let (status, reason, body_gone): (String, Option<String>, bool) =
        sqlx::query_as("SELECT status, last_error, body_sealed IS NULL FROM outgoing_emails")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(status, "failed");
    // The reason is ours, with the reply code; never the server's own words (a reply
    // can quote the recipient's address).
    let reason = reason.unwrap();
    assert!(reason.contains("refused the message for now (reply code 451)"), "{reason}");
    assert!(!reason.contains("Try again later") && !reason.contains("never@example.com"), "{reason}");
    assert!(body_gone);
    assert!(!worker::run_next(&app.worker).await.unwrap(), "a failed job is not retried forever");
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_over_when_its_lease_expires() {
    let app = TestApp::spawn_with(|s| s.jobs.worker = false).await;
    let mut tx = app.db.begin().await.unwrap();
    email::enqueue(&mut tx, &app.state.keys.outbox, "lease@example.com", "Hello", "body", app.clock_now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // A worker claimed it and then crashed: running, lease still valid.
    sqlx::query("UPDATE jobs SET status = 'running', attempts = 1, locked_until = now() + interval '1 minute'")
        .execute(&app.db)
        .await
        .unwrap();
    assert!(!worker::run_next(&app.worker).await.unwrap(), "a live lease is respected");
    sqlx::query("UPDATE jobs SET locked_until = now() - interval '1 second'").execute(&app.db).await.unwrap();
    assert!(worker::run_next(&app.worker).await.unwrap());
    assert_eq!(app.smtp.wait_for(1).await.len(), 1);
}

#[tokio::test]
async fn the_running_worker_delivers_promptly_after_commit() {
    let app = TestApp::spawn().await;
    let mut tx = app.db.begin().await.unwrap();
    jobs::enqueue(&mut tx, &Job::SendEmail { email_id: uuid::Uuid::new_v4() }).await.unwrap();
    email::enqueue(&mut tx, &app.state.keys.outbox, "prompt@example.com", "Hello", "body", app.clock_now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // The bogus job fails on its own without blocking the real mail.
    assert_eq!(app.smtp.wait_for(1).await[0].to, ["prompt@example.com"]);
}

#[tokio::test]
async fn smtp_authentication_is_used_when_configured() {
    let sink = SmtpSink::start(Some(("mailer", "correct horse"))).await;
    let port = sink.port;
    let app = TestApp::spawn_with(move |s| {
        s.jobs.worker = false;
        s.email.smtp = Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: Some(port),
            tls: fastfaktura::config::SmtpTls::None,
            username: Some("mailer".into()),
            password: Some(fastfaktura::config::Secret::new("correct horse")),
            ..SmtpSettings::default()
        });
    })
    .await;
    let mut tx = app.db.begin().await.unwrap();
    email::enqueue(&mut tx, &app.state.keys.outbox, "auth@example.com", "Hello", "body", app.clock_now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(worker::run_next(&app.worker).await.unwrap());
    assert_eq!(sink.wait_for(1).await[0].to, ["auth@example.com"]);
}

#[tokio::test]
async fn without_smtp_the_dev_outbox_writes_rfc5322_files() {
    let app = TestApp::spawn_with(|s| {
        s.jobs.worker = false;
        s.email.smtp = None;
        s.email.console = false;
    })
    .await;
    let response = app.request_code(&app.client, "outbox@example.com").await;
    assert_eq!(response.status(), 303);
    assert!(worker::run_next(&app.worker).await.unwrap());
    let files: Vec<_> = std::fs::read_dir(app.data_dir.join("outbox")).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].file_name().to_str().unwrap().ends_with(".eml"));
    let eml = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(eml.contains("\r\nTo: outbox@example.com\r\n"), "{eml}");
    assert!(eml.contains("Subject: Your FastFaktura sign-in code"));
    assert!(eml.contains("Date: "));
    assert!(eml.contains("sign-in code is:"));
}
