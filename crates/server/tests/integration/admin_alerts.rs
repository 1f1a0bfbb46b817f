//! ADM-11 security notices, read from the SMTP sink: a sign-in from an address the
//! admin has not used before, two-step verification set up or reset, a lock after
//! 100 failures, and a new admin account told to the security contact. No mail
//! carries a code or a secret.

use time::Duration;

use crate::{
    admin::{PASSWORD, enrol, oath, post},
    helpers::{TestApp, new_client},
    smtp_sink::ReceivedMail,
};

fn to(address: &'static str) -> impl Fn(&ReceivedMail) -> bool {
    move |m| m.to.iter().any(|t| t.contains(address))
}

#[tokio::test]
async fn admins_hear_of_new_addresses_mfa_changes_and_locks_and_the_contact_of_new_admins() {
    let app = TestApp::spawn_with(|s| {
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        s.admin.security_alert_email = Some("security@platform.example".into());
    })
    .await;
    fastfaktura::admin_cli::create_with_email(&app.db, "alma", Some("Alma@Ops.example"), PASSWORD.into(), None)
        .await
        .unwrap();
    let (admin, secret, recovery) = enrol(&app, "alma").await;

    // First sign-in (a new address) and the enrolment: two notices, no codes in them.
    let mails = app.smtp.wait_for_matching(2, to("alma@ops.example")).await;
    let subjects: Vec<String> = mails.iter().map(|m| m.header("subject").unwrap()).collect();
    assert!(subjects.iter().any(|s| s.contains("sign-in from a new address")), "{subjects:?}");
    assert!(subjects.iter().any(|s| s.contains("sign-in settings changed")), "{subjects:?}");
    let enrolled = mails.iter().find(|m| m.body().contains("two-step verification was set up")).unwrap();
    for mail in &mails {
        let body = mail.body();
        assert!(!body.contains(&secret) && recovery.iter().all(|c| !body.contains(c.as_str())), "{body}");
    }
    assert!(enrolled.body().contains("127.0.0.1"));

    // Again from the same address: nothing; from a new one (behind the trusted proxy): a notice.
    let again = new_client();
    app.clock.advance(Duration::seconds(30));
    let form = [("username", "alma"), ("password", PASSWORD), ("code", &oath(&app, &secret))];
    assert_eq!(post(&app, &again, "/admin/login", &form).await.status(), 303);
    let elsewhere = new_client();
    app.clock.advance(Duration::seconds(30));
    let code = oath(&app, &secret);
    let response = elsewhere
        .post(app.url("/admin/login"))
        .header("origin", &app.address)
        .header("x-forwarded-for", "203.0.113.7")
        .form(&[("username", "alma"), ("password", PASSWORD), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let mails = app.smtp.wait_for_matching(3, to("alma@ops.example")).await;
    assert_eq!(mails.len(), 3, "the same address again sent nothing");
    assert!(mails[2].body().contains("203.0.113.7"), "{}", mails[2].body());

    // Alma creates Bert: the security contact hears of it, naming both.
    app.clock.advance(Duration::seconds(30));
    let form =
        [("username", "bert"), ("email", "bert@ops.example"), ("password", PASSWORD), ("code", &oath(&app, &secret))];
    let created = post(&app, &admin, "/admin/admins", &form).await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    let contact = app.smtp.wait_for_matching(1, to("security@platform.example")).await;
    let body = contact[0].body();
    assert!(body.contains("bert") && body.contains("admin alma") && !body.contains(PASSWORD), "{body}");
    let bad = post(
        &app,
        &admin,
        "/admin/admins",
        &[("username", "carl"), ("email", "not-an-address"), ("password", PASSWORD), ("code", "1")],
    )
    .await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("is not an email address"));

    // Bert enrols, then Alma resets his two-step verification: Bert is told who did it.
    let (_bert, _, _) = enrol(&app, "bert").await;
    let bert_id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM admin_users WHERE username = 'bert'").fetch_one(&app.db).await.unwrap();
    app.clock.advance(Duration::seconds(30));
    let reset =
        post(&app, &admin, &format!("/admin/admins/{bert_id}/reset-totp"), &[("code", &oath(&app, &secret))]).await;
    assert_eq!(reset.status(), 303);
    let mails = app.smtp.wait_for_matching(1, |m| to("bert@ops.example")(m) && m.body().contains("was reset")).await;
    assert!(mails[0].body().contains("by alma from 127.0.0.1"), "{}", mails[0].body());

    // The hundredth failure in a row locks Bert's name, and he is told.
    sqlx::query("INSERT INTO admin_login_failures (username, consecutive, last_failed_at) VALUES ('bert', 99, $1)")
        .bind(app.clock_now() - Duration::hours(1))
        .execute(&app.db)
        .await
        .unwrap();
    let form = [("username", "bert"), ("password", "a wrong password for bert!"), ("code", "")];
    assert_eq!(post(&app, &new_client(), "/admin/login", &form).await.status(), 200);
    let mails = app.smtp.wait_for_matching(1, |m| to("bert@ops.example")(m) && m.body().contains("was locked")).await;
    assert!(mails[0].header("subject").unwrap().contains("locked"));
}

#[tokio::test]
async fn admins_made_or_reset_on_the_command_line_are_announced_too() {
    let app = TestApp::spawn_with(|s| s.admin.security_alert_email = Some("security@platform.example".into())).await;
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fastfaktura"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("FASTFAKTURA_DATABASE_URL", &app.database_url)
            .env("FASTFAKTURA_DATA_DIR", &app.data_dir)
            .env("FASTFAKTURA_ADMIN_SECURITY_ALERT_EMAIL", "security@platform.example")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["admin", "create", "--username", "cleo", "--email", "cleo@ops.example"], &format!("{PASSWORD}\n"));
    let contact = app.smtp.wait_for_matching(1, to("security@platform.example")).await;
    let body = contact[0].body();
    assert!(body.contains("cleo") && body.contains("fastfaktura admin command") && !body.contains(PASSWORD), "{body}");
    run(&["admin", "reset-totp", "--username", "cleo"], "");
    let mails = app.smtp.wait_for_matching(1, to("cleo@ops.example")).await;
    assert!(mails[0].body().contains("two-step verification was reset"), "{}", mails[0].body());
    // A new address: the old one hears of it, the new one gets what follows.
    run(&["admin", "set-email", "--username", "cleo", "--email", "cleo@new.example"], "");
    let mails = app.smtp.wait_for_matching(2, to("cleo@ops.example")).await;
    assert!(mails[1].body().contains("address for these notices was changed"), "{}", mails[1].body());
    run(&["admin", "reset-totp", "--username", "cleo"], "");
    app.smtp.wait_for_matching(1, to("cleo@new.example")).await;
    let stored: Option<String> =
        sqlx::query_scalar("SELECT email FROM admin_users WHERE username = 'cleo'").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored.as_deref(), Some("cleo@new.example"));
}
