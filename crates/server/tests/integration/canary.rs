//! Never a secret in a log (issue 7 §2, LOG-4): canaries planted through real requests
//! (an OTP code, a Stripe key, a session token, an API token, the master key, an
//! admin's TOTP secret) must appear in no audit row, no line of the application's log
//! output and no HTTP response other than the one that hands the secret out.

use fastfaktura::audit::chain;

use crate::{
    admin::{enrolled_admin, oath, post},
    helpers::{TestApp, captured_logs, new_client, set_cookie},
};

/// Every response read after the secrets were planted: status line, headers, body.
#[derive(Default)]
struct Seen(Vec<String>);

impl Seen {
    async fn keep(&mut self, response: reqwest::Response) -> u16 {
        let status = response.status().as_u16();
        let headers: Vec<String> = response.headers().iter().map(|(k, v)| format!("{k}: {v:?}")).collect();
        let body = response.text().await.unwrap_or_default();
        self.0.push(format!("{status}\n{}\n{body}", headers.join("\n")));
        status
    }
}

#[tokio::test]
async fn planted_secrets_never_reach_the_audit_log_the_log_output_or_other_responses() {
    let app = TestApp::spawn().await;
    let mut seen = Seen::default();

    // 1. An OTP code and 2. the session token it opens.
    let user = new_client();
    let mail = app.request_code_mail(&user, "canary@seller.example").await;
    let otp = mail.code();
    let login = app.submit_code(&user, &otp).await;
    let session = set_cookie(&login, "ff_session").expect("a session cookie");
    assert!(session.len() >= 32);
    // A wrong code and a replayed one, so the failure paths are logged too.
    let other = new_client();
    let mail2 = app.request_code_mail(&other, "canary@seller.example").await;
    let wrong = if mail2.code() == "123456" { "654321" } else { "123456" };
    seen.keep(app.submit_code(&other, wrong).await).await;
    seen.keep(app.submit_code(&other, &otp).await).await;

    // 3. A Stripe key, through the payment settings.
    let stripe = format!("sk_live_{}", &fastfaktura::crypto::new_token()[..24]);
    let whsec = format!("whsec_{}", &fastfaktura::crypto::new_token()[..24]);
    let saved = app
        .post_form(&user, "/settings/payments", &[("stripe_secret_key", &stripe), ("stripe_webhook_secret", &whsec)])
        .await;
    assert_eq!(seen.keep(saved).await, 303);
    assert_eq!(seen.keep(app.get(&user, "/settings/payments").await).await, 200);
    // A refused key is not echoed back either.
    let refused = format!("sk_live_{}!", &fastfaktura::crypto::new_token()[..20]);
    seen.keep(app.post_form(&user, "/settings/payments", &[("stripe_secret_key", &refused)]).await).await;

    // 4. An API token: shown once (that response is the one allowed to carry it).
    let page = app
        .post_form(&user, "/settings/api-tokens", &[("name", "Canary"), ("scope", "write")])
        .await
        .text()
        .await
        .unwrap();
    let start = page.find("data-new-token>").unwrap() + "data-new-token>".len();
    let api_token = page[start..].split('<').next().unwrap().to_owned();
    let api = reqwest::Client::new();
    for path in ["/api/v1/customers", "/api/v1/invoices", "/api/v1/customers/not-an-id"] {
        seen.keep(api.get(app.url(path)).bearer_auth(&api_token).send().await.unwrap()).await;
    }
    let wrong_token = format!("{}x", &api_token[..api_token.len() - 1]);
    seen.keep(api.get(app.url("/api/v1/customers")).bearer_auth(&wrong_token).send().await.unwrap()).await;
    seen.keep(app.get(&user, "/settings/api-tokens").await).await;
    seen.keep(app.get(&user, "/settings/audit").await).await;

    // 5. The master key, as the development key file holds it.
    let master_key = std::fs::read(app.data_dir.join("master.key")).expect("the development master key");
    let master_hex = if master_key.len() == 32 {
        hex::encode(&master_key)
    } else {
        String::from_utf8(master_key).unwrap().trim().to_lowercase()
    };
    assert_eq!(master_hex.len(), 64);

    // 6. An admin's TOTP secret (the enrolment page shows it; nothing else may).
    let (admin, totp_secret, _) = enrolled_admin(&app, "canary-admin").await;
    app.clock.advance(time::Duration::seconds(31));
    seen.keep(post(&app, &admin, "/admin/logout", &[]).await).await;
    let relogin = post(
        &app,
        &admin,
        "/admin/login",
        &[("username", "canary-admin"), ("password", crate::admin::PASSWORD), ("code", &oath(&app, &totp_secret))],
    )
    .await;
    seen.keep(relogin).await;
    for path in ["/admin/audit", "/admin/audit.csv", "/admin/events"] {
        seen.keep(app.get(&admin, path).await).await;
    }
    seen.keep(app.post_form(&user, "/logout", &[]).await).await;
    chain::seal_pending(&app.db, app.clock_now(), Some(&app.state.keys.audit_checkpoint)).await.unwrap();

    let audit: (String,) = sqlx::query_as("SELECT coalesce(string_agg(a::text, E'\\n'), '') FROM audit_events a")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(audit.0.contains("auth.login.success") && audit.0.contains("config.secret.saved"), "the flows were logged");
    // The application's output: the test's own HTTP client (reqwest and its cookie
    // store) logs into the same capture, and holds the cookies by design.
    let logs: String = captured_logs()
        .lines()
        .filter(|line| {
            // The target follows the level (the capture has no timestamps).
            let mut words =
                line.split_whitespace().skip_while(|w| !["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(w));
            let target = words.nth(1).unwrap_or("");
            !(target.starts_with("cookie_store") || target.starts_with("reqwest"))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let responses = seen.0.join("\n");
    let canaries = [
        ("the OTP code", otp.clone()),
        ("the session token", session),
        ("the Stripe key", stripe),
        ("the webhook secret", whsec),
        ("the refused Stripe key", refused),
        ("the API token", api_token[4..].to_owned()),
        ("the master key", master_hex),
        ("the TOTP secret", totp_secret),
        ("the admin password", crate::admin::PASSWORD.to_owned()),
    ];
    for (what, canary) in &canaries {
        for (place, text) in [("the audit log", &audit.0), ("the log output", &logs), ("an HTTP response", &responses)]
        {
            // A six-digit code can occur by chance in long text (ids, timestamps); look
            // for it as the value of a field, the way a leak would write it.
            let hit = if what == &"the OTP code" {
                [format!("\"{canary}\""), format!("={canary}"), format!(": {canary}"), format!(">{canary}<")]
                    .iter()
                    .any(|needle| text.contains(needle.as_str()))
            } else {
                text.to_lowercase().contains(&canary.to_lowercase())
            };
            let context = text
                .lines()
                .find(|l| l.to_lowercase().contains(&canary.to_lowercase()))
                .map(|l| l.chars().take(300).collect::<String>())
                .unwrap_or_default();
            assert!(!hit, "{what} appears in {place}: {context}");
        }
    }
}
