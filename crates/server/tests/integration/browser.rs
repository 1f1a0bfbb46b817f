//! The browser end-to-end suite (issue 10): a person in Debian's Chromium signs up with
//! a code from the SMTP sink, sets up the business, writes, issues and sends an invoice,
//! the customer pays it through the fake Stripe Checkout and its signed webhook, and an
//! owner corrects it with a credit note, a quote is shared and accepted by the customer
//! (the owner told by email) and turned into an invoice, and an
//! operator signs in with password and TOTP and suspends the owner, whose next click
//! lands on the login page. The flow itself is `tests/e2e/flow.mjs` (playwright-core,
//! axe-core); this test runs the app and answers what only the harness knows.
//! Screenshots go to `target/e2e-screenshots` (or `E2E_SCREENSHOT_DIR`).

use std::process::Stdio;

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    process::Command,
};

use crate::{
    helpers::{TestApp, captured_logs},
    stripe_server::StripeAccount,
};

const ADMIN_PASSWORD: &str = "e2e-operator-Pw-4b1d9c correct horse";

/// The code for `secret` (base32) at the app's clock, from oathtool: an implementation
/// independent of ours.
fn totp(app: &TestApp, secret: &str) -> String {
    let at = format!("@{}", app.clock_now().unix_timestamp());
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", secret, "-N", &at])
        .output()
        .expect("oathtool is missing: run scripts/install-deps");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test]
async fn a_person_in_a_browser_invoices_gets_paid_and_an_operator_suspends_them() {
    // Receiving e-invoices by email is on, so the Bills page shows the business's address.
    let app = TestApp::spawn_with(|s| {
        s.inbound_email.listen = Some("127.0.0.1:0".parse().unwrap());
        s.inbound_email.domain = Some("in.e2e.example".into());
    })
    .await;
    fastfaktura::admin_cli::create(&app.db, "e2e-operator", ADMIN_PASSWORD.into()).await.unwrap();
    let stripe = StripeAccount::new();
    let owner_email = "owner@e2e.example";
    let e2e = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e");
    let screenshots = std::env::var("E2E_SCREENSHOT_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/e2e-screenshots").to_owned());
    let home = std::env::temp_dir().join(format!("ff-e2e-home-{}", uuid::Uuid::new_v4().simple()));
    let mut node = Command::new("node")
        .arg("flow.mjs")
        .current_dir(e2e)
        // Chromium writes crash reports and settings under HOME.
        .env("HOME", &home)
        .env("APP_URL", &app.address)
        .env("SCREENSHOT_DIR", &screenshots)
        .env("OWNER_EMAIL", owner_email)
        .env("STRIPE_SECRET_KEY", &stripe.secret_key)
        .env("STRIPE_WEBHOOK_SECRET", &stripe.webhook_secret)
        .env("ADMIN_USERNAME", "e2e-operator")
        .env("ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node is missing: run scripts/install-deps");
    let mut stdin = node.stdin.take().unwrap();
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let mut transcript = Vec::new();
    let mut done = false;
    loop {
        // Every step of the flow has its own 30 s limit; a silent minute means it hangs.
        let next = tokio::time::timeout(std::time::Duration::from_secs(90), lines.next_line()).await;
        let Ok(next) = next else {
            panic!("the browser flow went silent after:\n{}", transcript.join("\n"));
        };
        let Some(line) = next.unwrap() else { break };
        eprintln!("e2e: {line}");
        transcript.push(line.clone());
        let mut parts = line.splitn(3, ' ');
        if parts.next() != Some("NEED") {
            done |= line == "DONE";
            continue;
        }
        let (what, argument) = (parts.next().unwrap_or(""), parts.next().unwrap_or("").trim().to_owned());
        let answer = match what {
            "code" => {
                let mails =
                    app.smtp.wait_for_matching(1, |m| m.to.contains(&argument) && m.sign_in_code().is_some()).await;
                mails.last().unwrap().code()
            }
            "mail" => {
                app.smtp.wait_for_matching(1, |m| m.to.contains(&argument)).await;
                "ok".into()
            }
            // The owner is told by email when the customer accepts a quote.
            "quote-accepted-mail" => {
                app.smtp
                    .wait_for_matching(1, |m| m.to.contains(&argument) && m.body().contains("accepted quote"))
                    .await;
                "ok".into()
            }
            "webhook" => {
                stripe.register_webhook(&argument).await;
                "ok".into()
            }
            "totp" => totp(&app, &argument),
            other => panic!("the flow asked for {other:?}"),
        };
        stdin.write_all(format!("{answer}\n").as_bytes()).await.unwrap();
    }
    let output = node.wait_with_output().await.unwrap();
    let transcript = transcript.join("\n");
    assert!(
        output.status.success() && done,
        "the browser flow failed:\n{transcript}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The real outcome, read from the database, not from the browser.
    let (payments, paid_by_card): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(*) FILTER (WHERE method = 'card') FROM payments")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((payments, paid_by_card), (1, 1));
    let suspended: bool = sqlx::query_scalar("SELECT suspended_at IS NOT NULL FROM users WHERE email = $1")
        .bind(owner_email)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(suspended);
    let joined: String = sqlx::query_scalar(
        "SELECT m.role FROM business_members m JOIN users u ON u.id = m.user_id WHERE u.email = 'books@e2e.example'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(joined, "accountant", "the invitee joined by pressing Join, in the invited role");
    assert!(!captured_logs().contains(ADMIN_PASSWORD));
    std::fs::remove_dir_all(&home).ok();
}
