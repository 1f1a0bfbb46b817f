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

#[tokio::test]
async fn ten_failures_per_address_per_day_suspend_code_login_across_codes_and_notify_the_owner() {
    let app = TestApp::spawn().await;
    let mut failures = 0;
    // An attacker rotating codes: 3 codes × 4 wrong guesses = 12 guesses wanted.
    'outer: for round in 0..4 {
        if round == 3 {
            app.clock.advance(Duration::minutes(16));
        }
        let browser = new_client();
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
    assert_eq!(failures, 10, "at most 10 guesses per address per 24 h");
    // Even the right code is refused now.
    let browser = new_client();
    app.clock.advance(Duration::minutes(16));
    let mail = app.request_code_mail(&browser, "target@example.com").await;
    let refused = app.submit_code(&browser, &mail.code()).await;
    assert_eq!(refused.status(), 429);
    assert!(retry_after(&refused).unwrap() > 3600);
    assert!(refused.text().await.unwrap().contains("paused"));
    let notices = app.smtp.mails().into_iter().filter(|m| m.header("subject").unwrap().contains("paused")).count();
    assert_eq!(notices, 1, "the owner is told once");
    // A day later it works again.
    app.clock.advance(Duration::hours(24));
    let browser = new_client();
    let mail = app.request_code_mail(&browser, "target@example.com").await;
    assert_eq!(app.submit_code(&browser, &mail.code()).await.status(), 303);
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
