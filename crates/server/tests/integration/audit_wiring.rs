//! What each capability records in the audit log, through real requests: sign-in and
//! logout, provider secrets, manual payments, email dispatches; and `fastfaktura audit
//! verify` run as an operator runs it.

use crate::{
    audit::{attacker, quiet_app, seal},
    helpers::new_client,
    invoicing::{new_draft, save_draft, set_up_business},
};

#[tokio::test]
async fn sign_in_logout_settings_and_dispatch_are_recorded_in_their_categories() {
    let app = quiet_app().await;
    let client = new_client();
    let mail = app.request_code_mail(&client, "who@seller.example").await;
    let wrong = if mail.code() == "000000" { "111111" } else { "000000" };
    assert_eq!(app.submit_code(&client, wrong).await.status(), 422);
    assert_eq!(app.submit_code(&client, &mail.code()).await.status(), 303);
    let saved = app.post_form(&client, "/settings/payments", &[("stripe_secret_key", "sk_test_abcdefghijkl")]).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(app.post_form(&client, "/logout", &[]).await.status(), 303);

    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT category, action, outcome, details::text FROM audit_events WHERE category <> 'access' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let actions: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_str())).collect();
    assert_eq!(
        actions,
        [
            ("auth", "auth.otp.issued", "success"),
            ("auth", "auth.otp.verify.failure", "failure"),
            ("auth", "auth.login.success", "success"),
            ("security", "config.secret.saved", "success"),
            // Where card payments go changed: masked, and every owner is emailed.
            ("security", "config.payment_keys.changed", "success"),
            ("auth", "auth.logout", "success"),
        ]
    );
    let all = rows.iter().map(|r| r.3.as_str()).collect::<Vec<_>>().join(" ");
    for secret in [mail.code().as_str(), "sk_test_abcdefghijkl", "who@seller.example"] {
        assert!(!all.contains(secret), "{secret} in {all}");
    }
}

#[tokio::test]
async fn a_payment_is_recorded_and_the_cli_verifies_or_names_the_altered_event() {
    let app = quiet_app().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "payee@seller.example", "EUR").await;
    let invoice = new_draft(&app, &owner, &customer, "net").await;
    let lines = [["Design", "1", "100", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &invoice, &customer, "EUR", &lines, "issue").await.status(), 303);
    let today = app.clock_now().date().to_string();
    let form = [("paid_on", today.as_str()), ("amount", "50"), ("method", "bank_transfer"), ("reference", "RF18")];
    assert_eq!(app.post_form(&owner, &format!("/invoices/{invoice}/payments"), &form).await.status(), 303);
    let (actor_kind, ip): (String, String) = sqlx::query_as(
        "SELECT actor_kind, ip FROM audit_events WHERE category = 'payment' AND action = 'payment.recorded'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((actor_kind.as_str(), ip.is_empty()), ("user", false), "who recorded it, from where");
    let (target, details): (String, serde_json::Value) = sqlx::query_as(
        "SELECT target, details FROM audit_events WHERE category = 'payment' AND action = 'payment.recorded'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(target, invoice);
    assert_eq!((details["amount"].as_str(), details["currency"].as_str()), (Some("50"), Some("EUR")));

    seal(&app).await;
    // The command line reads the same master key (the app's data directory): the
    // checkpoints are keyed with it.
    let data_dir = app.data_dir.clone();
    let run = |url: String| {
        let data_dir = data_dir.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_fastfaktura"))
                .args(["audit", "verify"])
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("FASTFAKTURA_DATABASE_URL", url)
                .env("FASTFAKTURA_DATA_DIR", &data_dir)
                .output()
                .unwrap()
        })
    };
    let clean = run(app.database_url.clone()).await.unwrap();
    let out = String::from_utf8_lossy(&clean.stdout).into_owned();
    assert!(clean.status.success() && out.contains("the audit log verifies"), "{out}");
    assert!(out.contains("events/s"), "{out}");

    let mut evil = attacker(&app).await;
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM audit_events WHERE category = 'payment'").fetch_one(&mut evil).await.unwrap();
    sqlx::query("UPDATE audit_events SET details = details || '{\"amount\": \"5\"}' WHERE id = $1")
        .bind(id)
        .execute(&mut evil)
        .await
        .unwrap();
    let caught = run(app.database_url.clone()).await.unwrap();
    let out = String::from_utf8_lossy(&caught.stdout).into_owned();
    assert_eq!(caught.status.code(), Some(1), "{out}");
    assert!(out.contains("PROBLEM payment") && out.contains(&format!("event {id} was altered")), "{out}");
}

#[tokio::test]
async fn an_email_dispatch_is_recorded_when_queued_and_when_sent_with_the_recipient_masked() {
    let app = quiet_app().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "sender@seller.example", "EUR").await;
    let invoice = new_draft(&app, &owner, &customer, "net").await;
    let lines = [["Design", "1", "100", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &invoice, &customer, "EUR", &lines, "issue").await.status(), 303);
    let form = [("send_email", "1"), ("recipient", "billing@buyer.example")];
    assert_eq!(app.post_form(&owner, &format!("/invoices/{invoice}/send"), &form).await.status(), 303);
    app.smtp.wait_for_matching(1, |m| m.to.iter().any(|t| t == "billing@buyer.example")).await;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for _ in 0..50 {
        rows = sqlx::query_as(
            "SELECT action, actor_kind, details::text FROM audit_events WHERE category = 'dispatch' ORDER BY id",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        if rows.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let actions: Vec<(&str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect();
    assert_eq!(actions, [("dispatch.email.queued", "user"), ("dispatch.email.sent", "system")]);
    assert!(rows.iter().all(|r| r.2.contains("b***@buyer.example") && !r.2.contains("billing@")), "{rows:?}");
}
