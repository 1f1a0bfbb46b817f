//! The admin console (issue 6; security criteria ADM-1 to ADM-10, TOTP-2 to TOTP-10).
//!
//! TOTP codes are computed by oathtool (OATH Toolkit), an implementation independent
//! of totp-rs, at the app's manual clock.

use std::time::Instant;

use time::Duration;

use crate::helpers::{TestApp, captured_logs, new_client, retry_after};

pub(crate) const PASSWORD: &str = "canary-Pw-7f3e2a91-correct horse";

/// The code for `secret` (base32) at the app's clock, from oathtool.
pub(crate) fn oath(app: &TestApp, secret: &str) -> String {
    let at = format!("@{}", app.clock_now().unix_timestamp());
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", secret, "-N", &at])
        .output()
        .expect("oathtool is missing: run scripts/install-deps");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

async fn create_admin(app: &TestApp, username: &str) {
    fastfaktura::admin_cli::create(&app.db, username, PASSWORD.into()).await.unwrap();
}

/// A POST from the console's own pages (the Origin check wants one).
pub(crate) async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).header("origin", &app.address).form(form).send().await.unwrap()
}

async fn login(app: &TestApp, client: &reqwest::Client, user: &str, password: &str, code: &str) -> reqwest::Response {
    post(app, client, "/admin/login", &[("username", user), ("password", password), ("code", code)]).await
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("{start} not in {text}")) + start.len();
    &text[from..from + text[from..].find(end).unwrap()]
}

/// Signs in with the password and enrols TOTP; returns (client, secret, recovery codes).
pub(crate) async fn enrolled_admin(app: &TestApp, username: &str) -> (reqwest::Client, String, Vec<String>) {
    create_admin(app, username).await;
    enrol(app, username).await
}

/// Signs an existing admin (password `PASSWORD`) in and enrols TOTP.
pub(crate) async fn enrol(app: &TestApp, username: &str) -> (reqwest::Client, String, Vec<String>) {
    let client = new_client();
    let response = login(app, &client, username, PASSWORD, "").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin/enrol");
    // ADM-1: until enrolled, only the enrolment page.
    assert_eq!(app.get(&client, "/admin").await.status(), 403);
    assert_eq!(app.get(&client, "/admin/users?q=x").await.status(), 403);
    assert_eq!(post(app, &client, "/admin/enrol/start", &[]).await.status(), 303);
    let page = app.get(&client, "/admin/enrol").await.text().await.unwrap();
    assert!(page.contains("<svg") && page.contains("required"), "{page}");
    let secret = between(&page, "id=\"secret\">", "<").to_owned();
    assert_eq!(secret.len(), 32, "160-bit secret in base32");
    let wrong = post(app, &client, "/admin/enrol", &[("code", "000000")]).await;
    assert_eq!(wrong.status(), 400);
    let done = post(app, &client, "/admin/enrol", &[("code", &oath(app, &secret))]).await;
    assert_eq!(done.status(), 200);
    let page = done.text().await.unwrap();
    let codes: Vec<String> = between(&page, "id=\"recovery-codes\">", "</ul>")
        .split("<code>")
        .skip(1)
        .map(|c| c[..c.find('<').unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    assert_eq!(app.get(&client, "/admin").await.status(), 200);
    (client, secret, codes)
}

#[tokio::test]
async fn an_admin_enrols_totp_then_signs_in_with_password_and_code_and_codes_are_single_use() {
    let app = TestApp::spawn().await;
    let (client, secret, recovery) = enrolled_admin(&app, "alice").await;
    // ADM-3: the stored hash is argon2id with at least the minimum parameters.
    let (hash, sealed): (String, Vec<u8>) =
        sqlx::query_as("SELECT password_hash, totp_secret_sealed FROM admin_users WHERE username = 'alice'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
    assert!(!String::from_utf8_lossy(&sealed).contains(&secret));
    // Cookie (ADM-7).
    let fresh = new_client();
    app.clock.advance(Duration::seconds(30));
    let response = login(&app, &fresh, "alice", PASSWORD, &oath(&app, &secret)).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin");
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("ff_admin=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    // The same code again (same step) is refused: RFC 6238 §5.2 / TOTP-5(a).
    let replay = login(&app, &new_client(), "alice", PASSWORD, &oath(&app, &secret)).await;
    assert_eq!(replay.status(), 200);
    assert!(replay.text().await.unwrap().contains("The username, password or code is not correct."));
    // A recovery code works once.
    assert_eq!(login(&app, &new_client(), "alice", PASSWORD, &recovery[3]).await.status(), 303);
    assert_eq!(login(&app, &new_client(), "alice", PASSWORD, &recovery[3]).await.status(), 200);
    // Logout ends the session on the server.
    assert_eq!(post(&app, &client, "/admin/logout", &[]).await.status(), 303);
    assert_eq!(app.get(&client, "/admin").await.headers()["location"], "/admin/login");
    let signed_out: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE category = 'admin' AND action = 'logout' AND actor = 'alice'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(signed_out, 1, "signing out is in the admin event log");
    // Idle timeout: 15 minutes.
    assert_eq!(app.get(&fresh, "/admin").await.status(), 200);
    app.clock.advance(Duration::minutes(16));
    assert_eq!(app.get(&fresh, "/admin").await.headers()["location"], "/admin/login");
    // Canaries: neither the password nor the secret is logged.
    let logs = captured_logs();
    assert!(!logs.contains(PASSWORD) && !logs.contains(&secret) && !logs.contains(&recovery[0]));
}

#[tokio::test]
async fn a_look_ahead_code_cannot_be_used_again_when_its_step_arrives() {
    let app = TestApp::spawn().await;
    let (_client, secret, _) = enrolled_admin(&app, "bob").await;
    // TOTP-5(c): the code of T+1 accepted at T, then rejected at T+1.
    app.clock.advance(Duration::seconds(60));
    let ahead = {
        app.clock.advance(Duration::seconds(30));
        let code = oath(&app, &secret);
        app.clock.advance(Duration::seconds(-30));
        code
    };
    assert_eq!(login(&app, &new_client(), "bob", PASSWORD, &ahead).await.status(), 303);
    app.clock.advance(Duration::seconds(30));
    assert_eq!(login(&app, &new_client(), "bob", PASSWORD, &ahead).await.status(), 200);
    // Two steps back is outside the window.
    app.clock.advance(Duration::seconds(90));
    let old = {
        app.clock.advance(Duration::seconds(-60));
        let code = oath(&app, &secret);
        app.clock.advance(Duration::seconds(60));
        code
    };
    if old != oath(&app, &secret) {
        assert_eq!(login(&app, &new_client(), "bob", PASSWORD, &old).await.status(), 200);
    }
}

#[tokio::test]
async fn twenty_parallel_logins_with_one_code_let_exactly_one_in() {
    let app = TestApp::spawn_with(|s| s.admin.login_attempts_per_ip_minute = 100).await;
    let (_client, secret, _) = enrolled_admin(&app, "carol").await;
    app.clock.advance(Duration::seconds(30));
    let code = oath(&app, &secret);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (url, origin, code) = (app.url("/admin/login"), app.address.clone(), code.clone());
        tasks.spawn(async move {
            let form = [("username", "carol"), ("password", PASSWORD), ("code", code.as_str())];
            new_client().post(url).header("origin", origin).form(&form).send().await.unwrap().status().as_u16()
        });
    }
    let statuses = tasks.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "{statuses:?}");
    assert!(captured_logs().contains("totp_replay"));
}

#[tokio::test]
async fn unknown_user_wrong_password_and_wrong_code_look_the_same() {
    let app = TestApp::spawn_with(|s| s.admin.login_attempts_per_ip_minute = 100).await;
    let (_client, _secret, _) = enrolled_admin(&app, "dave").await;
    let mut bodies = Vec::new();
    let mut times = Vec::new();
    for (user, password, code) in
        [("nobody", PASSWORD, "123456"), ("dave", "wrong password entirely", "123456"), ("dave", PASSWORD, "000000")]
    {
        let started = Instant::now();
        let response = login(&app, &new_client(), user, password, code).await;
        times.push(started.elapsed());
        assert_eq!(response.status(), 200);
        let body = response.text().await.unwrap().replace(user, "USER");
        assert!(body.contains("The username, password or code is not correct."));
        bodies.push(body);
    }
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[1], bodies[2]);
    // The unknown name is checked against a dummy hash: not dramatically faster.
    assert!(times[0] * 4 > times[1], "unknown {:?} vs wrong password {:?}", times[0], times[1]);
}

#[tokio::test]
async fn ten_attempts_per_minute_per_address_and_a_spoofed_forwarded_for_changes_nothing() {
    let app = TestApp::spawn().await;
    for n in 0..10 {
        let response = app
            .client
            .post(app.url("/admin/login"))
            .header("origin", &app.address)
            .header("x-forwarded-for", format!("198.51.100.{n}"))
            .form(&[("username", format!("user{n}").as_str()), ("password", "whatever it is, it is wrong")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let refused = login(&app, &new_client(), "someone", "whatever it is, it is wrong", "").await;
    assert_eq!(refused.status(), 429);
    assert!((1..=60).contains(&retry_after(&refused).unwrap()));
    app.clock.advance(Duration::seconds(61));
    assert_eq!(login(&app, &new_client(), "someone", "whatever it is, it is wrong", "").await.status(), 200);
}

#[tokio::test]
async fn failures_spread_over_fifty_addresses_still_trip_the_account_limit_and_100_lock_it() {
    let app = TestApp::spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    create_admin(&app, "erin").await;
    let mut statuses = Vec::new();
    for n in 0..50 {
        let response = app
            .client
            .post(app.url("/admin/login"))
            .header("origin", &app.address)
            // What our proxy appends is the right-most entry; the left one is the client's claim.
            .header("x-forwarded-for", format!("10.0.0.1, 203.0.113.{n}"))
            .form(&[("username", "erin"), ("password", "not the password at all")])
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[200; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    // Backoff: 1 s after the fifth failure, then doubling.
    app.clock.advance(Duration::seconds(2));
    assert_eq!(login(&app, &new_client(), "erin", "not the password at all", "").await.status(), 200);
    assert_eq!(login(&app, &new_client(), "erin", PASSWORD, "").await.status(), 429);
    // 100 consecutive failures lock the name until unlocked out of band.
    sqlx::query("UPDATE admin_login_failures SET consecutive = 99 WHERE username = 'erin'")
        .execute(&app.db)
        .await
        .unwrap();
    app.clock.advance(Duration::minutes(16));
    assert_eq!(login(&app, &new_client(), "erin", "not the password at all", "").await.status(), 200);
    app.clock.advance(Duration::hours(2));
    let locked = login(&app, &new_client(), "erin", PASSWORD, "").await;
    assert_eq!(locked.status(), 429);
    assert!(locked.text().await.unwrap().contains("locked"));
    assert!(fastfaktura::admin_cli::unlock(&app.db, "erin").await.unwrap());
    assert_eq!(login(&app, &new_client(), "erin", PASSWORD, "").await.status(), 303);
    let events: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_events WHERE category = 'admin' AND (action LIKE 'login.%' OR action = 'admin.unlock')")
            .fetch_all(&app.db)
            .await
            .unwrap();
    for action in ["login.failure", "login.locked", "admin.unlock", "login.success"] {
        assert!(events.iter().any(|(a,)| a == action), "{action} not recorded: {events:?}");
    }
    // The addresses recorded are the proxied clients', not the proxy's.
    let ips: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT ip FROM audit_events WHERE category = 'admin' AND action = 'login.failure'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert!(ips.iter().any(|(ip,)| ip == "203.0.113.3"), "{ips:?}");
}

#[tokio::test]
async fn every_state_changing_admin_request_checks_its_origin() {
    let app = TestApp::spawn_with(|s| s.admin.login_attempts_per_ip_minute = 100).await;
    let own = app.address.clone();
    let host = own.trim_start_matches("http://").to_owned();
    let lookalike = format!("{own}.evil.example");
    let downgrade = format!("https://{host}");
    let own_referer = format!("{own}/admin/login");
    let cases: Vec<(Vec<(&str, &str)>, bool)> = vec![
        (vec![("origin", own.as_str())], true),
        (vec![("origin", "https://evil.example")], false),
        (vec![("origin", "null")], false),
        (vec![("origin", lookalike.as_str())], false),
        (vec![("origin", downgrade.as_str())], false),
        (vec![("referer", own_referer.as_str())], true),
        (vec![("referer", "https://evil.example/")], false),
        (vec![], false),
        (vec![("sec-fetch-site", "cross-site"), ("origin", own.as_str())], false),
        (vec![("sec-fetch-site", "same-site"), ("origin", own.as_str())], false),
    ];
    for path in ["/admin/login", "/admin/logout", "/admin/enrol/start", "/admin/admins"] {
        for (headers, allowed) in &cases {
            let mut request = new_client().post(app.url(path)).form(&[("username", "x"), ("password", "y")]);
            for (k, v) in headers {
                request = request.header(*k, *v);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            assert!(response.headers().get_all("vary").iter().any(|v| v.to_str().unwrap().contains("Origin")));
            if *allowed {
                assert_ne!(status, 403, "{path} {headers:?}");
            } else {
                assert_eq!(status, 403, "{path} {headers:?}");
                assert!(response.text().await.unwrap().contains("did not come from the admin console"));
            }
        }
    }
}

#[tokio::test]
async fn user_and_admin_sessions_never_open_each_others_pages_and_suspension_ends_a_user_at_once() {
    let app = TestApp::spawn().await;
    let (admin, secret, _) = enrolled_admin(&app, "frank").await;
    let user = new_client();
    app.log_in(&user, "victim@example.com").await;
    // A user session is no admin session and vice versa (ADM-9).
    assert_eq!(app.get(&user, "/admin").await.headers()["location"], "/admin/login");
    assert_eq!(app.get(&admin, "/").await.headers()["location"], "/login");
    // Search finds the user and their business.
    let page = app.get(&admin, "/admin/users?q=VICTIM").await.text().await.unwrap();
    assert!(page.contains("victim@example.com"), "{page}");
    let page = app.get(&admin, "/admin/users?q=my%20bus").await.text().await.unwrap();
    assert!(page.contains("My business") && page.contains("victim@example.com"), "{page}");
    let user_id: (uuid::Uuid,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'victim@example.com'").fetch_one(&app.db).await.unwrap();
    let base = format!("/admin/users/{}", user_id.0);
    let suspended = post(&app, &admin, &format!("{base}/suspend"), &[]).await;
    assert_eq!(suspended.status(), 303);
    // At once: the open session is gone, and a correct code opens no new one.
    assert_eq!(app.get(&user, "/").await.headers()["location"], "/login");
    let mail = app.request_code_mail(&user, "victim@example.com").await;
    let refused = app.submit_code(&user, &mail.code()).await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("suspended"));
    // Suspending twice changes nothing and says so.
    let again = post(&app, &admin, &format!("{base}/suspend"), &[]).await;
    let page = app.get(&admin, again.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("Already suspended"), "{page}");
    assert_eq!(post(&app, &admin, &format!("{base}/reinstate"), &[]).await.status(), 303);
    app.log_in(&user, "victim@example.com").await;
    assert_eq!(post(&app, &admin, &format!("{base}/end-sessions"), &[]).await.status(), 303);
    assert_eq!(app.get(&user, "/").await.headers()["location"], "/login");
    // Bad ids are 404, not 500.
    assert_eq!(app.get(&admin, "/admin/users/not-a-uuid").await.status(), 404);
    assert_eq!(
        post(&app, &admin, "/admin/users/00000000-0000-0000-0000-000000000000/suspend", &[]).await.status(),
        404
    );
    // Every action is recorded with actor, target and before/after.
    let (actor, target, details): (String, String, serde_json::Value) = sqlx::query_as(
        "SELECT actor, target, details FROM audit_events WHERE category = 'admin' AND action = 'user.suspend' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((actor.as_str(), target), ("frank", format!("user:{}", user_id.0)));
    assert_eq!(details["after"]["suspended"], true);
    let _ = secret;
}

#[tokio::test]
async fn admins_are_created_with_step_up_and_the_password_policy() {
    let app = TestApp::spawn().await;
    let (admin, secret, _) = enrolled_admin(&app, "grace").await;
    app.clock.advance(Duration::seconds(30));
    let weak = post(
        &app,
        &admin,
        "/admin/admins",
        &[("username", "heidi"), ("password", "short"), ("code", &oath(&app, &secret))],
    )
    .await;
    assert_eq!(weak.status(), 400);
    assert!(weak.text().await.unwrap().contains("at least 15 characters"));
    let common = post(
        &app,
        &admin,
        "/admin/admins",
        &[("username", "heidi"), ("password", "1qaz2wsx3edc4rfv"), ("code", &oath(&app, &secret))],
    )
    .await;
    assert_eq!(common.status(), 400);
    assert!(common.text().await.unwrap().contains("commonly used"));
    let no_step_up =
        post(&app, &admin, "/admin/admins", &[("username", "heidi"), ("password", PASSWORD), ("code", "000000")]).await;
    assert_eq!(no_step_up.status(), 400);
    let created = post(
        &app,
        &admin,
        "/admin/admins",
        &[("username", "heidi"), ("password", PASSWORD), ("code", &oath(&app, &secret))],
    )
    .await;
    assert_eq!(created.status(), 303);
    // The step-up code is used up: the same code cannot authorise a second action.
    let reused = post(
        &app,
        &admin,
        "/admin/admins",
        &[("username", "ivan"), ("password", PASSWORD), ("code", &oath(&app, &secret))],
    )
    .await;
    assert_eq!(reused.status(), 400);
    let list = app.get(&admin, "/admin/admins").await.text().await.unwrap();
    assert!(list.contains("heidi"));
    // Malformed bodies are 4xx, never 500.
    let bad = admin
        .post(app.url("/admin/admins"))
        .header("origin", &app.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("%%%")
        .send()
        .await
        .unwrap();
    assert!(bad.status().is_client_error(), "{}", bad.status());
}

#[tokio::test]
async fn no_get_route_of_the_console_changes_state() {
    let app = TestApp::spawn().await;
    let (admin, _secret, _) = enrolled_admin(&app, "judy").await;
    let user = new_client();
    app.log_in(&user, "someone@example.com").await;
    let (user_id,): (uuid::Uuid,) = sqlx::query_as("SELECT id FROM users LIMIT 1").fetch_one(&app.db).await.unwrap();
    let fingerprint = || async {
        let row: (String,) = sqlx::query_as(
            "SELECT concat_ws('|', (SELECT count(*) FROM audit_events WHERE category = 'admin'), (SELECT count(*) FROM sessions),
                    (SELECT string_agg(coalesce(suspended_at::text, '-'), ',') FROM users),
                    (SELECT string_agg(concat(username, disabled_at, totp_enabled_at, totp_last_step, md5(coalesce(totp_secret_sealed, ''))), ',') FROM admin_users),
                    (SELECT count(*) FROM admin_recovery_codes WHERE used_at IS NULL), (SELECT count(*) FROM admin_login_failures),
                    (SELECT count(*) FROM backup_runs), (SELECT count(*) FROM outgoing_emails), (SELECT count(*) FROM admin_known_ips))",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        row.0
    };
    let before = fingerprint().await;
    for (method, path) in fastfaktura::http::admin::ROUTES {
        let path = path.replace("{id}", &user_id.to_string());
        if *method == "GET" {
            let status = app.get(&admin, &path).await.status().as_u16();
            assert!(status < 500, "GET {path}: {status}");
        } else if !fastfaktura::http::admin::ROUTES
            .iter()
            .any(|(m, p)| *m == "GET" && p.replace("{id}", &user_id.to_string()) == path)
        {
            assert_eq!(app.get(&admin, &path).await.status(), 405, "GET on {method} {path} must not be routed");
        }
    }
    assert_eq!(fingerprint().await, before);
}

#[tokio::test]
async fn a_console_action_and_its_record_happen_together_or_not_at_all() {
    let app = TestApp::spawn().await;
    let (admin, _, _) = enrolled_admin(&app, "ops").await;
    let user = new_client();
    app.log_in(&user, "kept@records.example").await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'kept@records.example'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    // The admin event log refuses this one record (as a full disk or a broken
    // connection would): the suspension must not happen unrecorded.
    sqlx::raw_sql(
        "CREATE FUNCTION refuse_suspend_record() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'no record'; END; $$;
         CREATE TRIGGER refuse_suspend_record BEFORE INSERT ON audit_events
         FOR EACH ROW WHEN (NEW.action = 'user.suspend') EXECUTE FUNCTION refuse_suspend_record();",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let refused = post(&app, &admin, &format!("/admin/users/{id}/suspend"), &[]).await;
    assert!(refused.status().is_server_error(), "{}", refused.status());
    let suspended: bool = sqlx::query_scalar("SELECT suspended_at IS NOT NULL FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!suspended, "no unrecorded suspension");
    sqlx::raw_sql("DROP TRIGGER refuse_suspend_record ON audit_events").execute(&app.db).await.unwrap();
    assert_eq!(post(&app, &admin, &format!("/admin/users/{id}/suspend"), &[]).await.status(), 303);
}
