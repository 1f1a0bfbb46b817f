//! Attacks on the promises of the Security page, performed and refused: a removed or
//! suspended member's API token, an expired token, a member redirecting the money
//! (the bank account, card-payment and SMS keys), each asserted to fail and the
//! owner's changes audited and told to every owner.

use reqwest::StatusCode;

use crate::helpers::{TestApp, new_client};

async fn owner_with_business(app: &TestApp, client: &reqwest::Client, email: &str) {
    app.log_in(client, email).await;
    let form = [
        ("name", "Peningar ehf."),
        ("country", "IS"),
        ("default_currency", "ISK"),
        ("payment_terms_days", "14"),
        ("invoice_language", "is"),
        ("iban", "IS14 0159 2600 7654 5510 7303 39"),
    ];
    assert_eq!(app.post_form(client, "/settings/business", &form).await.status(), 303);
}

async fn member(app: &TestApp, owner: &reqwest::Client, email: &str, role: &str) -> (reqwest::Client, uuid::Uuid) {
    let invited = app.post_form(owner, "/settings/members", &[("email", email), ("role", role)]).await;
    assert_eq!(invited.status(), 200);
    let client = new_client();
    app.sign_in_and_join(&client, email).await;
    let id = sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email).fetch_one(&app.db).await.unwrap();
    (client, id)
}

async fn new_token(app: &TestApp, client: &reqwest::Client, scope: &str, expires_in_days: &str) -> String {
    let form = [("name", "Sync"), ("scope", scope), ("expires_in_days", expires_in_days)];
    let page = app.post_form(client, "/settings/api-tokens", &form).await.text().await.unwrap();
    let start = page.find("data-new-token>").expect("the new token is shown") + "data-new-token>".len();
    page[start..].split('<').next().unwrap().to_owned()
}

async fn api_status(app: &TestApp, token: &str, write: bool) -> StatusCode {
    let client = reqwest::Client::new();
    let request = if write {
        let body = serde_json::json!({"kind": "person", "name": "Probe", "country": "IS"});
        client.post(app.url("/api/v1/customers")).json(&body)
    } else {
        client.get(app.url("/api/v1/customers"))
    };
    request.bearer_auth(token).send().await.unwrap().status()
}

#[tokio::test]
async fn a_removed_members_token_stops_at_once_and_stays_dead() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner, "owner@tokens.example").await;
    let (bob, bob_id) = member(&app, &owner, "bob@tokens.example", "member").await;
    let token = new_token(&app, &bob, "write", "").await;
    assert_eq!(api_status(&app, &token, false).await, StatusCode::OK);
    assert_eq!(api_status(&app, &token, true).await, StatusCode::CREATED);
    let list = app.get(&owner, "/settings/api-tokens").await.text().await.unwrap();
    assert!(list.contains("<td data-created-by>bob@tokens.example</td>"), "the owner sees whose it is: {list}");

    assert_eq!(app.post_form(&owner, &format!("/settings/members/{bob_id}/remove"), &[]).await.status(), 303);
    assert_eq!(api_status(&app, &token, false).await, StatusCode::UNAUTHORIZED, "reads stop");
    assert_eq!(api_status(&app, &token, true).await, StatusCode::UNAUTHORIZED, "writes stop");
    // Invited again, the old token does not come back to life.
    member(&app, &owner, "bob@tokens.example", "member").await;
    assert_eq!(api_status(&app, &token, false).await, StatusCode::UNAUTHORIZED);
    let removed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'member.removed' AND details->>'api_tokens_revoked' = '1'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(removed, 1, "the removal is audited with the tokens it revoked");
}

#[tokio::test]
async fn a_suspended_users_token_stops_and_an_expired_one_too() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner, "owner@expiry.example").await;
    let (carol, carol_id) = member(&app, &owner, "carol@expiry.example", "member").await;
    let token = new_token(&app, &carol, "read", "").await;
    assert_eq!(api_status(&app, &token, false).await, StatusCode::OK);
    // Suspended (by the operator, here straight in the database): the token stops.
    sqlx::query("UPDATE users SET suspended_at = now() WHERE id = $1").bind(carol_id).execute(&app.db).await.unwrap();
    assert_eq!(api_status(&app, &token, false).await, StatusCode::UNAUTHORIZED);

    let expiring = new_token(&app, &owner, "read", "30").await;
    assert_eq!(api_status(&app, &expiring, false).await, StatusCode::OK);
    let odd =
        app.post_form(&owner, "/settings/api-tokens", &[("name", "X"), ("scope", "read"), ("expires_in_days", "7")]);
    assert_eq!(odd.await.status(), 422, "only the offered lifetimes");
    app.clock.set(app.clock_now() + time::Duration::days(31));
    assert_eq!(api_status(&app, &expiring, false).await, StatusCode::UNAUTHORIZED, "expired after 30 days");
}

#[tokio::test]
async fn an_accountants_token_only_reads_and_members_revoke_only_their_own() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner, "owner@scopes.example").await;
    let (dana, _) = member(&app, &owner, "dana@scopes.example", "accountant").await;
    let token = new_token(&app, &dana, "write", "").await;
    assert_eq!(api_status(&app, &token, false).await, StatusCode::OK);
    assert_eq!(api_status(&app, &token, true).await, StatusCode::FORBIDDEN, "an accountant's token cannot write");

    let (erik, _) = member(&app, &owner, "erik@scopes.example", "member").await;
    let owners_token = new_token(&app, &owner, "read", "").await;
    let owners_id: uuid::Uuid =
        sqlx::query_scalar("SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.created_by WHERE u.email = $1")
            .bind("owner@scopes.example")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let refused = app.post_form(&erik, &format!("/settings/api-tokens/{owners_id}/revoke"), &[]).await;
    assert_eq!(refused.status(), 404, "a member cannot revoke the owner's token");
    assert_eq!(api_status(&app, &owners_token, false).await, StatusCode::OK);
    let danas_id: uuid::Uuid =
        sqlx::query_scalar("SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.created_by WHERE u.email = $1")
            .bind("dana@scopes.example")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(app.post_form(&owner, &format!("/settings/api-tokens/{danas_id}/revoke"), &[]).await.status(), 303);
    assert_eq!(api_status(&app, &token, false).await, StatusCode::UNAUTHORIZED, "the owner revokes any");
}

#[tokio::test]
async fn only_an_owner_changes_where_the_money_goes_and_every_owner_is_told() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner, "owner@money.example").await;
    let (mallory, _) = member(&app, &owner, "mallory@money.example", "member").await;
    let profile = |iban: &'static str, name: &'static str| {
        vec![
            ("name", name),
            ("country", "IS"),
            ("default_currency", "ISK"),
            ("payment_terms_days", "14"),
            ("invoice_language", "is"),
            ("iban", iban),
        ]
    };
    // The classic invoice-redirection fraud: a member points the invoices at their account.
    let redirect =
        app.post_form(&mallory, "/settings/business", &profile("DE89 3704 0044 0532 0130 00", "Peningar ehf.")).await;
    assert_eq!(redirect.status(), 403);
    assert!(redirect.text().await.unwrap().contains("Only an owner can change where payments go"));
    let iban: String = sqlx::query_scalar("SELECT iban FROM businesses WHERE name = 'Peningar ehf.'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(iban.starts_with("IS14"), "unchanged: {iban}");
    // The other keys that move money or cost money are the owner's too.
    let stripe = [("stripe_secret_key", "sk_test_51Attacker000000000000000000")];
    assert_eq!(app.post_form(&mallory, "/settings/payments", &stripe).await.status(), 403);
    let sms = [("provider", "46elks"), ("account", "u1"), ("secret", "s3cret-value"), ("sender", "Mallory")];
    assert_eq!(app.post_form(&mallory, "/settings/sms", &sms).await.status(), 403);
    // A member still edits the rest of the profile.
    let renamed = app
        .post_form(&mallory, "/settings/business", &profile("IS14 0159 2600 7654 5510 7303 39", "Peningar hf."))
        .await;
    assert_eq!(renamed.status(), 303);

    // The owner's change is audited, masked, and every owner hears of it.
    let changed =
        app.post_form(&owner, "/settings/business", &profile("DE89 3704 0044 0532 0130 00", "Peningar hf.")).await;
    assert_eq!(changed.status(), 303);
    let details: serde_json::Value = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = 'config.payment_details.changed' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let change = &details["changes"][0];
    assert_eq!(
        (change["what"].as_str(), change["old"].as_str(), change["new"].as_str()),
        (Some("IBAN"), Some("IS14…0339"), Some("DE89…3000"))
    );
    assert!(!details.to_string().contains("0532"), "the full number stays out of the log: {details}");
    let told = |m: &crate::smtp_sink::ReceivedMail| {
        m.to == ["owner@money.example"]
            && m.header("subject").is_some_and(|s| s.contains("Payment details"))
            && m.body().contains("DE89")
    };
    let mail = app.smtp.wait_for_matching(1, told).await.remove(0);
    // The body is quoted-printable UTF-8 ("…" is =E2=80=A6): the masked ends are in it.
    let body = mail.body();
    assert!(body.contains("IS14") && body.contains("0339") && body.contains("DE89") && body.contains("3000"), "{body}");
    assert!(!body.contains("0532") && body.contains("owner@money.example"), "masked, and says who: {body}");
    // The alert and the invitation are accounted for as dispatches, recipients masked.
    let dispatched: Vec<(String, String)> = sqlx::query_as(
        "SELECT details->>'kind', details->>'recipient' FROM audit_events WHERE action = 'dispatch.email.queued' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(dispatched.iter().any(|(kind, _)| kind == "invitation"), "{dispatched:?}");
    assert!(dispatched.iter().any(|(kind, _)| kind == "payment_details_alert"), "{dispatched:?}");
    assert!(
        dispatched.iter().all(|(_, to)| !to.contains("owner@money.example") && !to.contains("mallory@")),
        "{dispatched:?}"
    );
    let fields: serde_json::Value = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = 'config.profile.updated' ORDER BY id DESC LIMIT 1 OFFSET 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(fields["fields"], serde_json::json!(["name"]), "the member's rename is audited by field");
}

/// The host and port of the app's listener, for raw TCP.
fn socket_of(app: &TestApp) -> String {
    app.url("").trim_start_matches("http://").trim_end_matches('/').to_owned()
}

/// Reads until the server closes the connection (Ok(true)) or `within` passes (Ok(false)).
async fn closed_within(stream: &mut tokio::net::TcpStream, within: std::time::Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buffer = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_cut_off() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(|s| s.http.header_read_timeout_seconds = 2).await;
    let mut slow = tokio::net::TcpStream::connect(socket_of(&app)).await.unwrap();
    slow.write_all(b"GET /login HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();
    // Slowloris: a header line every half second, never the blank line that ends them.
    let trickle = async {
        for n in 0..40 {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            if slow.write_all(format!("X-Slow-{n}: a\r\n").as_bytes()).await.is_err() {
                return n;
            }
        }
        40
    };
    let lines = trickle.await;
    assert!(lines < 40, "the server kept a trickling client for 20 s");
    // An idle keep-alive connection is closed too.
    let mut idle = tokio::net::TcpStream::connect(socket_of(&app)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    assert!(closed_within(&mut idle, std::time::Duration::from_secs(8)).await, "idle keep-alive closed");
    // A normal client is served.
    assert_eq!(app.get(&new_client(), "/login").await.status(), 200);
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(|s| {
        s.http.max_connections = 2;
        s.http.header_read_timeout_seconds = 3;
    })
    .await;
    let mut hogs = Vec::new();
    for _ in 0..2 {
        let mut hog = tokio::net::TcpStream::connect(socket_of(&app)).await.unwrap();
        hog.write_all(b"GET /login HTTP/1.1\r\n").await.unwrap();
        hogs.push(hog);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_millis(1500)).build().unwrap();
    assert!(client.get(app.url("/login")).send().await.is_err(), "a third connection is not served while two are held");
    // The held ones time out (3 s); then the server answers again.
    let patient = reqwest::Client::builder().timeout(std::time::Duration::from_secs(15)).build().unwrap();
    assert_eq!(patient.get(app.url("/login")).send().await.unwrap().status(), 200);
    drop(hogs);
}

#[tokio::test]
async fn a_fresh_account_is_not_a_mail_cannon() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = crate::invoicing::set_up_business(&app, &owner, "cannon@quota.example", "EUR").await;
    let id = crate::invoicing::new_draft(&app, &owner, &customer, "net").await;
    let issued =
        crate::invoicing::save_draft(&app, &owner, &id, &customer, "EUR", &[["Spam", "1", "1", "S", "24"]], "issue");
    assert_eq!(issued.await.status(), 303);
    // 300 sends to 300 different addresses in a minute: the first 20 go, the rest wait.
    let mut accepted = 0;
    let mut refused = None;
    for n in 0..300 {
        let recipient = format!("victim{n}@elsewhere.example");
        let form = [("send_email", "1"), ("recipient", recipient.as_str())];
        let response = app.post_form(&owner, &format!("/invoices/{id}/send"), &form).await;
        match response.status() {
            StatusCode::SEE_OTHER => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(response.headers().contains_key("retry-after"));
                refused = Some(response.text().await.unwrap());
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(accepted, 20, "a new business sends 20 emails per 10 minutes");
    assert!(refused.unwrap().contains("has sent as many emails as it may for now"));
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM invoice_deliveries WHERE channel = 'email'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(queued, 20, "nothing beyond the quota was queued");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'quota.refused' AND details->>'kind' = 'email'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Invitations are limited too (10 a day for a new business).
    let mut invited = 0;
    for n in 0..15 {
        let form = [("email", format!("staff{n}@quota.example")), ("role", "member".to_owned())];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        if app.post_form(&owner, "/settings/members", &form).await.status() == StatusCode::OK {
            invited += 1;
        }
    }
    assert_eq!(invited, 10);

    // The operator sees the refusal in the console and raises the business's email
    // quota there: sending works again at once, and the change is an admin event.
    let (ops, _, _) = crate::admin::enrolled_admin(&app, "ops").await;
    let console = app.get(&ops, "/admin/quotas").await.text().await.unwrap();
    let business_id: uuid::Uuid = sqlx::query_scalar("SELECT business_id FROM invoices WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let refusals = console.split("data-quota-refusals").nth(1).expect("refusals are listed");
    assert!(refusals.contains(&business_id.to_string()) && refusals.contains("email"), "{console}");
    let business = business_id.to_string();
    let raise = [("business_id", business.as_str()), ("kind", "email"), ("per_day", "500")];
    assert_eq!(crate::admin::post(&app, &ops, "/admin/quotas", &raise).await.status(), StatusCode::SEE_OTHER);
    let logged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE category = 'admin' AND action = 'business.quota'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(logged, 1);
    let form = [("send_email", "1"), ("recipient", "customer@elsewhere.example")];
    assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/send"), &form).await.status(), StatusCode::SEE_OTHER);
}

/// A large daily limit (here an operator's 600 a day) is counted in buckets, not one row
/// per message: the 601st of the day is refused all the same, for about a day, and the
/// platform-wide count (50,000 a day) goes the same way.
#[tokio::test]
async fn a_large_daily_quota_counted_in_buckets_still_holds() {
    use fastfaktura::quotas::{Quota, Refused, take};
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner, "owner@buckets.example").await;
    let business: uuid::Uuid = sqlx::query_scalar("SELECT id FROM businesses").fetch_one(&app.db).await.unwrap();
    sqlx::query("INSERT INTO business_quotas (business_id, kind, per_day, set_by, set_at) VALUES ($1, 'email', 600, 'test', now())")
        .bind(business)
        .execute(&app.db)
        .await
        .unwrap();
    let start = app.clock_now();
    let actor = fastfaktura::audit::Actor::System;
    // One message every 11 s stays within the 60-per-10-minutes burst.
    for n in 0..600 {
        let at = start + time::Duration::seconds(11 * n);
        let taken = take(&app.db, at, business, &actor, Quota::Email).await.unwrap();
        assert!(taken.is_ok(), "message {n} is within the day's 600: {taken:?}");
    }
    let after = start + time::Duration::seconds(11 * 600);
    match take(&app.db, after, business, &actor, Quota::Email).await.unwrap() {
        Err(Refused::Limit(wait)) => {
            assert!(wait > time::Duration::hours(20) && wait <= time::Duration::hours(25), "{wait}")
        }
        other => panic!("the 601st message of the day must be refused: {other:?}"),
    }
    let rows: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM rate_limit_buckets WHERE key LIKE 'quota:email:business:%'),
                (SELECT coalesce(sum(count), 0) FROM rate_limit_buckets WHERE key LIKE 'quota:email:platform%')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(rows.0 <= 96, "a day of sends is at most 96 buckets, not 600 rows: {}", rows.0);
    assert_eq!(rows.1, 600, "the platform-wide count saw every message");
    // A day and a bucket later there is room again.
    let next_day = after + time::Duration::hours(25);
    assert!(take(&app.db, next_day, business, &actor, Quota::Email).await.unwrap().is_ok());
}
