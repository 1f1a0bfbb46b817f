//! Brute-force bounds and secrecy of codes (security criteria OTP-2, OTP-8, OTP-14).

use time::Duration;

use crate::helpers::{TestApp, captured_logs, new_client, retry_after};

#[tokio::test]
async fn an_address_gets_at_most_three_codes_per_15_minutes_and_ten_per_day() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        assert_eq!(app.request_code(&new_client(), "limit@example.com").await.status(), 303);
    }
    let refused = app.request_code(&new_client(), "limit@example.com").await;
    assert_eq!(refused.status(), 429);
    let wait = retry_after(&refused).expect("Retry-After");
    assert!((1..=900).contains(&wait), "{wait}");
    assert!(refused.text().await.unwrap().contains("Too many codes were requested for this address"));
    // Another address is unaffected.
    assert_eq!(app.request_code(&new_client(), "other@example.com").await.status(), 303);
    // After the window, three more; and the daily cap of ten holds.
    let mut issued = 3;
    for _ in 0..3 {
        app.clock.advance(Duration::minutes(16));
        for _ in 0..3 {
            let status = app.request_code(&new_client(), "limit@example.com").await.status();
            if issued < 10 {
                assert_eq!(status, 303);
                issued += 1;
            } else {
                assert_eq!(status, 429);
            }
        }
    }
    assert_eq!(issued, 10);
    let sent = app.smtp.wait_for(11).await;
    assert_eq!(sent.iter().filter(|m| m.to == ["limit@example.com"]).count(), 10);
}

#[tokio::test]
async fn one_network_cannot_request_codes_without_limit() {
    let app = TestApp::spawn_with(|s| s.login.codes_per_ip_15min = 4).await;
    for n in 0..4 {
        assert_eq!(app.request_code(&new_client(), &format!("user{n}@example.com")).await.status(), 303);
    }
    let refused = app.request_code(&new_client(), "user9@example.com").await;
    assert_eq!(refused.status(), 429);
    assert!(refused.text().await.unwrap().contains("from your network"));
}

/// A browser whose requests arrive through our trusted proxy from `ip`.
fn client_from(ip: &str) -> reqwest::Client {
    crate::helpers::client_with_header("x-forwarded-for", ip)
}

#[tokio::test]
async fn ten_failures_per_address_from_one_client_stop_that_client_and_notify_the_owner() {
    let app = TestApp::spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let mut failures = 0;
    // An attacker elsewhere rotating codes: 3 codes x 4 wrong guesses = 12 guesses wanted.
    'outer: for round in 0..4 {
        if round == 3 {
            app.clock.advance(Duration::minutes(5));
        }
        let browser = client_from("198.51.100.7");
        let mail = app.request_code_mail(&browser, "target@example.com").await;
        let wrong = if mail.code() == "000000" { "111111" } else { "000000" };
        for _ in 0..4 {
            let response = app.submit_code(&browser, wrong).await;
            if response.status() == 429 {
                break 'outer;
            }
            assert_eq!(response.status(), 422);
            failures += 1;
        }
    }
    assert_eq!(failures, 10, "at most 10 guesses per address per client per 24 h");
    // That client is stopped even with a right code (it may have guessed one).
    app.clock.advance(Duration::minutes(16));
    let attacker = client_from("198.51.100.7");
    let mail = app.request_code_mail(&attacker, "target@example.com").await;
    let refused = app.submit_code(&attacker, &mail.code()).await;
    assert_eq!(refused.status(), 429);
    assert!(retry_after(&refused).unwrap() > 3600);
    assert!(refused.text().await.unwrap().contains("paused"));
    let notices = app.smtp.mails().into_iter().filter(|m| m.header("subject").unwrap().contains("paused")).count();
    assert_eq!(notices, 1, "the owner is told once");
    // The person is not locked out: from their own browser, the code they ask for works.
    let home = client_from("203.0.113.5");
    let fresh = app.request_code_mail(&home, "target@example.com").await;
    let signed_in = app.submit_code(&home, &fresh.code()).await;
    assert_eq!(signed_in.status(), 303, "the person signs in despite the attack");
}

#[tokio::test]
async fn a_code_asked_for_by_someone_else_does_not_replace_the_persons_code() {
    let app = TestApp::spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let home = client_from("203.0.113.5");
    let mail = app.request_code_mail(&home, "kept@example.com").await;
    // A stranger asks for codes for the same address (each would have replaced it).
    for _ in 0..2 {
        app.request_code_mail(&client_from("198.51.100.8"), "kept@example.com").await;
    }
    assert_eq!(app.submit_code(&home, &mail.code()).await.status(), 303);
}

#[tokio::test]
async fn every_address_of_one_ipv6_64_is_one_client_for_the_limits() {
    let app = TestApp::spawn_with(|s| {
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        s.login.codes_per_ip_15min = 3;
    })
    .await;
    for n in 0..3 {
        let client = client_from(&format!("2001:db8:42:7::{n:x}"));
        assert_eq!(app.request_code(&client, &format!("v6-{n}@example.com")).await.status(), 303);
    }
    let refused = app.request_code(&client_from("2001:db8:42:7:ffff::1"), "v6-9@example.com").await;
    assert_eq!(refused.status(), 429, "another address of the same /64 is the same network");
    assert_eq!(app.request_code(&client_from("2001:db8:42:8::1"), "v6-8@example.com").await.status(), 303);
}

#[tokio::test]
async fn issued_codes_never_appear_in_logs_responses_or_the_database() {
    let app = TestApp::spawn().await;
    let mut codes = Vec::new();
    let mut bodies = String::new();
    for n in 0..3 {
        let browser = new_client();
        let response = app.request_code(&browser, &format!("canary{n}@example.com")).await;
        bodies.push_str(&format!("{:?}", response.headers()));
        bodies.push_str(&response.text().await.unwrap());
        let mail = app.smtp.wait_for(n + 1).await.remove(n);
        codes.push(mail.code());
        let page = app.get(&browser, "/login/code").await;
        bodies.push_str(&page.text().await.unwrap());
        let wrong = app.submit_code(&browser, "999999").await;
        bodies.push_str(&wrong.text().await.unwrap());
        if n == 0 {
            let ok = app.submit_code(&browser, &mail.code()).await;
            bodies.push_str(&format!("{:?}", ok.headers()));
            bodies.push_str(&app.get(&browser, "/").await.text().await.unwrap());
        }
    }
    let dump = std::process::Command::new(pg_dump())
        .args(["--data-only", "--no-owner", "--dbname", &app.database_url])
        .output()
        .expect("run pg_dump");
    assert!(dump.status.success(), "pg_dump: {}", String::from_utf8_lossy(&dump.stderr));
    let dump = String::from_utf8_lossy(&dump.stdout).into_owned();
    assert!(dump.contains("canary0@example.com"), "the dump is real");
    let logs = captured_logs();
    assert!(logs.contains("login code issued"), "the logs are captured");
    for code in codes.iter().filter(|c| *c != "999999") {
        assert!(!contains_standalone(&logs, code), "code {code} in the logs");
        assert!(!contains_standalone(&bodies, code), "code {code} in a response");
        assert!(!contains_standalone(&dump, code), "code {code} in the database");
    }
}

/// `needle` with no hex digit on either side (so it is not part of a hash or id).
fn contains_standalone(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_hexdigit()) && !after.is_some_and(|c| c.is_ascii_hexdigit())
    })
}

pub(crate) fn pg_dump() -> std::path::PathBuf {
    let mut dirs: Vec<_> =
        std::fs::read_dir("/usr/lib/postgresql").unwrap().flatten().map(|e| e.path().join("bin/pg_dump")).collect();
    dirs.sort();
    dirs.pop().filter(|p| p.exists()).unwrap_or_else(|| "pg_dump".into())
}
