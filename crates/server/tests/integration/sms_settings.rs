//! Who sends the SMS: the platform's provider account, set by an operator in the
//! admin console, or a business's own account from its settings, which wins when set.
//! Both forms are write-only (last four shown), store no plaintext, and refuse bad
//! input with a sentence and nothing stored.

use crate::{
    admin::{enrolled_admin, oath, post},
    helpers::{TestApp, captured_logs, new_client},
    sms::issued_invoice,
    sms_fake::{FakeSms, Kind},
};

async fn two_providers() -> (TestApp, FakeSms, FakeSms) {
    let elks = FakeSms::start(Kind::Elks).await;
    let twilio = FakeSms::start(Kind::Twilio).await;
    let (elks_url, twilio_url) = (elks.url.clone(), twilio.url.clone());
    let app = TestApp::spawn_with(|s| {
        s.sms.elks_base_url = elks_url;
        s.sms.twilio_base_url = twilio_url;
    })
    .await;
    (app, elks, twilio)
}

async fn send_sms(app: &TestApp, owner: &reqwest::Client, id: &str) -> reqwest::Response {
    app.post_form(owner, &format!("/invoices/{id}/send"), &[("send_sms", "1"), ("phone", "+3545551234")]).await
}

#[tokio::test]
async fn the_operator_sets_the_platform_provider_and_businesses_send_through_it() {
    let (app, elks, _twilio) = two_providers().await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "platform@sms-settings.example").await;
    assert_eq!(send_sms(&app, &owner, &id).await.status(), 422, "no provider yet");

    let (admin, totp, _) = enrolled_admin(&app, "operator").await;
    // Replacing provider keys needs a fresh code (step-up): without one nothing is stored.
    let no_code = [
        ("provider", "46elks"),
        ("account", elks.account.as_str()),
        ("secret", elks.secret.as_str()),
        ("sender", "Faktura"),
        ("code", "000000"),
    ];
    let refused = post(&app, &admin, "/admin/settings/sms", &no_code).await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("nothing was changed"));
    app.clock.advance(time::Duration::seconds(30));
    let code = oath(&app, &totp);
    let bad = post(
        &app,
        &admin,
        "/admin/settings/sms",
        &[
            ("provider", "46elks"),
            ("account", &elks.account),
            ("secret", &elks.secret),
            ("sender", "Not a valid sender"),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("Sender: a phone number such as"));
    let none: i64 = sqlx::query_scalar("SELECT count(*) FROM sms_provider_settings").fetch_one(&app.db).await.unwrap();
    assert_eq!(none, 0, "nothing stored after an error");

    app.clock.advance(time::Duration::seconds(30));
    let code2 = oath(&app, &totp);
    let form = [
        ("provider", "46elks"),
        ("account", elks.account.as_str()),
        ("secret", elks.secret.as_str()),
        ("sender", "Faktura"),
        ("code", &code2),
    ];
    assert_eq!(post(&app, &admin, "/admin/settings/sms", &form).await.status(), 303);
    let page = app.get(&admin, "/admin/settings").await.text().await.unwrap();
    assert!(page.contains("46elks") && page.contains(&elks.secret[elks.secret.len() - 4..]), "last four shown");
    assert!(!page.contains(&elks.secret), "the secret is never shown again");
    let stored: String = sqlx::query_scalar("SELECT row_to_json(s)::text FROM sms_provider_settings s")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!stored.contains(&elks.secret), "no plaintext at rest");
    let event: String = sqlx::query_scalar(
        "SELECT details::text FROM audit_events WHERE category = 'admin' AND action = 'platform.sms.save'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(event.contains("46elks") && !event.contains(&elks.secret), "recorded without the secret: {event}");

    let invoice_page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(!invoice_page.contains("data-sms-unavailable"), "SMS is offered now");
    assert_eq!(send_sms(&app, &owner, &id).await.status(), 303);
    assert_eq!(elks.wait_for(1).await[0].from, "Faktura");

    assert_eq!(
        post(&app, &admin, "/admin/settings/sms/remove", &[("code", &code2)]).await.status(),
        403,
        "a used code"
    );
    app.clock.advance(time::Duration::seconds(30));
    let code3 = oath(&app, &totp);
    assert_eq!(post(&app, &admin, "/admin/settings/sms/remove", &[("code", &code3)]).await.status(), 303);
    assert_eq!(send_sms(&app, &owner, &id).await.status(), 422, "removed: SMS is not offered");
    assert!(!captured_logs().contains(&elks.secret));
}

#[tokio::test]
async fn a_business_account_overrides_the_platform_and_stays_write_only() {
    let (app, elks, twilio) = two_providers().await;
    crate::sms::use_platform_account(&app, &elks).await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "own@sms-settings.example").await;
    let page = app.get(&owner, "/settings/sms").await.text().await.unwrap();
    assert!(page.contains("FastFaktura can send SMS for you"));

    let bad = app
        .post_form(
            &owner,
            "/settings/sms",
            &[("provider", "twilio"), ("account", "not-a-sid"), ("secret", &twilio.secret), ("sender", "+46701234567")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("Account SID"));
    let form = [
        ("provider", "twilio"),
        ("account", twilio.account.as_str()),
        ("secret", twilio.secret.as_str()),
        ("sender", "+46 70 123 45 67"),
    ];
    assert_eq!(app.post_form(&owner, "/settings/sms", &form).await.status(), 303);
    let page = app.get(&owner, "/settings/sms").await.text().await.unwrap();
    assert!(page.contains("data-saved-sms") && page.contains(&twilio.secret[twilio.secret.len() - 4..]));
    assert!(!page.contains(&twilio.secret));

    assert_eq!(send_sms(&app, &owner, &id).await.status(), 303);
    let sent = twilio.wait_for(1).await;
    assert_eq!(sent[0].from, "+46701234567", "through the business's own Twilio account");
    assert!(elks.accepted().is_empty(), "not through the platform's");

    // Its sealed secret is bound to this business: moved to another, it opens nowhere.
    let other = new_client();
    crate::invoicing::set_up_business(&app, &other, "other@sms-settings.example", "EUR").await;
    sqlx::query(
        "INSERT INTO business_sms_providers (business_id, provider, account, sender, secret_envelope, secret_last4, updated_at)
         SELECT b.id, p.provider, p.account, p.sender, p.secret_envelope, p.secret_last4, p.updated_at
         FROM business_sms_providers p, businesses b WHERE b.id <> p.business_id",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let mut conn = app.db.acquire().await.unwrap();
    let owners: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT business_id FROM business_sms_providers").fetch_all(&mut *conn).await.unwrap();
    assert_eq!(owners.len(), 2);
    let mut opened = 0;
    for business in owners {
        let result = fastfaktura::integrations::sms_accounts::resolve(&mut conn, &app.state.keys.kek, business).await;
        match result {
            Ok(Some((credentials, _))) => {
                assert_eq!(credentials.secret, twilio.secret);
                opened += 1;
            }
            Ok(None) => panic!("a stored account resolves to something"),
            Err(e) => assert!(e.to_string().contains("moved from another row"), "{e}"),
        }
    }
    assert_eq!(opened, 1, "only the business it was sealed for opens it");
    drop(conn);

    assert_eq!(app.post_form(&owner, "/settings/sms", &[("action", "remove")]).await.status(), 303);
    sqlx::query("DELETE FROM business_sms_providers").execute(&app.db).await.unwrap();
    assert_eq!(send_sms(&app, &owner, &id).await.status(), 303);
    elks.wait_for(1).await;
}

#[tokio::test]
async fn the_console_lists_every_dispatch_with_who_where_and_outcome() {
    let (app, elks, _twilio) = two_providers().await;
    crate::sms::use_platform_account(&app, &elks).await;
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "logged@sms-settings.example").await;
    let form =
        [("send_email", "1"), ("recipient", "billing@acme.example"), ("send_sms", "1"), ("phone", "+3545551234")];
    assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/send"), &form).await.status(), 303);
    elks.wait_for(1).await;
    let (admin, _, _) = enrolled_admin(&app, "auditor").await;
    let mut page = String::new();
    for _ in 0..100 {
        page = app.get(&admin, "/admin/dispatches").await.text().await.unwrap();
        if page.matches("<td>sent").count() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(page.matches("data-dispatch").count(), 2, "{page}");
    for needle in ["logged@sms-settings.example", "billing@acme.example", "+3545551234", "sms (46elks)", "Fjörður ehf."]
    {
        assert!(page.contains(needle), "{needle} in the dispatch log");
    }
    assert_eq!(page.matches("<td>sent").count(), 2, "{page}");
    assert!(!page.contains("/i/"), "no message text or customer link in the log");
}
